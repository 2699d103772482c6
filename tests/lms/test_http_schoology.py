"""The Schoology adapter on the fake Schoology that verifies OAuth 1.0a signatures: reads map
Schoology's objects back to the district's records, the PowerSchool app's settings and the
grading periods are written as the in-process model writes them, a lost answer to a creation
is not sent again, and refused keys are an error that says which variable to fix."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config.schoology import SchoologyConfig
from bot.errors import LMSError, LMSUnavailable, RuleViolation
from bot.lms.http import HttpLMS, HttpSettings, Policy
from bot.lms.http.client import Unsure
from bot.lms.http.system import RESTORE
from bot.lms.mock import MockLMS
from bot.lms.mock.store import MockStore
from bot.structures import Operation, OpResult
from bot.testing.fake_schoology import FakeSchoologyServer
from tests.fakes.lms_fixtures import TODAY, seed
from tests.lms.fake_time import FakeTime

KEY, SECRET = "demo-key", "demo-secret"
SCHOOLOGY = "Schoology"
PERIOD = {"name": "2027 S1", "start_date": "2027-01-04", "end_date": "2027-05-28"}


@dataclass
class Served:
    fake: FakeSchoologyServer
    lms: HttpLMS
    mock: MockLMS
    """The in-process model on a copy of the same store, for comparison."""
    time: FakeTime


COURSES = 230
"""Courses of the district beside the seed's C1: more than a page (200), more than a
multiget (50)."""


def many_courses(store: MockStore) -> None:
    """``COURSES`` courses with a section each, and a section archived in the last."""
    for n in range(COURSES):
        store.put(SCHOOLOGY, "courses", f"M{n:03d}", "active", {"title": f"Course {n}"})
        store.put(
            SCHOOLOGY,
            "classes",
            f"MK{n:03d}",
            "active",
            {"course_id": f"M{n:03d}", "title": f"Section {n}", "school": "South High"},
        )
    store.put(
        SCHOOLOGY, "classes", "MX", "archived", {"course_id": f"M{COURSES - 1:03d}", "title": "Old"}
    )


@contextmanager
def schoology_served(
    root: Path, monkeypatch: pytest.MonkeyPatch, *fills: Callable[[MockStore], None]
) -> Iterator[Served]:
    """The fake Schoology on a store filled by ``fills`` (one transaction each), the adapter
    signing for it, and the in-process model on a twin of the same store."""
    path, twin = root / "lms.sqlite", root / "twin" / "lms.sqlite"
    twin.parent.mkdir()
    for where in (path, twin):
        for fill in fills:
            store = MockStore(where)
            with store.transaction():
                fill(store)
            store.close()
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_KEY", KEY)
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_SECRET", SECRET)
    time = FakeTime()
    with FakeSchoologyServer(path, KEY, SECRET, rate_limits=False, today=lambda: TODAY) as fake:
        settings = HttpSettings(
            "",
            "",
            SchoologyConfig(fake.url),
            Policy(attempts=3),
            sleep=time.sleep,
            clock=time.monotonic,
        )
        lms, mock = HttpLMS(settings), MockLMS(twin)
        try:
            yield Served(fake, lms, mock, time)
        finally:
            lms.close()
            mock.close()


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """The seed's district with 230 more courses (many sections to read)."""
    with schoology_served(tmp_path, monkeypatch, seed, many_courses) as served:
        yield served


def statuses(lms: HttpLMS | MockLMS, kind: str) -> dict[str, str]:
    frame = lms.records(SCHOOLOGY, kind)
    return dict(zip(frame["id"], frame["status"], strict=True))


def test_reads_give_the_districts_records(served: Served) -> None:
    lms = served.lms
    assert statuses(lms, "schools") == {"North High": "active", "South High": "active"}
    assert statuses(lms, "classes") == statuses(served.mock, "classes")
    assert {k: v for k, v in statuses(lms, "classes").items() if k.startswith("K")} == {
        "K1": "active",
        "K2": "archived",
    }
    assert statuses(lms, "courses") == statuses(served.mock, "courses")
    assert statuses(lms, "grading_periods") == statuses(served.mock, "grading_periods")
    staff = lms.records(SCHOOLOGY, "educators").set_index("id")
    assert staff.loc["T1", ["name", "email", "role", "school"]].tolist() == [
        "Ada Admin",
        "ada@example.org",
        "System Admin",
        "North High",
    ]
    assert staff.loc["T3", "status"] == "deactivated"
    students = lms.records(SCHOOLOGY, "students").set_index("id")
    assert students.loc["S1", ["first_name", "last_name"]].tolist() == ["Ana", "Lopez"]
    assert lms.settings(SCHOOLOGY) == served.mock.settings(SCHOOLOGY)
    assert served.fake.oauth.report()["refused"] == {}
    enrollments = lms.records(SCHOOLOGY, "enrollments").set_index("id")
    assert enrollments.loc[
        ["K1:S1", "K1:S2"], ["status", "student_id", "class_id"]
    ].values.tolist() == [
        ["active", "S1", "K1"],
        ["expired", "S2", "K1"],
    ]


