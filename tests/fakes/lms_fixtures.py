"""Shared helpers for the fake LMS API tests: a small district in a mock store for each of
the five systems, a started fake on it, and a plain HTTP client per system."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.lms.mock import edgenuity, renaissance, schoology, schoolstatus, twig
from bot.lms.mock.store import MockStore
from bot.testing.fake_lms import DEFAULT_TOKEN, FakeLMSServer

TODAY = date(2026, 11, 23)
LAKESIDE = "Lakeside District"
LAKESIDE_CODE = renaissance.code_for("seeded lakeside code")
PEOPLE = [
    ("S1", "Ana", "Lopez", "9", "North High", "2030", "2011-01-02"),
    ("S2", "Ben", "Okafor", "10", "North High", "2029", "2010-03-04"),
    ("S3", "Cy", "Park", "11", "South High", "2028", "2009-05-06"),
    ("S4", "Dee", "Ross", "12", "South High", "2027", "2008-07-08"),
    ("S5", "Eli", "Sato", "12", "North High", "2027", "2008-09-10"),
]


def student(
    record: str, first: str, last: str, grade: str, school: str, year: str, born: str
) -> dict[str, str]:
    return {
        "student_id": record,
        "first_name": first,
        "last_name": last,
        "grade": grade,
        "school": school,
        "graduation_year": year,
        "birth_date": born,
        "email": f"{first.lower()}.{last.lower()}@students.example.org",
    }


def seed(store: MockStore) -> None:
    """Each system's small district (call inside a transaction)."""
    for system, people in (
        (edgenuity.SYSTEM, PEOPLE),
        (schoolstatus.SYSTEM, PEOPLE),
        (twig.SYSTEM, PEOPLE[:3]),
        (renaissance.SYSTEM, PEOPLE[:3]),
        (schoology.SYSTEM, PEOPLE[:3]),
    ):
        for person in people:
            store.put(system, "students", person[0], "active", student(*person))
    _edgenuity(store)
    _schoolstatus(store)
    _twig(store)
    _renaissance(store)
    _schoology(store)


def _edgenuity(store: MockStore) -> None:
    e = edgenuity.SYSTEM
    store.put(
        e,
        "educators",
        "T1",
        "active",
        {"name": "Tia Teach", "role": "teacher", "school": "North High"},
    )
    store.put(
        e,
        "educators",
        "T2",
        "active",
        {"name": "Sam Admin", "role": "school admin", "school": "North High"},
    )
    store.put(
        e,
        "courses",
        "C1",
        "active",
        {"title": "Algebra I", "version": "2025", "external_course_code": "EXT-ALG1"},
    )
    store.put(
        e,
        "courses",
        "C2",
        "active",
        {"title": "Geometry", "version": "2025", "external_course_code": ""},
    )
    store.put(
        e,
        "classes",
        "K1",
        "active",
        {"course_id": "C2", "title": "Geometry S1", "school": "North High"},
    )
    for n, who in enumerate(("S1", "S2", "S3"), start=1):
        store.put(
            e,
            "enrollments",
            f"E{n}",
            "active",
            {"student_id": who, "class_id": "K1", "start_date": "2026-08-19"},
        )
    edgenuity.seed(store, {})
    edgenuity.set_permissions(store, "T1", edgenuity.ROLE_DEFAULTS["teacher"] + ", manage schools")


def _schoolstatus(store: MockStore) -> None:
    s = schoolstatus.SYSTEM
    store.put(
        s,
        "students",
        "M-S1",
        "active",
        student("M-S1", "Ana", "Lopez", "9", "North High", "2030", "2011-01-02"),
    )
    store.put(s, "educators", "T1", "active", {"name": "Tia Teach", "role": "teacher"})
    store.put(s, "educators", "T9", "active", {"name": "Lee Left", "role": "teacher"})
    store.put(s, "classes", "K1", "active", {"title": "Homeroom 9", "term": "2025-2026"})
    store.put(s, "enrollments", "E1", "active", {"student_id": "S1", "class_id": "K1"})
    store.put(s, "enrollments", "E2", "active", {"student_id": "M-S1", "class_id": "K1"})


