"""Schoology's roster writes over REST API v1, for a district rostered by CSV rather than the
PowerSchool app: users created (``POST /v1/users``) and updated (``PUT /v1/users``) in bulk,
and enrollments archived (``PUT /v1/sections/{id}/enrollments``, status 5), ``BATCH`` records a
request, each record's own ``response_code`` read back.

Schoology knows an enrollment by its own number; the district's by its Enrollment ID. The two
meet on the section's ``section_school_code`` (the Class ID) and the enrolled user's
``school_uid`` (the Student ID): an operation carries both (``class_id``, ``student_id``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from bot.errors import LMSError, LMSUnavailable, RuleViolation
from bot.lms.http.client import Answer, ApiClient, error_message
from bot.lms.http.system import Result, for_record, named
from bot.structures import Operation, OpResult

SYSTEM = "Schoology"
BATCH = 50
ARCHIVED_CODE = "5"
ENROLLMENT_CODES = {
    "1": "active",
    "2": "expired",
    "3": "invite pending",
    "4": "request pending",
    ARCHIVED_CODE: "archived",
}
ROLE_IDS = {
    "student": 1,
    "teacher": 2,
    "school admin": 3,
    "system admin": 4,
    "district admin": 5,
}
STUDENT_FIELDS = {
    "first_name": "name_first",
    "last_name": "name_last",
    "email": "primary_email",
    "username": "username",
    "graduation_year": "grad_year",
    "birth_date": "birthday_date",
}
STAFF_FIELDS = {
    "first_name": "name_first",
    "last_name": "name_last",
    "email": "primary_email",
    "username": "username",
}
CREATE = frozenset({"create users", "create staff users"})
UPDATE = frozenset({"update users", "update staff users"})
ARCHIVE = "archive enrollments"


def each_outcome(
    ops: Sequence[Operation],
    answer: Answer,
    status: str,
    what: str,
    done: Callable[[Operation, str], str],
    name: str = "user",
) -> list[Result]:
    """Each record's outcome in a bulk answer (in the order sent): 200 is done (``done``
    words it from Schoology's message), a 4xx refuses that record, another code leaves it to
    the next run. ``name``: the answer's list (``user``; ``enrollments.enrollment``)."""
    if not answer.ok:
        return [refusal(answer, op) for op in ops]
    found: Any = answer.body
    for part in name.split("."):
        found = found.get(part) if isinstance(found, dict) else None
    if not isinstance(found, list) or len(found) != len(ops):
        raise LMSError(
            f"Schoology answered {what} with {len(found or [])} answers for {len(ops)} records"
        )
    out: list[Result] = []
    for op, one in zip(ops, found, strict=True):
        code = int(one.get("response_code") or 0) if isinstance(one, dict) else 0
        said = str(one.get("message") or "") if isinstance(one, dict) else ""
        if code == 200:
            out.append(OpResult(status, done(op, said)))
        elif code in (400, 404, 409, 422):
            out.append(RuleViolation(named(said or f"answered {code}", op.record_id)))
        else:
            again = f"Schoology answered {code}: {said}; the next run sends it again"
            out.append(LMSUnavailable(named(again, op.record_id)))
    return out


def refusal(answer: Answer, op: Operation) -> Result:
    said = error_message(answer.body) or f"answered {answer.status}"
    if answer.status in (400, 404, 409, 422):
        return RuleViolation(named(said, op.record_id))
    return LMSUnavailable(named(f"Schoology answered {answer.status}: {said}", op.record_id))