def test_settings_and_grading_periods_as_the_model_makes_them(served: Served) -> None:
    ops = [
        Operation(SCHOOLOGY, "check acting user", "settings", "acting_user"),
        Operation(SCHOOLOGY, "set sync mode", "settings", "sync_mode", {"mode": "manual"}),
        Operation(SCHOOLOGY, "set active year", "settings", "active_year", {"year": "2027-2028"}),
        *(
            Operation(SCHOOLOGY, "create grading periods", "grading_periods", school, PERIOD)
            for school in ("North High", "South High", "West High")
        ),
    ]
    over_http = served.lms.execute_many(ops)
    in_process = served.mock.execute_many(ops)
    assert [type(r) for r in over_http] == [type(r) for r in in_process]
    assert [str(r) for r in over_http if not isinstance(r, OpResult)] == [
        str(r) for r in in_process if not isinstance(r, OpResult)
    ]
    assert [r for r in over_http if isinstance(r, OpResult)] == [
        r for r in in_process if isinstance(r, OpResult)
    ]
    assert served.lms.settings(SCHOOLOGY) == served.mock.settings(SCHOOLOGY)
    assert statuses(served.lms, "grading_periods") == statuses(served.mock, "grading_periods")

    (again,) = served.lms.execute_many(ops[3:4])
    assert isinstance(again, RuleViolation)
    assert "select it instead of creating it" in str(again)


def test_a_lost_answer_to_a_creation_is_not_sent_again(served: Served) -> None:
    served.fake.faults.configure(
        {"queue": [{"type": "reset", "when": "after", "path": "/v1/gradingperiods"}]}
    )
    op = Operation(SCHOOLOGY, "create grading periods", "grading_periods", "South High", PERIOD)
    (lost,) = served.lms.execute_many([op])
    assert isinstance(lost, Unsure) and isinstance(lost, LMSUnavailable)
    assert "South High" in str(lost)
    posts = [r for r in served.fake.requests if r.method == "POST"]
    assert [r.status for r in posts] == [0]
    assert statuses(served.lms, "grading_periods")["South High: 2027 S1"] == "active"


