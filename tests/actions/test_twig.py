"""Twig Science: each rule quotes the vendor's end-of-year rostering guide (seed 002)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from action_helpers import execute, plan, seeded, tab

from bot.errors import RuleViolation
from bot.lms.mock import MockLMS
from bot.structures import Operation

SYS = "Twig Science"
ROLLOVER = "2027-06-14"  # a Monday; Friday 2027-06-11 is one business day before


@pytest.fixture
def frames() -> dict[str, pd.DataFrame]:
    students = [
        {"Student ID": "001", "First name": "Ana", "Last name": "Ruiz", "Status": "active"},
        {"Student ID": "002", "First name": "Ben", "Last name": "Kim", "Status": "inactive"},
        {"Student ID": "003", "First name": "Cy", "Last name": "Lo", "Status": "active"},
    ]
    return {
        "Students": tab("Students", students),
        "Classes": tab("Classes", [{"Class ID": "K1", "Title": "Science 5", "Term": "2026-27"}]),
        "Enrollments": tab(
            "Enrollments", [{"Enrollment ID": "E1", "Student ID": "001", "Class ID": "K1"}]
        ),
        "Calendar": tab("Calendar", [{"Date": ROLLOVER, "Type": "rollover"}]),
    }


@pytest.fixture
def lms(tmp_path: Path, frames: dict[str, pd.DataFrame]) -> MockLMS:
    lms = seeded(tmp_path, SYS, frames)
    with lms.store.transaction():
        lms.store.put(SYS, "students", "002", "archived", {"first_name": "Ben"})
    return lms


def summer(rows: list[dict[str, str]]) -> dict[str, pd.DataFrame]:
    return {"Students": tab("Students", [r | {"Select": "TRUE"} for r in rows])}


def test_the_pause_date_is_one_business_day_before_the_rollover_date(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Pause dates will be automatically set to one business day prior to the selected
    rollover date." (seed 002)"""
    wrong = plan(lms, SYS, "pause rostering", frames, due="2027-06-13")
    assert wrong.why == (
        "Due: the pause date 2027-06-13 is not one business day before the rollover date "
        "2027-06-14: it must be 2027-06-11"
    )
    param = plan(lms, SYS, "pause rostering", frames, params="pause_date=2027-06-10")
    assert "Parameters: the pause date 2027-06-10" in param.why
    holiday = dict(
        frames,
        Calendar=tab(
            "Calendar",
            [{"Date": ROLLOVER, "Type": "rollover"}, {"Date": "2027-06-11", "Type": "holiday"}],
        ),
    )
    assert (
        "it must be 2027-06-10" in plan(lms, SYS, "pause rostering", holiday, due="2027-06-11").why
    )
    right = plan(lms, SYS, "pause rostering", frames, due="2027-06-11")
    assert right.plan and "from 2027-06-11, one business day before" in right.plan.summary
    assert "rostering paused from 2027-06-11" in execute(lms, right)["rostering"]


def test_summer_school_rosters_are_imported_before_the_pause(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Import all summer school rostering data before the pause." (seed 002)"""
    rows = summer(
        [
            {"Student ID": "S1", "First name": "Sue", "Last name": "Lee"},
            {"Student ID": "001", "First name": "Ana", "Last name": "Ruiz"},
        ]
    )
    before = plan(lms, SYS, "import summer school roster", rows, "Students: selected")
    assert before.plan is not None, before.why
    assert execute(lms, before) == {"S1": "created user S1", "001": "001 already rostered; updated"}
    late = dict(rows, Calendar=tab("Calendar", [{"Date": "2027-05-01", "Type": "pause"}]))
    refused = plan(lms, SYS, "import summer school roster", late, "Students: selected")
    assert "the roster pause began 2027-05-01" in refused.why
    execute(lms, plan(lms, SYS, "pause rostering", frames, due="2027-06-11"), "S-002")
    paused = plan(lms, SYS, "import summer school roster", rows, "Students: selected")
    assert "rostering is paused since 2027-06-11" in paused.why
    op = Operation(
        SYS,
        "import summer school roster",
        "students",
        "S2",
        {"first_name": "X", "last_name": "Y"},
    )
    with pytest.raises(RuleViolation, match="must be done before the pause"):
        lms.execute(op)


def test_a_user_id_that_exists_or_ever_existed_is_never_reused_or_reassigned(
    lms: MockLMS,
) -> None:
    """ "These IDs should never be reused or reassigned—even if a student has left the school or
    district, or after a school year rollover." (seed 002)"""
    rows = summer(
        [
            {"Student ID": "002", "First name": "Dee", "Last name": "New"},
            {"Student ID": "003", "First name": "Eve", "Last name": "Other"},
        ]
    )
    for action in ("import summer school roster", "create students"):
        refused = plan(lms, SYS, action, rows, "Students: selected")
        assert "belonged to archived users in Twig Science (002)" in refused.why
        reassigned = "1 user ID belongs to another person in Twig Science (003)"
        assert f"{reassigned}; an ID is never reassigned" in refused.why
    reuse = Operation(SYS, "create students", "students", "002", {"first_name": "Dee"})
    with pytest.raises(RuleViolation, match="never reused"):
        lms.execute(reuse)
    reassign = Operation(SYS, "create students", "students", "003", {"first_name": "Eve"})
    with pytest.raises(RuleViolation, match="never reassigned"):
        lms.execute(reassign)


def test_previous_year_data_is_archived_at_the_end_of_the_pause(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "At the end of the data pause, previous year data—such as assignments, classes, and
    enrollments—is archived and no longer visible in the standard Twig Science platforms."
    (seed 002)"""
    scope, allow = "Classes: all", "allow_over_threshold=yes"
    early = plan(lms, SYS, "archive previous year", frames, scope, allow)
    assert "archived at the end of the roster pause: pause rostering first" in early.why
    execute(lms, plan(lms, SYS, "pause rostering", frames, due="2027-06-11"), "S-002")
    planned = plan(lms, SYS, "archive previous year", frames, scope, allow)
    assert planned.plan and planned.plan.destructive
    assert execute(lms, planned) == {"K1": "archived class K1 with 1 enrollment and 2 assignments"}
    assert set(lms.records(SYS, "assignments")["status"]) == {"archived"}
    execute(lms, plan(lms, SYS, "resume rostering", frames), "S-003")
    assert lms.settings(SYS)["rostering"] == "on"
    assert date.fromisoformat(lms.settings(SYS)["pause_date"]).weekday() == 4
