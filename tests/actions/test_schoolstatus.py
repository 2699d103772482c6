"""SchoolStatus Connect: each rule quotes the vendor's end-of-year guide (seed 001)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bot.core.targets import Done
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
    assert "1 new, 1 to update, 5 to archive of 40 active (001, 002, 003 and 2 more)" in (
        planned.plan.summary
    )
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
    roster = [*_students(40), {"Student ID": "NEW", "First name": "N", "Last name": "W"}]
    feed = dict(frames, Students=tab("Students", roster))
    paused = plan(lms, SYS, "sync roster", feed, "Students: all", step_id="S-002")
    assert paused.why == (
        "Action: the sync is paused in SchoolStatus: resume it (a 'resume sync' step) before "
        "syncing the roster"
    )
    op = Operation(SYS, "sync roster", "sync", "students", {"feed": "[]"})
    with pytest.raises(RuleViolation, match="the sync is paused"):
        lms.execute(op)
    execute(lms, plan(lms, SYS, "resume sync", frames), "S-003")
    assert lms.settings(SYS)["sync"] == "on"
    sync = execute(lms, plan(lms, SYS, "sync roster", feed, "Students: all"), "S-002")
    assert sync == {"students": "1 created, 0 updated, 0 archived"}


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


def test_a_deleted_student_is_already_deleted_and_one_never_in_schoolstatus_is_not(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """A delete's target is "deleted": SchoolStatus keeps a deleted student as deleted, so a
    second plan says "already deleted" for it, "not in SchoolStatus" for an ID it never had,
    and leaves a merged student alone, naming why."""
    execute(lms, plan(lms, SYS, "download reports", frames), "S-000")
    first = plan(lms, SYS, "delete students", frames, "Students: status = withdrawn")
    assert execute(lms, first) == {
        "001": "deleted student 001 (kept in schoolstatus-students-2027-05-20.csv)",
        "002": "deleted student 002 (kept in schoolstatus-students-2027-05-20.csv)",
    }
    with lms.store.transaction():
        lms.store.put(SYS, "students", "003", "merged", {"merged_into": "004"})
    rows = [dict(r, Status="withdrawn") if r["Student ID"] == "003" else r for r in _students(40)]
    ghost = {"Student ID": "GHOST", "First name": "G", "Last name": "H", "Status": "withdrawn"}
    again = plan(
        lms,
        SYS,
        "delete students",
        dict(frames, Students=tab("Students", [*rows, ghost])),
        "Students: status = withdrawn",
    )
    assert again.plan is not None, again.why
    assert again.plan.summary == (
        "Nothing to delete: no student in scope needs it (status withdrawn); 2 already "
        "deleted; 1 not in SchoolStatus; 1 left alone: student 003 is merged, not active or "
        "archived"
    )
    assert execute(lms, again) == {}


def test_a_merge_read_back_at_its_survivor_is_never_sent_again(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """A merge is made once per rollover: the step's merges in the rollover ledger are read
    back (the duplicate merged into its survivor: at target, not sent); one still active
    after a crash before its call keeps the survivor recorded; another step's merge is left
    to it."""
    with lms.store.transaction():
        same_name = {"first_name": "f3", "last_name": "L3", "birth_date": "2012-01-04"}
        lms.store.put(SYS, "students", "D-003", "active", same_name)
        lms.store.put(SYS, "students", "D-010", "active", {"email": "S10@x.org"})
    scope = "Students: status = active"
    first = plan(lms, SYS, "merge duplicate students", frames, scope)
    assert first.plan is not None
    assert execute(lms, first) == {
        "D-003": "merged D-003 into 003; 1 enrollment moved",
        "D-010": "merged D-010 into 010; 0 enrollments moved",
    }
    ledger = {
        "D-003": Done("S-001", {"survivor": "003"}),
        "D-010": Done("S-001", {"survivor": "010"}),
    }
    again = plan(lms, SYS, "merge duplicate students", frames, scope, ledger=ledger)
    assert again.plan is not None and again.plan.judged is not None
    assert again.plan.summary == (
        "Nothing to merge: no other duplicate students found in scope; 2 already merged by "
        "this step"
    )
    assert set(again.plan.judged["fate"]) == {"already at target"}
    assert again.plan.fingerprint == first.plan.fingerprint, "the approval still binds"
    assert execute(lms, again) == {}

    with lms.store.transaction():
        lms.store.put(SYS, "students", "D-020", "active", {"email": "S20@x.org"})
    crashed = {"D-020": Done("S-001", {"survivor": "020"}, applied=False)}
    resumed = plan(lms, SYS, "merge duplicate students", frames, scope, ledger=crashed)
    assert resumed.plan is not None
    assert resumed.plan.summary == (
        "Will merge 1 duplicate student (the survivor keeps every enrollment): D-020 into 020 "
        "(as planned)"
    )
    other = {"D-020": Done("S-009", {"survivor": "020"}, applied=False)}
    held = plan(lms, SYS, "merge duplicate students", frames, scope, ledger=other)
    assert held.plan is not None
    assert held.plan.summary == (
        "Nothing to merge: no other duplicate students found in scope; 1 duplicate left alone: "
        "another step merges it this rollover (S-009)"
    )
    assert execute(lms, held) == {}


def test_reports_are_downloaded_again_only_once_a_record_changed_and_never_overwritten(
    lms: MockLMS, frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    """The reports' target is SchoolStatus as it is now: a repeat with no record changed
    sends nothing; after an archive they are downloaded again, beside the first ones (a
    report of before a delete keeps the deleted students)."""
    assert execute(lms, plan(lms, SYS, "download reports", frames)) == {
        "reports": "wrote schoolstatus-students-2027-05-20.csv, "
        "schoolstatus-staff-2027-05-20.csv, schoolstatus-classrooms-2027-05-20.csv to "
        f"{tmp_path / 'reports'}"
    }
    repeat = plan(lms, SYS, "download reports", frames)
    assert repeat.plan is not None
    assert repeat.plan.summary == (
        "Nothing to download: the Connect reports saved last "
        "(schoolstatus-students-2027-05-20.csv, schoolstatus-staff-2027-05-20.csv, "
        "schoolstatus-classrooms-2027-05-20.csv) hold SchoolStatus as it is now"
    )
    assert execute(lms, repeat) == {}
    execute(lms, plan(lms, SYS, "delete students", frames, "Students: status = withdrawn"))
    after = execute(lms, plan(lms, SYS, "download reports", frames))
    assert after["reports"].startswith("wrote schoolstatus-students-2027-05-20-2.csv")
    first = pd.read_csv(tmp_path / "reports" / "schoolstatus-students-2027-05-20.csv", dtype=str)
    assert set(first.set_index("id").loc[["001", "002"], "status"]) == {"active"}


def test_a_sync_schoolstatus_holds_is_not_sent_and_its_approval_binds_outside_students(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """A sync's target is its roster and the students it leaves archived: SchoolStatus
    holding both, nothing is sent; a student added outside the roster is a new plan."""
    synced = plan(lms, SYS, "sync roster", frames, "Students: all")
    assert synced.plan is not None and synced.plan.judged is not None
    assert synced.plan.summary == (
        "Nothing to sync: SchoolStatus holds the 40 students in scope as they are and no other "
        "student is active"
    )
    assert list(synced.plan.judged["fate"]) == ["already at target"]
    assert execute(lms, synced) == {}
    with lms.store.transaction():
        lms.store.put(SYS, "students", "HAND", "active", {"first_name": "Hand"})
    outside = plan(lms, SYS, "sync roster", frames, "Students: all")
    assert outside.plan is not None
    assert outside.plan.summary == (
        "Will sync 40 students to SchoolStatus: 0 new, 0 to update, 1 to archive of 41 active "
        "(HAND)"
    )
    assert outside.plan.fingerprint != synced.plan.fingerprint


def test_a_student_on_two_rows_makes_the_sync_invalid(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """Which row would the sync send? Not acted on until the Students tab says."""
    rows = [*_students(40), dict(_students(40)[5], Grade="9")]
    twice = plan(lms, SYS, "sync roster", {"Students": tab("Students", rows)}, "Students: all")
    assert twice.why == (
        "Scope: 1 Student ID on more than one row of Students: 006; keep one row per student"
    )