def _twig(store: MockStore) -> None:
    t = twig.SYSTEM
    store.put(t, "educators", "T1", "active", {"name": "Tia Teach"})
    store.put(t, "classes", "K1", "active", {"title": "Science 6", "teacher_id": "T1"})
    store.put(t, "classes", "K2", "active", {"title": "Science 7", "teacher_id": "T1"})
    store.put(t, "enrollments", "E1", "active", {"student_id": "S1", "class_id": "K1"})
    store.put(t, "enrollments", "E2", "active", {"student_id": "S2", "class_id": "K2"})
    store.put(
        t,
        "students",
        "S9",
        "archived",
        student("S9", "Old", "Timer", "8", "North High", "2031", "2012-01-01"),
    )
    twig.seed(store, {})


def _renaissance(store: MockStore) -> None:
    renaissance.seed(store, {})
    renaissance.add_site(
        store,
        LAKESIDE,
        [
            {
                "student_id": "L-1",
                "first_name": "Ana",
                "last_name": "Lopez",
                "birth_date": "2011-01-02",
                "year": "10",
                "scores": "4",
            },
            {
                "student_id": "L-2",
                "first_name": "Noor",
                "last_name": "Haddad",
                "year": "10",
                "user_name": "noor.h",
                "scores": "2",
            },
        ],
    )
    renaissance.generate_code(
        store, "seeded lakeside code", LAKESIDE, TODAY - timedelta(days=3), year="10"
    )


def _schoology(store: MockStore) -> None:
    s = schoology.SYSTEM
    for school in ("North High", "South High"):
        store.put(s, "schools", school, "active", {"name": school})
    store.put(
        s,
        "educators",
        "T1",
        "active",
        {
            "name": "Ada Admin",
            "email": "ada@example.org",
            "role": "System Admin",
            "school": "North High",
        },
    )
    store.put(
        s,
        "educators",
        "T2",
        "active",
        {
            "name": "Tom Teach",
            "email": "tom@example.org",
            "role": "teacher",
            "school": "North High",
        },
    )
    store.put(
        s,
        "educators",
        "T3",
        "deactivated",
        {"name": "Gus Gone", "email": "gus@example.org", "role": "teacher", "school": "South High"},
    )
    store.put(s, "courses", "C1", "active", {"course_id": "C1", "title": "Algebra I"})
    store.put(
        s,
        "classes",
        "K1",
        "active",
        {
            "class_id": "K1",
            "title": "Algebra I S1",
            "course_id": "C1",
            "school": "North High",
            "term": "S1",
        },
    )
    store.put(
        s,
        "classes",
        "K2",
        "archived",
        {
            "class_id": "K2",
            "title": "Algebra I 2025",
            "course_id": "C1",
            "school": "North High",
            "term": "S1",
        },
    )
    store.put(s, "enrollments", "E1", "active", {"student_id": "S1", "class_id": "K1"})
    store.put(s, "enrollments", "E2", "completed", {"student_id": "S2", "class_id": "K1"})
    store.put(
        s,
        "grading_periods",
        "North High: 2026 S1",
        "active",
        {
            "name": "2026 S1",
            "start_date": "2026-08-19",
            "end_date": "2026-12-20",
            "school": "North High",
        },
    )
    store.set_setting(s, "acting_user", "ada@example.org")
    store.set_setting(s, "sync_mode", "automatic")


@pytest.fixture
def lms_store(tmp_path: Path) -> Path:
    path = tmp_path / "lms.sqlite"
    store = MockStore(path)
    with store.transaction():
        seed(store)
    store.close()
    return path


@pytest.fixture
def fake_lms(lms_store: Path) -> Iterator[FakeLMSServer]:
    with FakeLMSServer(lms_store, rate_limits=False, today=lambda: TODAY) as fake:
        yield fake


class Api:
    """A plain HTTP client for one system of the fake: paths are under its base URL."""

    def __init__(self, fake: FakeLMSServer, slug: str, token: str = DEFAULT_TOKEN) -> None:
        self.fake = fake
        self.slug = slug
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def url(self, path: str) -> str:
        return self.fake.base(self.slug) + path

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.http.request(method, self.url(path), timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, json=body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("PUT", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("DELETE", path, **kwargs)


def control(fake: FakeLMSServer, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, fake.url + path, json=body, timeout=10)


def changes(fake: FakeLMSServer, system: str | None = None) -> list[dict[str, Any]]:
    found = control(fake, "GET", "/_fake/changes").json()
    return [c for c in found if system is None or c["system"] == system]


def outcomes(response: requests.Response) -> dict[str, str]:
    """A designed API's bulk answer as ``{record: outcome}``."""
    assert response.status_code == 200, response.text
    return {r["id"]: r["outcome"] for r in response.json()["results"]}
