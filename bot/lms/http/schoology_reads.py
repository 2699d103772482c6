"""Reading Schoology's REST API v1: its objects mapped back to the model's records.

A user's ``school_uid``, a course's ``course_code``, a section's ``section_school_code`` are the
district's IDs, a school is known by its title, a grading period as ``<school>: <title>``.
Schoology lists inactive users without their role, so each appears among both students and
educators, ``deactivated`` with its name only. Its API gives no district IDs for enrollments:
an enrollment is read as ``<Class ID>:<Student ID>`` (its section's ``section_school_code``,
its user's ``school_uid``) with ``class_id`` and ``student_id``, which the ``archive
enrollments`` action matches with the Enrollments tab's rows. Lists are read 200 a page; the
sections of many courses, and the enrollments of many sections, 50 a ``POST /v1/multiget``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from bot.errors import LMSError, LMSUnavailable
from bot.lms.http.client import Answer, ApiClient, error_message
from bot.lms.http.system import frame_of

PAGE = 200
MULTIGET = 50
"""Requests per ``POST /v1/multiget`` (Schoology's most)."""
STUDENT_ROLE = 1
ROLES = {1: "Student", 2: "Teacher", 3: "School Admin", 4: "System Admin", 5: "District Admin"}
INACTIVE = "deactivated"
ENROLLMENT_STATUS = {
    "1": "active",
    "2": "expired",
    "3": "invite pending",
    "4": "request pending",
    "5": "archived",
}
"""Schoology's enrollment status codes."""


class SchoologyReads:
    """The reads of the Schoology adapter (``client``: its signed API client)."""

    client: ApiClient

    def records(self, kind: str) -> pd.DataFrame:
        readers: dict[str, Callable[[], list[dict[str, Any]]]] = {
            "students": lambda: self._users(student=True),
            "educators": lambda: self._users(student=False),
            "schools": self._schools,
            "courses": self._courses,
            "classes": self._sections,
            "grading_periods": self._periods,
            "enrollments": self._enrollments,
        }
        reader = readers.get(kind)
        return frame_of(reader()) if reader is not None else frame_of([])

    def _body(self, answer: Answer, what: str) -> Any:
        if not answer.ok:
            said = error_message(answer.body)
            raise LMSUnavailable(f"Schoology answered {what} with {answer.status}: {said}")
        return answer.body

    def _list(self, path: str, name: str, params: dict[str, str] | None = None) -> list[Any]:
        """Every item of a paged Schoology list (``start``/``limit``)."""
        items: list[Any] = []
        start = 0
        while True:
            query = {**(params or {}), "start": str(start), "limit": str(PAGE)}
            body = self._body(self.client.get(path, query), f"GET {path}")
            page = body.get(name) if isinstance(body, dict) else None
            if not isinstance(page, list):
                raise LMSError(f"Schoology answered GET {path} with no list of {name}")
            items += page
            total = int(body.get("total") or 0)
            start += PAGE
            if not page or start >= total:
                return items

    def _school_numbers(self) -> dict[int, str]:
        """Each school's Schoology number and title (the district's name of it)."""
        return {int(s["id"]): str(s.get("title", "")) for s in self._list("/v1/schools", "school")}

    def _schools(self) -> list[dict[str, Any]]:
        return [
            {"id": title, "status": "active", "name": title}
            for title in self._school_numbers().values()
        ]

    def _users(self, student: bool) -> list[dict[str, Any]]:
        schools = self._school_numbers()
        active = [
            _user(u, schools)
            for u in self._list("/v1/users", "user")
            if (int(u.get("role_id") or 0) == STUDENT_ROLE) == student
        ]
        inactive = [
            {"id": str(u.get("school_uid", "")), "status": INACTIVE, "name": u.get("name", "")}
            for u in self._list("/v1/users/inactive", "user")
        ]
        return sorted(active + inactive, key=lambda r: str(r["id"]))

    def _courses(self) -> list[dict[str, Any]]:
        schools = self._school_numbers()
        return [
            _fields(
                str(c.get("course_code", "")),
                "active",
                title=c.get("title"),
                department=c.get("department"),
                description=c.get("description"),
                school=schools.get(int(c.get("building_id") or 0), ""),
            )
            for c in self._list("/v1/courses", "course")
        ]

    def _sections(self) -> list[dict[str, Any]]:
        """Every course's sections (past ones too), each course's first page read
        ``MULTIGET`` courses at a time with ``POST /v1/multiget``; a course with more
        sections than a page is read on, page by page."""
        schools = self._school_numbers()
        rows = [
            _fields(
                str(s.get("section_school_code", "")),
                "active" if str(s.get("active", "1")) == "1" else "archived",
                title=s.get("section_title"),
                course_id=s.get("course_code"),
                school=schools.get(int(s.get("school_id") or 0), ""),
                term=s.get("section_code"),
            )
            for s in self._raw_sections()
        ]
        return sorted(rows, key=lambda r: str(r["id"]))

    def _raw_sections(self) -> list[dict[str, Any]]:
        """Every section of every course, as Schoology gives it."""
        courses = self._list("/v1/courses", "course")
        first = self._multiget(
            [f"/v1/courses/{c['id']}/sections?include_past=1&start=0&limit={PAGE}" for c in courses]
        )
        listed: list[list[Any]] = []
        for course, body in zip(courses, first, strict=True):
            page = body.get("section") if isinstance(body, dict) else None
            if not isinstance(page, list):
                raise LMSError(
                    f"Schoology answered GET /v1/courses/{course['id']}/sections with no list "
                    "of section"
                )
            if int(body.get("total") or 0) > len(page):
                page = self._list(
                    f"/v1/courses/{course['id']}/sections", "section", {"include_past": "1"}
                )
            listed.append(page)
        return [s for sections in listed for s in sections if isinstance(s, dict)]

    def _enrollments(self) -> list[dict[str, Any]]:
        """Every section's student enrollments (a section's admins, its teachers, are not
        the Enrollments tab's), each section's first page ``MULTIGET`` sections a request."""
        sections = [s for s in self._raw_sections() if s.get("id")]
        first = self._multiget(
            [f"/v1/sections/{s['id']}/enrollments?start=0&limit={PAGE}" for s in sections]
        )
        rows = []
        for section, body in zip(sections, first, strict=True):
            path = f"/v1/sections/{section['id']}/enrollments"
            page = body.get("enrollment") if isinstance(body, dict) else None
            if not isinstance(page, list):
                raise LMSError(f"Schoology answered GET {path} with no list of enrollment")
            if int(body.get("total") or 0) > len(page):
                page = self._list(path, "enrollment")
            code = str(section.get("section_school_code", ""))
            for e in page:
                if str(e.get("admin", "0")) == "1" or not e.get("school_uid"):
                    continue
                user = str(e["school_uid"])
                status = ENROLLMENT_STATUS.get(str(e.get("status", "")), "")
                rows.append(_fields(f"{code}:{user}", status, student_id=user, class_id=code))
        return sorted(rows, key=lambda r: str(r["id"]))

    def _multiget(self, paths: Sequence[str]) -> list[Any]:
        """The body of each GET ``paths`` (in order), ``MULTIGET`` paths a request:
        Schoology's ``POST /v1/multiget`` answers each with its ``response_code`` and
        ``body``; a path answered with an error is an error naming it."""
        chunks = [paths[n : n + MULTIGET] for n in range(0, len(paths), MULTIGET)]
        answers = self.client.map(
            lambda chunk: self._body(
                self.client.request(
                    "POST", "/v1/multiget", body={"request": list(chunk)}, repeatable=True
                ),
                "POST /v1/multiget",
            ),
            chunks,
        )
        bodies: list[Any] = []
        for chunk, answer in zip(chunks, answers, strict=True):
            found = answer.get("response") if isinstance(answer, dict) else None
            if not isinstance(found, list) or len(found) != len(chunk):
                raise LMSError(
                    f"Schoology answered POST /v1/multiget with {len(found or [])} answers "
                    f"for {len(chunk)} requests"
                )
            for path, one in zip(chunk, found, strict=True):
                code = int(one.get("response_code") or 0) if isinstance(one, dict) else 0
                body = one.get("body") if isinstance(one, dict) else None
                if not 200 <= code < 300:
                    said = error_message(body)
                    raise LMSUnavailable(
                        f"Schoology answered GET {path.split('?')[0]} (in a multiget) with "
                        f"{code}: {said}"
                    )
                bodies.append(body)
        return bodies

    def _periods(self) -> list[dict[str, Any]]:
        schools = self._school_numbers()
        rows = []
        for p in self._list("/v1/gradingperiods", "gradingperiods"):
            school = schools.get(int(p.get("school_id") or 0), "")
            rows.append(
                _fields(
                    f"{school}: {p.get('title', '')}",
                    "active" if str(p.get("active", "1")) == "1" else "inactive",
                    name=p.get("title"),
                    start_date=p.get("start"),
                    end_date=p.get("end"),
                    school=school,
                )
            )
        return sorted(rows, key=lambda r: str(r["id"]))


def _user(raw: dict[str, Any], schools: dict[int, str]) -> dict[str, Any]:
    school = schools.get(int(raw.get("building_id") or 0), "")
    common = {
        "email": raw.get("primary_email"),
        "username": raw.get("username"),
        "school": school,
    }
    record = str(raw.get("school_uid", ""))
    if int(raw.get("role_id") or 0) == STUDENT_ROLE:
        return _fields(
            record,
            "active",
            first_name=raw.get("name_first"),
            last_name=raw.get("name_last"),
            graduation_year=raw.get("grad_year"),
            birth_date=raw.get("birthday_date"),
            **common,
        )
    return _fields(
        record,
        "active",
        name=raw.get("name_display"),
        role=ROLES.get(int(raw.get("role_id") or 0), ""),
        **common,
    )


def _fields(record: str, status: str, **fields: Any) -> dict[str, Any]:
    """A record with the fields Schoology gave a value (blank ones are not known)."""
    return {
        "id": record,
        "status": status,
        **{k: str(v) for k, v in fields.items() if v not in (None, "")},
    }
