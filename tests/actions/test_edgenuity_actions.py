"""Edgenuity's remaining actions, each rule quoting the vendor's mid-year procedure (seed 000)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bot.errors import RuleViolation
from bot.lms.mock import MockLMS
from bot.lms.mock import edgenuity as model
from bot.structures import Operation
from tests.actions.action_helpers import execute, plan, seeded, tab

SYS = "Edgenuity"


@pytest.fixture
def frames() -> dict[str, pd.DataFrame]:
    return {
        "Courses": tab(
            "Courses",
            [
                {
                    "Course ID": "C1",
                    "Title": "Algebra I",
                    "Version": "2025",
                    "External course code": "EXT-1",
                    "Status": "active",
                    "Select": "TRUE",
                },
                {"Course ID": "C2", "Title": "Biology", "Version": "2025", "Status": "active"},
                *(
                    {"Course ID": f"C{n}", "Title": f"Course {n}", "Status": "active"}
                    for n in range(3, 11)
                ),
                {
                    "Course ID": "C99",
                    "Title": "Old",
                    "External course code": "EXT-99",
                    "Status": "archived",
                },
            ],
        ),
        "Students": tab(
            "Students",
            [
                {
                    "Student ID": f"{n:03d}",
                    "First name": "S",
                    "Last name": f"N{n}",
                    "Grade": "9",
                    "School": "Middle" if n < 3 else "North High",
                    "Status": "active",
                    "Last login": "2026-01-10" if n < 3 else "2027-05-01",
                    "Select": "TRUE" if n < 3 else "FALSE",
                }
                for n in range(1, 31)
            ],
        ),
        "Educators": tab(
            "Educators",
            [
                {
                    "Educator ID": "T1",
                    "Name": "Ana",
                    "Role": "teacher",
                    "Status": "inactive",
                    "Select": "TRUE",
                },
                {
                    "Educator ID": "T2",
                    "Name": "Ben",
                    "Role": "school admin",
                    "Status": "active",
                    "Select": "TRUE",
                },
                *(
                    {"Educator ID": f"T{n}", "Name": "X", "Role": "teacher", "Status": "active"}
                    for n in range(3, 13)
                ),
            ],
        ),
        "Enrollments": tab(
            "Enrollments",
            [
                {
                    "Enrollment ID": "E1",
                    "Student ID": "001",
                    "Status": "active",
                    "Start date": "2027-08-16",
                    "Target date": "2027-12-10",
                }
            ],
        ),
        "Calendar": tab(
            "Calendar",
            [
                {"Date": "2027-11-25", "Type": "holiday", "Name": "Thanksgiving"},
                {"Date": "2027-11-24", "Type": "in-service", "Name": "PD", "School": "North High"},
            ],
        ),
    }


@pytest.fixture
def lms(tmp_path: Path, frames: dict[str, pd.DataFrame]) -> MockLMS:
    return seeded(tmp_path, SYS, frames)


def test_update_course_version(lms: MockLMS, frames: dict[str, pd.DataFrame]) -> None:
    """ "Update courses with new versions available, and remove customized courses that are no
    longer needed." (seed 000)"""
    missing = plan(lms, SYS, "update course version", frames, "Courses: selected")
    assert "version is required" in missing.why
    planned = plan(lms, SYS, "update course version", frames, "Courses: selected", "version=2026")
    assert planned.plan and planned.plan.summary.startswith("Will update the version of 1 of 10")
    assert execute(lms, planned) == {"C1": "version 2025 -> 2026"}
    assert lms.records(SYS, "courses").set_index("id").loc["C1", "version"] == "2026"


