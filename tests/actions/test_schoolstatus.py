"""SchoolStatus Connect: each rule quotes the vendor's end-of-year guide (seed 001)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bot.errors import RuleViolation
from bot.lms.mock import MockLMS
from bot.structures import Operation
from tests.actions.action_helpers import execute, plan, seeded, tab

SYS = "SchoolStatus"


def _students(n: int) -> list[dict[str, str]]:
    return [
        {
            "Student ID": f"{i:03d}",
            "First name": f"F{i}",
            "Last name": f"L{i}",
            "Birth date": f"2012-01-{i % 28 + 1:02d}",
            "Email": f"s{i}@x.org",
            "Grade": "8",
            "School": "North",
            "Status": "withdrawn" if i <= 2 else "active",
        }
        for i in range(1, n + 1)
    ]


@pytest.fixture
def frames() -> dict[str, pd.DataFrame]:
    return {
        "Students": tab("Students", _students(40)),
        "Educators": tab(
            "Educators",
            [
                {"Educator ID": f"T{i}", "Name": f"T{i}", "Status": "left" if i == 1 else "active"}
                for i in range(1, 12)
            ],
        ),
        "Classes": tab(
            "Classes",
            [{"Class ID": f"K{i}", "Title": f"Class {i}", "Term": "2025-26"} for i in range(1, 4)],
        ),
        "Enrollments": tab(
            "Enrollments",
            [
                {"Enrollment ID": "E1", "Student ID": "003", "Class ID": "K1"},
                {"Enrollment ID": "E2", "Student ID": "D-003", "Class ID": "K2"},
            ],
        ),
    }


@pytest.fixture
def lms(tmp_path: Path, frames: dict[str, pd.DataFrame]) -> MockLMS:
    return seeded(tmp_path, SYS, frames)


def test_a_sync_over_the_deletion_threshold_fails_and_keeps_creates_and_updates(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "An excess amount of data changes may cause the sync to fail because of the deletion
    threshold. You can increase your threshold if this happens." (seed 001)"""
    roster = [*_students(40)[5:], {"Student ID": "NEW", "First name": "N", "Last name": "W"}]
    roster[0]["Grade"] = "9"
    feed = dict(frames, Students=tab("Students", roster))
    planned = plan(lms, SYS, "sync roster", feed, "Students: all")
    assert planned.plan is not None, planned.why
    assert "1 new, 5 to archive of 40 active" in planned.plan.summary
    assert "12.5% is over the deletion threshold of 10%" in planned.plan.summary
    outcome = execute(lms, planned)["students"]
    assert outcome.startswith("failed: deletion threshold error: the sync tried to archive 5 of 40")
    assert "1 created and 1 updated were applied" in outcome
    students = lms.records(SYS, "students").set_index("id")
    assert students.loc["NEW", "status"] == "active" and students.loc["006", "grade"] == "9"
    assert set(students["status"]) == {"active"}
    raised = plan(lms, SYS, "set deletion threshold", feed, params="percent=15", step_id="S-002")
    assert raised.plan and "to 15% (now 10%)" in raised.plan.summary
    execute(lms, raised, "S-002")
    again = plan(lms, SYS, "sync roster", feed, "Students: all", "allow_over_threshold=yes")
    assert execute(lms, again, "S-003") == {"students": "0 created, 0 updated, 5 archived"}


