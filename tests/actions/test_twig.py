"""Twig Science: each rule quotes the vendor's end-of-year rostering guide (seed 002)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from bot.clock import FixedClock
from bot.errors import RuleViolation
from bot.lms.mock import MockLMS
from bot.structures import Operation
from tests.actions.action_helpers import execute, plan, seeded, tab

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
def clock() -> FixedClock:
    """The LMS's own time: the day the steps are planned, until a test moves it."""
    return FixedClock(datetime(2027, 5, 20, 9, tzinfo=UTC))


@pytest.fixture
def lms(tmp_path: Path, frames: dict[str, pd.DataFrame], clock: FixedClock) -> MockLMS:
    lms = seeded(tmp_path, SYS, frames, clock)
    with lms.store.transaction():
        lms.store.put(SYS, "students", "002", "archived", {"first_name": "Ben"})
    return lms


def summer(rows: list[dict[str, str]]) -> dict[str, pd.DataFrame]:
    return {"Students": tab("Students", [r | {"Select": "TRUE"} for r in rows])}


ROSTER = [
    {"Student ID": "001", "First name": "Ana", "Last name": "Ruiz"},
    {"Student ID": "003", "First name": "Cy", "Last name": "Lo"},
]


def summer_with_roster(
    rows: list[dict[str, str]], calendar: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The summer school students selected, beside the roster's students (not selected),
    so that the Students tab is not taken for a truncated one."""
    picked = [r | {"Select": "TRUE"} for r in rows]
    rest = [r for r in ROSTER if r["Student ID"] not in {p["Student ID"] for p in rows}]
    return {"Students": tab("Students", picked + rest), "Calendar": calendar}


def on(clock: FixedClock, day: str) -> date:
    clock.move_to(datetime.fromisoformat(f"{day}T09:00:00+00:00"))
    return date.fromisoformat(day)


def test_the_pause_date_is_one_business_day_before_the_rollover_date(
    lms: MockLMS, frames: dict[str, pd.DataFrame], clock: FixedClock
) -> None:
    """ "Pause dates will be automatically set to one business day prior to the selected
    rollover date." (seed 002) The step runs on that date (its Run on, rollover-1bd by
    default): planned ahead, it is Scheduled."""
    ahead = plan(lms, SYS, "pause rostering", frames)
    assert ahead.plan and "from 2027-06-11, one business day before" in ahead.plan.summary
    assert ahead.ctx is not None and ahead.ctx.run_day == date(2027, 6, 11)
    wrong = plan(lms, SYS, "pause rostering", frames, run_on="2027-06-13")
    assert wrong.why == (
        "Run on: the pause date 2027-06-13 is not one business day before the rollover date "
        "2027-06-14: it must be 2027-06-11 (a longer pause is arranged with your CSM)"
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
    moved = plan(lms, SYS, "pause rostering", holiday)
    assert moved.plan and "from 2027-06-10" in moved.plan.summary
    assert (
        "it must be 2027-06-10"
        in plan(lms, SYS, "pause rostering", holiday, run_on="2027-06-11").why
    )
    assert "rostering pauses on 2027-06-11" in execute(lms, ahead)["rostering"]
    assert lms.settings(SYS)["rostering"] == "on", "a pause set ahead is not in effect yet"
    on(clock, "2027-06-11")
    assert lms.settings(SYS)["rostering"] == "paused"


def test_a_pause_on_a_national_holiday_moves_to_the_business_day_before(
    lms: MockLMS,
) -> None:
    """Christmas 2026 is a Friday: with the United States' holidays, the pause before a
    Monday 2026-12-28 rollover is Thursday 2026-12-24, and the step runs then."""
    calendar = {"Calendar": tab("Calendar", [{"Date": "2026-12-28", "Type": "rollover"}])}
    today = date(2026, 11, 27)
    plain = plan(lms, SYS, "pause rostering", calendar, today=today)
    assert plain.plan and "from 2026-12-25" in plain.plan.summary
    us = plan(lms, SYS, "pause rostering", calendar, today=today, country="US")
    assert us.plan and "from 2026-12-24, one business day before" in us.plan.summary
    assert us.ctx is not None and us.ctx.run_day == date(2026, 12, 24)


def test_summer_school_rosters_are_imported_before_the_pause(
    lms: MockLMS, frames: dict[str, pd.DataFrame], clock: FixedClock
) -> None:
    """ "Import all summer school rostering data before the pause." (seed 002)"""
    dated = summer_with_roster(
        [
            {"Student ID": "S1", "First name": "Sue", "Last name": "Lee"},
            {"Student ID": "001", "First name": "Ana", "Last name": "Ruiz"},
        ],
        frames["Calendar"],
    )
    before = plan(lms, SYS, "import summer school roster", dated, "Students: selected")
    assert before.plan is not None, before.why
    assert before.plan.summary == (
        "Will import 1 summer school student (selected); e.g. S1 Sue Lee (grade , ); 1 left "
        "alone: "
        "summer school student 001 already exists (active); an ID is never reused"
    )
    assert execute(lms, before) == {"S1": "created user S1"}
    execute(lms, plan(lms, SYS, "pause rostering", frames), "S-002")
    still = plan(lms, SYS, "import summer school roster", dated, "Students: selected")
    assert still.plan is not None, "the pause is set but not in effect before its date"
    during = plan(
        lms,
        SYS,
        "import summer school roster",
        dated,
        "Students: selected",
        today=on(clock, "2027-06-11"),
    )
    assert during.why == (
        "Action: Twig Science refuses import summer school roster during its freeze from "
        "2027-06-11 to 2027-06-13 (Twig Science's roster pause, one business day before the "
        "rollover date 2027-06-14); import the summer school roster before the pause"
    )
    late = plan(
        lms,
        SYS,
        "import summer school roster",
        dated,
        "Students: selected",
        today=date(2027, 6, 15),
    )
    assert late.why == (
        "Action: rostering is paused in Twig Science since 2027-06-11: import the summer "
        "school roster before the pause"
    )
    op = Operation(
        SYS,
        "import summer school roster",
        "students",
        "S2",
        {"first_name": "X", "last_name": "Y"},
    )
    with pytest.raises(RuleViolation, match=r"paused since 2027-06-11: .* must be done before"):
        lms.execute(op)


def test_the_freeze_window_and_after_it_refuse_a_summer_import_with_their_dates(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """Planned for a day in the pause (before anything is paused in the LMS), the import is
    refused naming the window; after it, naming when the pause began; a Calendar pause row
    is a window of its own."""
    rows = summer_with_roster(
        [{"Student ID": "S1", "First name": "Sue", "Last name": "Lee"}], frames["Calendar"]
    )
    scope = "Students: selected"
    scheduled = plan(lms, SYS, "import summer school roster", rows, scope, run_on="2027-06-12")
    assert scheduled.why == (
        "Run on: Twig Science refuses import summer school roster during its freeze from "
        "2027-06-11 to 2027-06-13 (Twig Science's roster pause, one business day before the "
        "rollover date 2027-06-14); import the summer school roster before the pause"
    )
    after = plan(lms, SYS, "import summer school roster", rows, scope, today=date(2027, 6, 20))
    assert after.why == (
        "Action: the roster pause began on 2027-06-11: summer school rosters must be imported "
        "before the pause"
    )
    early = dict(
        rows,
        Calendar=tab(
            "Calendar",
            [
                {"Date": ROLLOVER, "Type": "rollover"},
                {"Date": "2027-05-20", "Type": "pause", "Name": "Twig Science data freeze"},
            ],
        ),
    )
    frozen = plan(lms, SYS, "import summer school roster", early, scope)
    assert "during its freeze on 2027-05-20 (Calendar: Twig Science data freeze)" in frozen.why
    other = dict(
        rows,
        Calendar=tab(
            "Calendar",
            [
                {"Date": ROLLOVER, "Type": "rollover"},
                {"Date": "2027-05-20", "Type": "pause", "Name": "SchoolStatus sync pause"},
            ],
        ),
    )
    assert plan(lms, SYS, "import summer school roster", other, scope).plan is not None


def test_paused_since_is_never_a_date_to_come(
    lms: MockLMS, frames: dict[str, pd.DataFrame], clock: FixedClock
) -> None:
    """A pause the LMS receives after its date takes effect that day, and says so."""
    late = plan(lms, SYS, "pause rostering", frames, today=on(clock, "2027-06-14"))
    assert late.why == "", late.why
    message = execute(lms, late)["rostering"]
    assert message.startswith("rostering paused from 2027-06-14 (its pause date 2027-06-11")
    assert lms.settings(SYS)["pause_date"] == "2027-06-14"


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
    lms: MockLMS, frames: dict[str, pd.DataFrame], clock: FixedClock
) -> None:
    """ "At the end of the data pause, previous year data—such as assignments, classes, and
    enrollments—is archived and no longer visible in the standard Twig Science platforms."
    (seed 002) The step runs on the rollover date; planned before it, it is Scheduled."""
    scope, allow = "Classes: all", "allow_over_threshold=yes"
    ahead = plan(lms, SYS, "archive previous year", frames, scope, allow)
    assert ahead.plan and ahead.ctx and ahead.ctx.run_day == date(2027, 6, 14)
    early = plan(lms, SYS, "archive previous year", frames, scope, allow, run_on="today")
    assert "archived at the end of the roster pause: pause rostering first" in early.why
    execute(lms, plan(lms, SYS, "pause rostering", frames), "S-002")
    day = on(clock, "2027-06-14")
    planned = plan(lms, SYS, "archive previous year", frames, scope, allow, today=day)
    assert planned.plan and planned.plan.destructive, planned.why
    assert execute(lms, planned) == {"K1": "archived class K1 with 1 enrollment and 2 assignments"}
    assert set(lms.records(SYS, "assignments")["status"]) == {"archived"}
    execute(lms, plan(lms, SYS, "resume rostering", frames, today=day), "S-003")
    assert lms.settings(SYS)["rostering"] == "on"
    assert date.fromisoformat(lms.settings(SYS)["pause_date"]).weekday() == 4


def test_a_pause_twig_science_holds_is_not_sent_again_and_a_corrected_one_is(
    lms: MockLMS, frames: dict[str, pd.DataFrame], clock: FixedClock
) -> None:
    """The pause's target is rostering paused from the pause date for the rollover date:
    Twig Science holding it (set ahead, or in effect), nothing is sent; a rollover date the
    Calendar moves is a new target, sent."""
    execute(lms, plan(lms, SYS, "pause rostering", frames))
    again = plan(lms, SYS, "pause rostering", frames)
    assert again.plan is not None
    assert again.plan.summary == (
        "Nothing to do: rostering in Twig Science is paused from 2027-06-11 for the rollover "
        "date 2027-06-14 already"
    )
    assert execute(lms, again) == {}
    during = plan(lms, SYS, "pause rostering", frames, today=on(clock, "2027-06-11"))
    assert during.plan is not None and execute(lms, during) == {}
    moved = dict(frames, Calendar=tab("Calendar", [{"Date": "2027-06-21", "Type": "rollover"}]))
    on(clock, "2027-05-20")
    corrected = plan(lms, SYS, "pause rostering", moved)
    assert corrected.plan and corrected.plan.summary.startswith(
        "Will pause rostering in Twig Science from 2027-06-18"
    )
    execute(lms, corrected)
    assert (lms.settings(SYS)["pause_date"], lms.settings(SYS)["rollover_date"]) == (
        "2027-06-18",
        "2027-06-21",
    )


def test_a_late_pause_sent_again_would_move_it_later_so_it_is_not(
    lms: MockLMS, frames: dict[str, pd.DataFrame], clock: FixedClock
) -> None:
    """A pause received after its date runs from the day it came; planned again the next
    day it is at target (sent, it would say "paused from" a later day)."""
    execute(lms, plan(lms, SYS, "pause rostering", frames, today=on(clock, "2027-06-12")))
    assert lms.settings(SYS)["pause_date"] == "2027-06-12"
    later = plan(lms, SYS, "pause rostering", frames, today=on(clock, "2027-06-13"))
    assert later.plan is not None
    assert later.plan.summary == (
        "Nothing to do: rostering in Twig Science is paused from 2027-06-12 for the rollover "
        "date 2027-06-14 already"
    )
    assert execute(lms, later) == {}
    assert lms.settings(SYS)["pause_date"] == "2027-06-12"


def test_resuming_clears_a_pause_set_ahead_and_a_repeat_sends_nothing(
    lms: MockLMS, frames: dict[str, pd.DataFrame], clock: FixedClock
) -> None:
    """Rostering reads "on" while a pause set ahead waits for its date: resuming is not at
    target until that pause is gone too."""
    execute(lms, plan(lms, SYS, "pause rostering", frames))
    assert lms.settings(SYS)["rostering"] == "on"
    resume = plan(lms, SYS, "resume rostering", frames)
    assert resume.plan is not None
    assert resume.plan.summary == (
        "Will resume rostering in Twig Science (rostering now paused from 2027-06-11)"
    )
    assert execute(lms, resume) == {"rostering": "rostering now on"}
    again = plan(lms, SYS, "resume rostering", frames)
    assert again.plan is not None
    assert again.plan.summary == "Nothing to do: rostering in Twig Science is on already"
    assert execute(lms, again) == {}
    on(clock, "2027-06-11")
    assert lms.settings(SYS)["rostering"] == "on", "the pause set ahead was resumed"
