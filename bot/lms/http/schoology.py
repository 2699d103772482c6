"""Schoology's REST API v1 (``docs/lms-api/schoology.md``), signed with two-legged OAuth 1.0a
(``bot/lms/schoology/auth.py``), and the PowerSchool app's configuration through the
stand-in the fakes serve beside it (``/powerschool/v1``: Schoology's API has none).

Reads are in ``schoology_reads.py``; writes here: the app's settings, grading periods, users
made inactive (and active again, for undo), ``BATCH`` a request; users created and updated
and enrollments archived in ``schoology_rosters.py``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests

from bot.abc import Clock
from bot.errors import CredentialsError, LMSError, LMSUnavailable, RuleViolation, Unreadable
from bot.lms.http.client import ApiClient, Policy
from bot.lms.http.designed import SingleWrite, no_body, params_body
from bot.lms.http.limits import Limit
from bot.lms.http.schoology_reads import INACTIVE, SchoologyReads
from bot.lms.http.schoology_rosters import (
    ARCHIVE,
    CREATE,
    UPDATE,
    SchoologyRosterWrites,
    each_outcome,
    refusal,
)
from bot.lms.http.system import (
    RESTORE,
    Result,
    SystemAdapter,
    for_record,
    named,
    unknown_operation,
)
from bot.lms.schoology.auth import KEY_VARIABLE, Credentials, raise_for_refusal, signer
from bot.structures import Operation, OpResult
from bot.templates import normalize_header

SYSTEM = "Schoology"
BATCH = 50
LIMIT = Limit(50, 5)
STAND_IN = "/powerschool/v1"
NO_APP_API = (
    "this Schoology has no API for the PowerSchool app's configuration (acting user, sync "
    f"mode, active year: {STAND_IN} answered 404), and Schoology's REST API v1 has none: do "
    "the PowerSchool app's steps in Schoology by hand (System Settings > Integration > SIS "
    "Integration > PowerSchool) and make them people's steps (Action manual, Run ticked by "
    "their Owner); see the README's Schoology playbook table"
)
NO_APP_SETTINGS = (
    "Schoology's API cannot read the PowerSchool app's settings (acting user, sync mode, "
    f"active year: {STAND_IN}/settings answered 404); look at them in Schoology (System "
    "Settings > Integration > SIS Integration > PowerSchool); a step of the bot that needs them "
    "is done by hand: make it a people's step (Action manual)"
)


def _feed(op: Operation) -> dict[str, Any]:
    return {"feed": json.loads(op.params.get("feed") or "[]")}


SETTINGS_WRITES = {
    "check acting user": SingleWrite("POST", f"{STAND_IN}/acting-user:check", no_body),
    "set acting user": SingleWrite("PUT", f"{STAND_IN}/acting-user", params_body("user")),
    "set sync mode": SingleWrite("PUT", f"{STAND_IN}/sync-mode", params_body("mode")),
    "set active year": SingleWrite("PUT", f"{STAND_IN}/active-year", params_body("year")),
    "sync now": SingleWrite("POST", f"{STAND_IN}/sync", _feed),
}
PERIODS = "create grading periods"
USER_KINDS = ("students", "educators")
REACTIVATE = "PUT /v1/users/reactivate"
DEACTIVATE = "deactivate users"


class SchoologyAdapter(SchoologyReads, SchoologyRosterWrites, SystemAdapter):
    system = SYSTEM
    batch = BATCH

    def __init__(
        self,
        endpoint: str,
        credentials: Credentials,
        signature_method: str,
        policy: Policy | None = None,
        clock: Clock | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``clock``: the time the signatures carry; ``sleep`` and ``monotonic``: the
        requests' waits and rate limit."""

        def refused(response: requests.Response) -> LMSError:
            try:
                raise_for_refusal(response, credentials, clock)
            except LMSError as exc:
                return exc
            return CredentialsError(
                f"Schoology refused {response.request.method} {urlsplit(response.url).path} "
                f"({response.status_code}): the user whose keys are in {KEY_VARIABLE} may not "
                "do it; make the keys as an active System Admin whose role has the Access "
                "Schoology API permission (see the README); nothing was changed"
            )

        self.client = ApiClient(
            SYSTEM,
            endpoint,
            limit=LIMIT,
            auth=signer(credentials, signature_method, clock),
            refused=refused,
            policy=policy,
            sleep=sleep,
            clock=monotonic,
            wall=clock,
        )
        self.batch = self.client.policy.batch(BATCH)

    def settings(self) -> dict[str, str]:
        answer = self.client.get(f"{STAND_IN}/settings")
        if answer.status == 404:
            raise Unreadable(NO_APP_SETTINGS)
        body = self._body(answer, f"GET {STAND_IN}/settings")
        found = body.get("settings") if isinstance(body, dict) else None
        if not isinstance(found, dict):
            raise LMSError("Schoology's PowerSchool app answered with no settings")
        return {str(k): str(v) for k, v in found.items()}

    def execute_many(self, ops: Sequence[Operation]) -> list[Result]:
        """Settings one after another, in order; grading periods a few at once."""
        results: dict[int, Result] = {}
        periods, leaving, back = [], [], []
        rosters: dict[str, list[int]] = {}
        for n, op in enumerate(ops):
            action = normalize_header(op.action)
            write = SETTINGS_WRITES.get(action)
            if (
                op.action == RESTORE
                and op.kind in USER_KINDS
                and op.params.get("status") == "active"
            ):
                back.append(n)
            elif op.action == RESTORE:
                results[n] = self.cannot_restore(op)
            elif write is not None:
                results[n] = self._setting(write, op)
            elif action == PERIODS:
                periods.append(n)
            elif action == DEACTIVATE:
                leaving.append(n)
            elif action in CREATE | UPDATE or action == ARCHIVE:
                rosters.setdefault(action, []).append(n)
            else:
                raise unknown_operation(SYSTEM, op)
        if periods:
            try:
                numbers = {title: number for number, title in self._school_numbers().items()}
            except LMSUnavailable as exc:
                results.update(
                    (n, LMSUnavailable(named(str(exc), ops[n].record_id))) for n in periods
                )
            else:
                made = self.client.map(lambda n: self._period(ops[n], numbers), periods)
                results.update(zip(periods, made, strict=True))
        if leaving:
            results.update(zip(leaving, self._deactivate([ops[n] for n in leaving]), strict=True))
        if back:
            results.update(zip(back, self._reactivate([ops[n] for n in back]), strict=True))
        for action, chosen in rosters.items():
            done = self.roster_writes([ops[n] for n in chosen], action)
            results.update(zip(chosen, done, strict=True))
        return [results[n] for n in range(len(ops))]

    def _deactivate(self, ops: list[Operation]) -> list[Result]:
        """Users made inactive, ``BATCH`` a request (``DELETE /v1/users?uids=``), each user's
        own answer read back: their Schoology numbers are looked up by Unique ID
        (``GET /v1/users?school_uids=``, 50 a request); a user already inactive is not sent
        (Unchanged), one Schoology does not have is refused, naming it."""
        chunks = [ops[n : n + self.batch] for n in range(0, len(ops), self.batch)]
        try:
            found = self.client.map(self._numbers, chunks)
        except LMSUnavailable as exc:
            return [for_record(op, exc) for op in ops]
        numbers = {uid: number for chunk in found for uid, number in chunk.items()}
        gone = (
            set()
            if all(op.record_id in numbers for op in ops)
            else {str(u.get("school_uid", "")) for u in self._list("/v1/users/inactive", "user")}
        )
        results: dict[int, Result] = {}
        todo: list[int] = []
        for n, op in enumerate(ops):
            if op.record_id in numbers:
                todo.append(n)
            elif op.record_id in gone:
                results[n] = OpResult(INACTIVE, f"user {op.record_id} is already inactive")
            else:
                results[n] = RuleViolation(f"no active user {op.record_id} in {SYSTEM}")
        batches = [todo[i : i + self.batch] for i in range(0, len(todo), self.batch)]
        answered = self.client.map(
            lambda batch: self._delete([ops[n] for n in batch], numbers), batches
        )
        for batch, outcomes in zip(batches, answered, strict=True):
            results.update(zip(batch, outcomes, strict=True))
        return [results[n] for n in range(len(ops))]

    def _reactivate(self, ops: list[Operation]) -> list[Result]:
        """``undo`` of making users inactive: each inactive user of ``ops`` made active again
        (``PUT /v1/users/reactivate``, ``BATCH`` a request); one active already is left as it
        is. Schoology keeps an inactive user's account and fields, so the user comes back as
        the snapshot saw them."""
        inactive = {
            str(u.get("school_uid", "")): int(u["uid"])
            for u in self._list("/v1/users/inactive", "user")
            if u.get("uid")
        }
        results: dict[int, Result] = {}
        todo = [n for n, op in enumerate(ops) if op.record_id in inactive]
        missing = [ops[n] for n in range(len(ops)) if n not in todo]
        active = {
            uid: number
            for start in range(0, len(missing), BATCH)
            for uid, number in self._numbers(missing[start : start + BATCH]).items()
        }
        for n, op in enumerate(ops):
            if op.record_id in active:
                results[n] = OpResult("active", f"user {op.record_id} is active already")
            elif n not in todo:
                results[n] = RuleViolation(f"no user {op.record_id} in {SYSTEM} to make active")
        for start in range(0, len(todo), self.batch):
            batch = todo[start : start + self.batch]
            body = {"user": [{"uid": inactive[ops[n].record_id]} for n in batch]}
            try:
                answer = self.client.request(
                    "PUT", "/v1/users/reactivate", body=body, repeatable=True
                )
            except LMSUnavailable as exc:
                results.update((n, for_record(ops[n], exc)) for n in batch)
                continue
            outcomes = each_outcome(
                [ops[n] for n in batch],
                answer,
                "active",
                REACTIVATE,
                lambda op, said: said or f"reactivated user {op.record_id}",
            )
            results.update(zip(batch, outcomes, strict=True))
        return [results[n] for n in range(len(ops))]

    def _numbers(self, ops: Sequence[Operation]) -> dict[str, int]:
        """The Schoology number of each active user of ``ops`` (at most 50: Schoology's
        most ``school_uids``), by Unique ID."""
        uids = ",".join(op.record_id for op in ops)
        users = self._list("/v1/users", "user", {"school_uids": uids})
        return {str(u.get("school_uid", "")): int(u["uid"]) for u in users if u.get("uid")}

    def _delete(self, ops: list[Operation], numbers: dict[str, int]) -> list[Result]:
        """One ``DELETE /v1/users?uids=`` of up to ``BATCH`` users, an outcome each (in the
        order sent). Making a user inactive twice changes nothing, so a lost answer is sent
        again."""
        uids = ",".join(str(numbers[op.record_id]) for op in ops)
        try:
            answer = self.client.request(
                "DELETE", "/v1/users", params={"uids": uids}, repeatable=True
            )
        except LMSUnavailable as exc:
            return [for_record(op, exc) for op in ops]
        return each_outcome(
            ops,
            answer,
            INACTIVE,
            "DELETE /v1/users",
            lambda op, said: said or f"deactivated user {op.record_id}",
        )

    def _setting(self, write: SingleWrite, op: Operation) -> Result:
        body = write.body(op) if write.body is not None else None
        try:
            answer = self.client.request(write.method, write.path, body=body, repeatable=True)
        except LMSUnavailable as exc:
            return for_record(op, exc)
        if answer.ok and isinstance(answer.body, dict):
            return OpResult(str(answer.body.get("status", "")), str(answer.body.get("message", "")))
        if answer.status == 404:
            return RuleViolation(named(NO_APP_API, op.record_id))
        return refusal(answer, op)

    def _period(self, op: Operation, schools: dict[str, int]) -> Result:
        """A grading period in the school ``op.record_id``: created once (a second is
        refused, so a lost answer is not sent again: the next run reads the periods back)."""
        school = schools.get(op.record_id)
        if school is None:
            return RuleViolation(f"no school {op.record_id!r} in {SYSTEM}")
        name = op.params.get("name", "")
        body = {
            "title": name,
            "start": op.params.get("start_date", ""),
            "end": op.params.get("end_date", ""),
            "school_id": school,
        }
        try:
            answer = self.client.request("POST", "/v1/gradingperiods", body=body, repeatable=False)
        except LMSUnavailable as exc:
            return for_record(op, exc)
        if answer.ok:
            return OpResult("created", f"created grading period {name} for {op.record_id}")
        return refusal(answer, op)
