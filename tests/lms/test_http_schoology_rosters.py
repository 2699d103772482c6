"""The Schoology adapter's roster writes on the fake Schoology (signed requests): users
created and updated 50 a request, each with its own outcome, as the in-process model makes
them; enrollments read back with Schoology's status codes and archived per section."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.actions.base import WorkItem
from bot.core.targets import FATE, Fate
from bot.cycle.execute import changes
from bot.errors import RuleViolation
from bot.lms.mock.store import MockStore
from bot.structures import Operation, OpResult
from tests.actions.action_helpers import Planned, plan, tab
from tests.fakes.lms_fixtures import seed
from tests.lms.test_http_schoology import SCHOOLOGY, Served, schoology_served, served, statuses

__all__ = ["served"]


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """As ``served``, with the seed's sections only (reading every section's enrollments
    costs the fake a scan of its store each)."""
    with schoology_served(tmp_path, monkeypatch, seed) as served:
        yield served


NEW = 119


def items_of(planned: Planned) -> list[WorkItem]:
    """What the cycle would send for the plan's records that will change."""
    assert planned.action and planned.ctx and planned.plan, planned.why
    assert planned.plan.judged is not None
    return changes(planned.action, planned.ctx, planned.plan.judged)[0]


def new_students() -> list[dict[str, str]]:
    return [
        {
            "Student ID": f"N{n:03d}",
            "First name": "New",
            "Last name": f"Student {n}",
            "Email": f"n{n:03d}@example.org",
            "School": "South High",
            "Graduation year": "2031",
            "Status": "new",
        }
        for n in range(NEW)
    ]


def test_users_are_created_fifty_a_request_each_with_its_own_outcome(served: Served) -> None:
    """120 users: three ``POST /v1/users`` (50, 50, 20); one whose email another user has is
    refused by name, the others are created; the records read back as the model's; a second
    plan finds them all in Schoology and sends nothing."""
    rows = [*new_students(), {**new_students()[0], "Student ID": "DUP", "Email": "ada@example.org"}]
    frames = {"Students": tab("Students", rows)}
    planned = plan(served.lms, SCHOOLOGY, "create users", frames, scope="Students: all")
    assert planned.plan is not None and planned.ctx is not None, planned.why
    items = items_of(planned)
    assert len(items) == NEW + 1
    ops = [Operation(SCHOOLOGY, "create users", "students", i.record_id, i.params) for i in items]
    over_http = served.lms.execute_many(ops)
    in_process = served.mock.execute_many(ops)
    assert [type(r) for r in over_http] == [type(r) for r in in_process]
    assert over_http[:NEW] == in_process[:NEW]
    assert all(
        r == OpResult("active", f"created user N{n:03d}") for n, r in enumerate(over_http[:NEW])
    )
    refused = over_http[-1]
    assert isinstance(refused, RuleViolation)
    assert "DUP" in str(refused) and "ada@example.org" in str(refused)

    posts = [r for r in served.fake.requests if (r.method, r.path) == ("POST", "/v1/users")]
    assert len(posts) == 3
    created = [c for c in served.fake.changes() if c["action"] == "save users"]
    assert len(created) == NEW
    users = served.lms.records(SCHOOLOGY, "students").set_index("id")
    mine = served.mock.records(SCHOOLOGY, "students").set_index("id")
    fields = ["first_name", "last_name", "email", "school", "graduation_year"]
    assert users.loc["N007", fields].tolist() == mine.loc["N007", fields].tolist()
    assert users.loc["N007", fields].tolist() == [
        "New",
        "Student 7",
        "n007@example.org",
        "South High",
        "2031",
    ]

    again = plan(served.lms, SCHOOLOGY, "create users", frames, scope="Students: all")
    assert again.plan is not None and again.plan.judged is not None
    fates = again.plan.judged.set_index("id")[FATE]
    assert (fates.drop("DUP") == Fate.AT_TARGET.value).all()
    assert items_of(again) == [i for i in items if i.record_id == "DUP"]