def test_refused_keys_say_which_variable_to_fix(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_SECRET", "not-the-secret")
    lms = HttpLMS(HttpSettings("", "", SchoologyConfig(served.fake.url), Policy(attempts=1)))
    try:
        with pytest.raises(LMSError) as refused:
            lms.records(SCHOOLOGY, "schools")
    finally:
        lms.close()
    assert "SCHOOLOGY_CONSUMER_SECRET" in str(refused.value)
    assert "not-the-secret" not in str(refused.value)


def test_sections_are_read_fifty_courses_a_multiget_and_lists_two_hundred_a_page(
    served: Served,
) -> None:
    classes = served.lms.records(SCHOOLOGY, "classes").set_index("id")
    assert classes.loc["MX", "status"] == "archived"
    assert classes.loc["MK007", ["course_id", "school"]].tolist() == ["M007", "South High"]
    assert len(classes) == COURSES + 1 + 2
    sent = [(r.method, r.path, r.query) for r in served.fake.requests]
    pages = [q for m, p, q in sent if (m, p) == ("GET", "/v1/courses")]
    assert sorted((q["start"], q["limit"]) for q in pages) == [(["0"], ["200"]), (["200"], ["200"])]
    multigets = [(m, p) for m, p, _ in sent if p == "/v1/multiget"]
    assert multigets == [("POST", "/v1/multiget")] * 5, "231 courses: 50 + 50 + 50 + 50 + 31"
    assert not [p for m, p, q in sent if p.endswith("/sections")], "no course is read alone"
    assert served.fake.oauth.report()["refused"] == {}


def test_a_429_is_waited_out_as_retry_after_says(served: Served) -> None:
    served.fake.faults.configure(
        {"queue": [{"type": "status", "status": 429, "retry_after": 4, "path": "/v1/multiget"}]}
    )
    assert statuses(served.lms, "classes") == statuses(served.mock, "classes")
    multigets = [r.status for r in served.fake.requests if r.path == "/v1/multiget"]
    assert sorted(multigets) == [200] * 5 + [429]
    assert 4.0 in served.time.waits


def test_without_an_api_for_the_powerschool_app_the_steps_say_to_do_it_by_hand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on api.schoology.com: no stand-in for the app's configuration."""
    path = tmp_path / "lms.sqlite"
    store = MockStore(path)
    with store.transaction():
        seed(store)
    store.close()
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_KEY", KEY)
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_SECRET", SECRET)
    with FakeSchoologyServer(path, KEY, SECRET, rate_limits=False, powerschool_app=False) as fake:
        lms = HttpLMS(HttpSettings("", "", SchoologyConfig(fake.url), Policy(attempts=1)))
        try:
            with pytest.raises(LMSError) as no_api:
                lms.settings(SCHOOLOGY)
            op = Operation(SCHOOLOGY, "set sync mode", "settings", "sync_mode", {"mode": "manual"})
            (refused,) = lms.execute_many([op])
            assert statuses(lms, "schools") == {"North High": "active", "South High": "active"}
        finally:
            lms.close()
        assert fake.changes() == []
    for said in (str(no_api.value), str(refused)):
        assert "PowerSchool app" in said and "by hand" in said and "Action manual" in said
    assert isinstance(refused, RuleViolation)


def test_users_are_made_inactive_fifty_a_request_each_with_its_own_outcome(
    served: Served,
) -> None:
    """``DELETE /v1/users?uids=``, at most 50 a request, as the model does it; a user
    already inactive is not sent again, one Schoology does not have is refused by name."""
    leaving = [f"G{n:03d}" for n in range(60)]
    for lms_store in (MockStore(served.fake.store_path), served.mock.store):
        with lms_store.transaction():
            for uid in leaving:
                data = {"first_name": "Grad", "last_name": uid, "email": f"{uid}@example.org"}
                lms_store.put(SCHOOLOGY, "students", uid, "active", data)
    ops = [Operation(SCHOOLOGY, "deactivate users", "students", uid) for uid in [*leaving, "S1"]]
    ops.append(Operation(SCHOOLOGY, "deactivate users", "students", "NOBODY"))
    over_http = served.lms.execute_many(ops)
    in_process = served.mock.execute_many(ops)
    assert [type(r) for r in over_http] == [type(r) for r in in_process]
    assert [r.status for r in over_http if isinstance(r, OpResult)] == ["deactivated"] * 61
    assert "NOBODY" in str(over_http[-1])
    http, mock = statuses(served.lms, "students"), statuses(served.mock, "students")
    assert {u: http[u] for u in [*leaving, "S1"]} == {u: mock[u] for u in [*leaving, "S1"]}

    deletes = [r for r in served.fake.requests if r.method == "DELETE"]
    assert sorted(len(r.query["uids"][0].split(",")) for r in deletes) == [11, 50]
    assert len([c for c in served.fake.changes() if c["action"] == "deactivate users"]) == 61

    again = served.lms.execute_many(ops[:3])
    assert [str(r) for r in again] == [
        str(OpResult("deactivated", f"user {uid} is already inactive")) for uid in leaving[:3]
    ]
    assert len([r for r in served.fake.requests if r.method == "DELETE"]) == 2
    # undo: a user made inactive is made active again as the snapshot saw them
    restore = [
        Operation(SCHOOLOGY, RESTORE, "students", uid, {"status": "active", "data": "{}"})
        for uid in ("G000", "G001")
    ]
    back = served.lms.execute_many(restore)
    assert [type(r) for r in back] == [OpResult, OpResult]
    assert [r.status for r in back if isinstance(r, OpResult)] == ["active", "active"]
    http = statuses(served.lms, "students")
    assert (http["G000"], http["G001"], http["G002"]) == ("active", "active", "deactivated")
    (puts,) = [r for r in served.fake.requests if r.path == "/v1/users/reactivate"]
    assert puts.status == 200
    (twice,) = served.lms.execute_many(restore[:1])
    assert isinstance(twice, OpResult) and twice.message == "user G000 is active already"