def test_archiving_a_course_needs_its_external_course_code_removed_first(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "If your district chooses to archive a course, you need to remove the External Course
    Code from it first." (seed 000)"""
    refused = plan(lms, SYS, "archive courses", frames, "Courses: selected")
    assert "1 course still has an External Course Code (C1)" in refused.why
    assert plan(lms, SYS, "remove custom courses", frames, "Courses: selected").problems
    removed = plan(lms, SYS, "remove external course code", frames, "Courses: selected")
    assert execute(lms, removed) == {"C1": "removed External Course Code EXT-1"}
    archive = plan(lms, SYS, "archive courses", frames, "Courses: selected", step_id="S-002")
    assert archive.plan and archive.plan.destructive
    assert execute(lms, archive, "S-002") == {"C1": "archived course C1"}


def test_the_mock_refuses_a_coded_course_and_reproduces_the_import_trap(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Edgenuity's import process will create an active enrollment from an archived course if
    the External Course code is still on it." (seed 000)"""
    archive = plan(lms, SYS, "archive courses", frames, "Courses: course id = C1")
    assert archive.plan is None
    with pytest.raises(RuleViolation, match="still has External Course Code EXT-1"):
        lms.execute(Operation(SYS, "archive courses", "courses", "C1"))
    # C99 was archived with its code still on (the vendor's back-end scripts allow it).
    pause = plan(lms, SYS, "pause imports", frames)
    execute(lms, pause)
    resume = plan(lms, SYS, "resume imports", frames, step_id="S-002")
    message = execute(lms, resume, "S-002")["imports"]
    assert "created 1 active enrollment from" in message and "C99-IMPORT-EXT-99" in message
    enrollments = lms.records(SYS, "enrollments").set_index("id")
    assert enrollments.loc["C99-IMPORT-EXT-99", "status"] == "active"


def test_archive_students_inactive_since_a_date_by_last_login(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Archive student accounts that are no longer actively working. ... *Filter by last
    login date to find students who aren't actively working in their coursework." (seed 000)"""
    planned = plan(lms, SYS, "archive students", frames, "Students: last login < 2026-06-01")
    assert planned.plan is not None, planned.why
    assert planned.plan.summary.startswith("Will archive 2 of 30 active students (last login <")
    assert planned.plan.record_ids == ("001", "002")
    relative = plan(lms, SYS, "archive students", frames, "Students: last login < today-180d")
    assert relative.plan and relative.plan.record_ids == ("001", "002")


def test_change_home_school(lms: MockLMS, frames: dict[str, pd.DataFrame]) -> None:
    """ "If students are changing schools (ex: 8th graders moving to high school) make updates on
    the Student Account page." (seed 000)"""
    planned = plan(
        lms, SYS, "change home school", frames, "Students: selected", "school=North High"
    )
    assert planned.plan and not planned.plan.destructive
    assert execute(lms, planned)["001"] == "home school Middle -> North High"
    assert lms.records(SYS, "students").set_index("id").loc["002", "school"] == "North High"


def test_archive_educators(lms: MockLMS, frames: dict[str, pd.DataFrame]) -> None:
    """ "Deactivate educator accounts that are not used or valid." (seed 000)"""
    planned = plan(lms, SYS, "archive educators", frames, "Educators: status = inactive")
    assert planned.plan and planned.plan.destructive
    assert planned.plan.summary.startswith("Will archive 1 of 12 active educators")
    assert execute(lms, planned) == {"T1": "archived educator T1"}


def test_reset_permissions_lists_each_change(lms: MockLMS, frames: dict[str, pd.DataFrame]) -> None:
    """ "It is a best practice to have default permissions set for your teachers, school admins,
    and district admins." (seed 000)"""
    with lms.store.transaction():
        model.set_permissions(lms.store, "T1", "assign courses, manage schools")
    planned = plan(lms, SYS, "reset permissions", frames, "Educators: selected")
    assert planned.plan is not None
    summary = planned.plan.summary
    assert summary.startswith("Will restore default permissions of 1 of ")
    assert "T1 (teacher): +view reports, +view students, -manage schools" in summary
    assert "; 1 already restored" in summary
    assert execute(lms, planned) == {"T1": "permissions reset to teacher defaults"}
    again = plan(lms, SYS, "reset permissions", frames, "Educators: selected", step_id="S-002")
    assert again.plan and again.plan.summary.startswith("Nothing to restore")
    assert again.plan.summary.endswith("2 already restored")


def test_a_calendar_without_holidays_gets_a_warning(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "By default, the calendar assumes a 7-day work week, and does not include any holiday or
    breaks." (seed 000)"""
    planned = plan(lms, SYS, "set district calendar", frames)
    assert planned.plan and "Warning" not in planned.plan.summary
    assert "1 non-school days (1 holiday)" in planned.plan.summary  # the school's row is not
    bare = dict(frames, Calendar=tab("Calendar", []))
    warned = plan(lms, SYS, "set district calendar", bare)
    assert warned.plan and "Warning: the Calendar tab has no holidays or breaks" in (
        warned.plan.summary
    )
    assert "warning: no holidays" in execute(lms, warned)["calendar"]


def test_target_dates_fall_on_school_days(lms: MockLMS, frames: dict[str, pd.DataFrame]) -> None:
    """ "This calendar is used when determining the target progress for where a student should
    be in their class, ... (i.e. start date and target date)." (seed 000)"""
    scope = "Enrollments: status = active"
    holiday = plan(lms, SYS, "set enrollment dates", frames, scope, "target_date=2027-11-25")
    assert "target_date 2027-11-25 is not a school day in the Calendar tab" in holiday.why
    weekend = plan(lms, SYS, "set enrollment dates", frames, scope, "target_date=2027-11-27")
    assert "target_date 2027-11-27 is a weekend" in weekend.why
    ok = plan(lms, SYS, "set enrollment dates", frames, scope, "target_date=2027-11-24")
    assert ok.plan is not None
    execute(lms, plan(lms, SYS, "set district calendar", frames), "S-009")
    with pytest.raises(RuleViolation, match="not a school day"):
        lms.execute(
            Operation(
                SYS, "set enrollment dates", "enrollments", "E1", {"target_date": "2027-11-25"}
            )
        )