def test_users_are_updated_fifty_a_request_by_their_schoology_ids(served: Served) -> None:
    """``PUT /v1/users``: 60 students renamed in two requests (after looking up their
    Schoology IDs 50 Unique IDs a request); a user Schoology does not have is refused."""
    uids = [f"U{n:03d}" for n in range(60)]
    for store in (MockStore(served.fake.store_path), served.mock.store):
        with store.transaction():
            for uid in uids:
                data = {"first_name": "Old", "last_name": uid, "email": f"{uid}@example.org"}
                store.put(SCHOOLOGY, "students", uid, "active", data)
    ops = [
        Operation(SCHOOLOGY, "update users", "students", uid, {"last_name": f"Renamed {uid}"})
        for uid in [*uids, "NOBODY"]
    ]
    over_http = served.lms.execute_many(ops)
    in_process = served.mock.execute_many(ops)
    assert [type(r) for r in over_http] == [type(r) for r in in_process]
    assert over_http[:60] == in_process[:60]
    assert "NOBODY" in str(over_http[-1])
    puts = [r for r in served.fake.requests if (r.method, r.path) == ("PUT", "/v1/users")]
    assert len(puts) == 2
    users = served.lms.records(SCHOOLOGY, "students").set_index("id")
    assert users.loc["U059", ["first_name", "last_name"]].tolist() == ["Old", "Renamed U059"]


def test_enrollments_read_back_with_schoologys_status_codes_and_archived_once(
    small: Served,
) -> None:
    """Enrollments are read as ``<section code>:<student>`` with Schoology's status names
    (codes 1 to 5); archiving sends status 5, 50 a request per section; one archived
    already is not sent."""
    students = [f"A{n:03d}" for n in range(55)]
    for store in (MockStore(small.fake.store_path), small.mock.store):
        with store.transaction():
            for uid in students:
                store.put(
                    SCHOOLOGY, "students", uid, "active", {"first_name": "A", "last_name": uid}
                )
                store.put(
                    SCHOOLOGY,
                    "enrollments",
                    f"E-{uid}",
                    "active",
                    {"student_id": uid, "class_id": "K2"},
                )
            store.put(
                SCHOOLOGY, "enrollments", "E-X", "archived", {"student_id": "S3", "class_id": "K2"}
            )
    read = statuses(small.lms, "enrollments")
    assert read["K1:S1"] == "active"
    assert read["K1:S2"] == "expired", "completed is Schoology's code 2"
    assert read["K2:S3"] == "archived"
    assert read["K2:A054"] == "active"

    rows = [
        {"Enrollment ID": f"E-{uid}", "Student ID": uid, "Class ID": "K2"}
        for uid in [*students, "S3"]
    ]
    rows[-1]["Enrollment ID"] = "E-X"
    frames = {"Enrollments": tab("Enrollments", rows)}
    scope = "Enrollments: Class ID = K2"
    params = "allow_over_threshold=yes"
    planned = plan(small.lms, SCHOOLOGY, "archive enrollments", frames, scope, params)
    assert planned.plan is not None and planned.plan.judged is not None, planned.why
    fates = planned.plan.judged.set_index("id")[FATE]
    assert fates["E-X"] == Fate.AT_TARGET.value
    assert (fates.drop("E-X") == Fate.CHANGE.value).all()
    items = items_of(planned)
    ops = [
        Operation(SCHOOLOGY, "archive enrollments", "enrollments", i.record_id, i.params)
        for i in items
    ]
    over_http = small.lms.execute_many(ops)
    in_process = small.mock.execute_many(ops)
    assert [r.status for r in over_http if isinstance(r, OpResult)] == ["archived"] * 55
    assert [type(r) for r in over_http] == [type(r) for r in in_process]
    puts = [r for r in small.fake.requests if r.method == "PUT" and r.path.endswith("/enrollments")]
    assert len(puts) == 2
    archived = [c for c in small.fake.changes() if c["action"] == "set enrollment status"]
    assert len(archived) == 55
    assert set(statuses(small.lms, "enrollments").values()) >= {"archived"}
    assert all(statuses(small.lms, "enrollments")[f"K2:{u}"] == "archived" for u in students)
    mock = small.mock.records(SCHOOLOGY, "enrollments")
    assert set(mock.loc[mock["class_id"] == "K2", "status"]) == {"archived"}

    again = plan(small.lms, SCHOOLOGY, "archive enrollments", frames, scope, params)
    assert again.plan is not None and again.plan.judged is not None
    assert set(again.plan.judged[FATE]) == {Fate.AT_TARGET.value}