def test_pausing_the_sync_stops_it_until_resumed(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "You can disable and enable your sync anytime from the SIS Rostering page within your
    SchoolStatus Connect portal." (seed 001)"""
    execute(lms, plan(lms, SYS, "pause sync", frames))
    assert lms.settings(SYS)["sync"] == "paused"
    sync = execute(lms, plan(lms, SYS, "sync roster", frames, "Students: all"), "S-002")
    assert sync["students"].startswith("failed: the sync is paused")
    execute(lms, plan(lms, SYS, "resume sync", frames), "S-003")
    assert lms.settings(SYS)["sync"] == "on"


def test_reports_are_downloaded_before_anything_is_archived(
    lms: MockLMS, frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    """ "It is recommended that you go ahead and download any of the Connect Reports that you may
    want to keep for documentation." (seed 001)"""
    refused = plan(lms, SYS, "archive students", frames, "Students: status = withdrawn")
    assert "download the Connect reports first" in refused.why
    result = execute(lms, plan(lms, SYS, "download reports", frames), "S-002")["reports"]
    assert "schoolstatus-students-2027-05-20.csv" in result
    saved = pd.read_csv(tmp_path / "reports" / "schoolstatus-students-2027-05-20.csv", dtype=str)
    assert len(saved) == 40
    archive = plan(lms, SYS, "archive students", frames, "Students: status = withdrawn")
    assert archive.plan and archive.plan.destructive
    assert execute(lms, archive, "S-003") == {
        "001": "archived student 001",
        "002": "archived student 002",
    }


def test_remove_inactive_staff_and_archive_classrooms(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "When school staff members leave, it is important to remove their access to your school's
    account." and "It is best practice to archive previous school years' classrooms and create
    new classrooms fresh for the new school year." (seed 001)"""
    execute(lms, plan(lms, SYS, "download reports", frames), "S-000")
    everyone = plan(
        lms, SYS, "remove inactive staff", frames, "Educators: all", "allow_over_threshold=yes"
    )
    assert "10 staff members in scope are still active" in everyone.why
    left = plan(lms, SYS, "remove inactive staff", frames, "Educators: status = left")
    assert left.plan and left.plan.destructive
    assert execute(lms, left) == {"T1": "removed staff member T1"}
    classes = plan(
        lms,
        SYS,
        "archive classrooms",
        frames,
        "Classes: term = 2025-26",
        "allow_over_threshold=yes",
        step_id="S-002",
    )
    assert classes.plan and classes.plan.summary.startswith("Will archive 3 of 3 active classrooms")
    assert len(execute(lms, classes, "S-002")) == 3


def test_delete_needs_the_snapshot_and_an_approval(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "You have the option of archiving or deleting any non-returning students" (seed 001);
    a delete runs only once the downloaded reports hold the student, and is destructive."""
    execute(lms, plan(lms, SYS, "download reports", frames), "S-000")
    with lms.store.transaction():
        lms.store.put(SYS, "students", "LATE", "active", {"first_name": "Late"})
    late = Operation(SYS, "delete students", "students", "LATE")
    with pytest.raises(RuleViolation, match="not in the last students report"):
        lms.execute(late)
    planned = plan(lms, SYS, "delete students", frames, "Students: status = withdrawn")
    assert planned.plan and planned.plan.destructive
    assert execute(lms, planned)["001"].startswith("deleted student 001 (kept in schoolstatus-")


def test_duplicates_are_found_and_merged_into_a_survivor_keeping_every_enrollment(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "If during the process of cleaning up, you notice you have duplicate students - you can
    use this process to merge duplicate students into one." (seed 001)"""
    with lms.store.transaction():
        same_name = {"first_name": "f3", "last_name": "L3", "birth_date": "2012-01-04"}
        lms.store.put(SYS, "students", "D-003", "active", same_name)
        lms.store.put(SYS, "students", "D-010", "active", {"email": "S10@x.org"})
        lms.store.put(SYS, "students", "D-011", "active", {"first_name": "F11"})
    planned = plan(lms, SYS, "merge duplicate students", frames, "Students: status = active")
    assert planned.plan and planned.plan.destructive
    assert planned.plan.summary == (
        "Will merge 2 duplicate students (the survivor keeps every enrollment): D-003 into 003 "
        "(same name and birth date), D-010 into 010 (same email)"
    )
    outcomes = execute(lms, planned)
    assert outcomes["D-003"] == "merged D-003 into 003; 1 enrollment moved"
    enrollments = lms.records(SYS, "enrollments").set_index("id")
    assert set(enrollments["student_id"]) == {"003"}
    assert lms.records(SYS, "students").set_index("id").loc["D-011", "status"] == "active"