class SchoologyRosterWrites:
    """Users and enrollments written in bulk (mixed into the Schoology adapter)."""

    client: ApiClient
    batch: int
    """Records a bulk request (Schoology's ``BATCH`` at most, the client's policy may say less)."""

    def _chunks(self, items: Sequence[int]) -> list[list[int]]:
        return [list(items[n : n + self.batch]) for n in range(0, len(items), self.batch)]

    def _list(self, path: str, name: str, params: dict[str, str] | None = None) -> list[Any]:
        raise NotImplementedError

    def _school_numbers(self) -> dict[int, str]:
        raise NotImplementedError

    def _numbers(self, ops: Sequence[Operation]) -> dict[str, int]:
        raise NotImplementedError

    def roster_writes(self, ops: Sequence[Operation], action: str) -> list[Result]:
        if action in CREATE:
            return self._create_users(ops)
        if action in UPDATE:
            return self._update_users(ops)
        return self._archive(ops)

    def _user_body(self, op: Operation, schools: dict[str, int]) -> dict[str, Any] | str:
        """Schoology's user object for ``op`` (its fields, role and building), or why it
        cannot be sent."""
        p = op.params
        fields = STUDENT_FIELDS if op.kind == "students" else STAFF_FIELDS
        body: dict[str, Any] = {"school_uid": op.record_id}
        body |= {theirs: p[mine] for mine, theirs in fields.items() if p.get(mine, "").strip()}
        if op.kind == "students":
            body["role_id"] = ROLE_IDS["student"]
        elif "role" in p or op.action.casefold().startswith("create"):
            role = ROLE_IDS.get(p.get("role", "").strip().casefold())
            if role is None or role == ROLE_IDS["student"]:
                return (
                    f"staff user {op.record_id} has role {p.get('role', '')!r}: Schoology's "
                    "staff roles are Teacher, School Admin, System Admin and District Admin"
                )
            body["role_id"] = role
        school = p.get("school", "").strip()
        if school:
            if school not in schools:
                return f"user {op.record_id}: no school {school!r} in {SYSTEM}"
            body["building_id"] = schools[school]
        return body

    def _create_users(self, ops: Sequence[Operation]) -> list[Result]:
        """``POST /v1/users`` of up to ``BATCH`` users a request, without
        ``update_existing``: a user whose Unique ID Schoology has is refused, never
        overwritten. A creation is not sent again after a lost answer (the next run reads the
        users back: one created is then at target)."""
        try:
            schools = {title: n for n, title in self._school_numbers().items()}
        except LMSUnavailable as exc:
            return [for_record(op, exc) for op in ops]
        results: dict[int, Result] = {}
        bodies: dict[int, dict[str, Any]] = {}
        for n, op in enumerate(ops):
            body = self._user_body(op, schools)
            if isinstance(body, str):
                results[n] = RuleViolation(named(body, op.record_id))
            else:
                bodies[n] = body

        return self._send_users("POST", ops, bodies, results, "created")

    def _update_users(self, ops: Sequence[Operation]) -> list[Result]:
        """``PUT /v1/users`` of up to ``BATCH`` users a request, by their Schoology IDs
        (looked up by Unique ID, 50 a request): only the fields the step gives. Sending the
        same values twice changes nothing, so a lost answer is sent again."""
        try:
            schools = {title: n for n, title in self._school_numbers().items()}
            groups = [ops[n : n + BATCH] for n in range(0, len(ops), BATCH)]
            found = self.client.map(self._numbers, groups)
        except LMSUnavailable as exc:
            return [for_record(op, exc) for op in ops]
        numbers = {uid: number for chunk in found for uid, number in chunk.items()}
        results: dict[int, Result] = {}
        bodies: dict[int, dict[str, Any]] = {}
        for n, op in enumerate(ops):
            body = self._user_body(op, schools)
            if op.record_id not in numbers:
                results[n] = RuleViolation(f"no active user {op.record_id} in {SYSTEM} to update")
            elif isinstance(body, str):
                results[n] = RuleViolation(named(body, op.record_id))
            else:
                if op.kind == "students":
                    body.pop("role_id")
                bodies[n] = {"id": numbers[op.record_id]} | body

        return self._send_users("PUT", ops, bodies, results, "updated")

    def _send_users(
        self,
        method: str,
        ops: Sequence[Operation],
        bodies: dict[int, dict[str, Any]],
        results: dict[int, Result],
        done: str,
    ) -> list[Result]:
        """``bodies`` (by the index of their operation) sent ``method /v1/users`` a batch a
        request, each user's own outcome read from the answer; ``results``: the operations
        refused before anything was sent. A creation is not sent again after a lost answer
        (the next plan finds the user); an update is (the same values change nothing)."""
        what = f"{method} /v1/users"

        def send(batch: list[int]) -> list[Result]:
            sent = {"users": {"user": [bodies[n] for n in batch]}}
            try:
                answer = self.client.request(
                    method, "/v1/users", body=sent, repeatable=method == "PUT"
                )
            except LMSUnavailable as exc:
                return [for_record(ops[n], exc) for n in batch]
            return each_outcome(
                [ops[n] for n in batch],
                answer,
                "active",
                what,
                lambda op, _: f"{done} user {op.record_id}",
            )

        batches = self._chunks(sorted(bodies))
        for batch, outcomes in zip(batches, self.client.map(send, batches), strict=True):
            results.update(zip(batch, outcomes, strict=True))
        return [results[n] for n in range(len(ops))]

    def _sections_by_code(self, codes: Sequence[str]) -> dict[str, int]:
        """The Schoology number of each section (past ones too) by its Class ID, 50 codes a
        request (``GET /v1/sections?section_school_codes=``)."""
        chunks = [list(codes[n : n + BATCH]) for n in range(0, len(codes), BATCH)]
        found = self.client.map(
            lambda chunk: self._list(
                "/v1/sections",
                "section",
                {"section_school_codes": ",".join(chunk), "include_past": "1"},
            ),
            chunks,
        )
        return {
            str(s.get("section_school_code", "")): int(s["id"])
            for page in found
            for s in page
            if s.get("id")
        }

    def _archive(self, ops: Sequence[Operation]) -> list[Result]:
        """Each enrollment's status set to archived (5), ``BATCH`` a ``PUT
        /v1/sections/{id}/enrollments`` per section. The enrollment is the one of the user
        ``student_id`` in the section ``class_id``; one archived already is not sent. Setting
        a status twice changes nothing, so a lost answer is sent again."""
        results: dict[int, Result] = {}
        by_section: dict[str, list[int]] = defaultdict(list)
        for n, op in enumerate(ops):
            section, user = op.params.get("class_id", ""), op.params.get("student_id", "")
            if not section or not user:
                results[n] = RuleViolation(
                    f"enrollment {op.record_id} has no Class ID or Student ID: {SYSTEM} knows "
                    "an enrollment by its section and its user"
                )
            else:
                by_section[section].append(n)
        try:
            sections = self._sections_by_code(sorted(by_section))
            listed = self.client.map(
                lambda code: (
                    self._list(f"/v1/sections/{sections[code]}/enrollments", "enrollment")
                    if code in sections
                    else []
                ),
                sorted(by_section),
            )
        except LMSUnavailable as exc:
            return [for_record(op, exc) for op in ops]
        work: list[tuple[int, list[int]]] = []
        ids: dict[int, str] = {}
        for code, enrolled in zip(sorted(by_section), listed, strict=True):
            users = {str(e.get("school_uid", "")): e for e in enrolled if isinstance(e, dict)}
            todo = []
            for n in by_section[code]:
                op = ops[n]
                one = users.get(op.params["student_id"])
                if code not in sections:
                    results[n] = RuleViolation(
                        named(f"no section {code} in {SYSTEM}", op.record_id)
                    )
                elif one is None:
                    results[n] = RuleViolation(
                        named(
                            f"{op.params['student_id']} is not enrolled in section {code} in "
                            f"{SYSTEM}",
                            op.record_id,
                        )
                    )
                elif str(one.get("status", "")) == ARCHIVED_CODE:
                    results[n] = OpResult(
                        "archived", f"enrollment {op.record_id} is archived already"
                    )
                else:
                    ids[n] = str(one.get("id", ""))
                    todo.append(n)
            work += [(sections[code], batch) for batch in self._chunks(todo)]

        def send(job: tuple[int, list[int]]) -> list[Result]:
            section, batch = job
            sent = {
                "enrollments": {
                    "enrollment": [{"id": ids[n], "status": ARCHIVED_CODE} for n in batch]
                }
            }
            path = f"/v1/sections/{section}/enrollments"
            try:
                answer = self.client.request("PUT", path, body=sent, repeatable=True)
            except LMSUnavailable as exc:
                return [for_record(ops[n], exc) for n in batch]
            return each_outcome(
                [ops[n] for n in batch],
                answer,
                "archived",
                f"PUT {path}",
                lambda op, _: f"enrollment {op.record_id} archived",
                "enrollments.enrollment",
            )

        for (_, batch), outcomes in zip(work, self.client.map(send, work), strict=True):
            results.update(zip(batch, outcomes, strict=True))
        return [results[n] for n in range(len(ops))]
