"""Schoology with PowerSchool: each rule quotes the vendor's new-year article (seed 004)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bot.errors import RuleViolation
from bot.lms.mock import MockLMS
from bot.structures import Operation
from tests.actions.action_helpers import (
    AT_TARGET,
    CHANGE,
    calls,
    execute,
    fates,
    plan,
    seeded,
    tab,
)

SYS = "Schoology"


@pytest.fixture
def frames() -> dict[str, pd.DataFrame]:
    educators = [
        {
            "Educator ID": "A1",
            "Email": "admin@d.org",
            "Role": "System Admin",
            "Status": "active",
            "School": "North",
        },
        {
            "Educator ID": "A2",
            "Email": "gone@d.org",
            "Role": "System Admin",
            "Status": "inactive",
            "School": "South",
        },
        {"Educator ID": "T1", "Email": "teach@d.org", "Role": "teacher", "Status": "active"},
    ]
    return {"Educators": tab("Educators", educators)}


@pytest.fixture
def lms(tmp_path: Path, frames: dict[str, pd.DataFrame]) -> MockLMS:
    return seeded(tmp_path, SYS, frames)


def test_the_acting_user_must_be_an_active_system_admin(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Make sure the Acting User is a current member of your organization (not deactivated) and
    that he or she has the role of System Admin in Schoology." (seed 004)"""
    ok = plan(lms, SYS, "check acting user", frames)
    assert ok.plan and "admin@d.org" in ok.plan.summary
    gone = plan(lms, SYS, "set acting user", frames, params="user=gone@d.org")
    assert gone.why == "Parameters: acting user gone@d.org is deactivated, not a current member"
    teacher = plan(lms, SYS, "set acting user", frames, params="user=teach@d.org")
    assert "acting user teach@d.org has role 'teacher', not System Admin" in teacher.why
    with lms.store.transaction():
        lms.store.set_setting(SYS, "acting_user", "teach@d.org")
    refused = plan(lms, SYS, "check acting user", frames)
    assert refused.why == "Action: acting user teach@d.org has role 'teacher', not System Admin"
    assert "teach@d.org" in plan(lms, SYS, "set sync mode", frames, params="mode=manual").why
    with pytest.raises(RuleViolation, match=r"teach@d\.org"):
        lms.execute(Operation(SYS, "set sync mode", "settings", "sync_mode", {"mode": "manual"}))


def test_the_active_year_is_set_only_while_sync_is_manual(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Once the year ends, set your data syncing option to Manual if it isn't already. This
    stops the data sync until you are ready." (seed 004)"""
    early = plan(lms, SYS, "set active year", frames, params="year=2027-2028")
    assert "sync is automatic: set the sync mode to manual before" in early.why
    with pytest.raises(RuleViolation, match="set it to Manual"):
        lms.execute(Operation(SYS, "set active year", "settings", "y", {"year": "2027-2028"}))
    execute(lms, plan(lms, SYS, "set sync mode", frames, params="mode=manual"), "S-001")
    planned = plan(lms, SYS, "set active year", frames, params="year=2027-2028", step_id="S-002")
    assert planned.plan and "nothing synced before is removed" in planned.plan.summary
    execute(lms, planned, "S-002")
    assert lms.settings(SYS)["active_year"] == "2027-2028"


def test_setting_the_active_year_stops_earlier_years_and_removes_nothing(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Setting the active year will stop syncing changes to users, courses, sections, and
    enrollments from the previous school year, and will only bring in information for the active
    school year. This will not remove data synced from previous school years" (seed 004)"""
    with lms.store.transaction():
        lms.store.put(SYS, "classes", "OLD", "active", {"year": "2026-2027", "title": "Old"})
    execute(lms, plan(lms, SYS, "set sync mode", frames, params="mode=manual"), "S-001")
    execute(lms, plan(lms, SYS, "set active year", frames, params="year=2027-2028"), "S-002")
    manual = Operation(SYS, "sync now", "sync", "run", {"feed": "[]"})
    with pytest.raises(RuleViolation, match="sync is Manual"):
        lms.execute(manual)
    execute(lms, plan(lms, SYS, "set sync mode", frames, params="mode=automatic"), "S-003")
    feed = [
        {"kind": "classes", "id": "OLD", "year": "2026-2027", "title": "Old renamed"},
        {"kind": "classes", "id": "NEW", "year": "2027-2028", "title": "New"},
    ]
    result = lms.execute(Operation(SYS, "sync now", "sync", "run", {"feed": json.dumps(feed)}))
    assert result.message == "1 synced, 1 from other years ignored"
    classes = lms.records(SYS, "classes").set_index("id")
    assert classes.loc["OLD", "title"] == "Old" and classes.loc["OLD", "status"] == "active"
    assert classes.loc["NEW", "title"] == "New"


def test_grading_periods_are_created_per_school(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Click the Terms tab and open the school that you want to sync. Select Create new grading
    period in the Schoology Grading Periods drop-down menu and click Save Changes." (seed 004)"""
    params = "name=2027-28 S1; start_date=2027-08-16; end_date=2027-12-17"
    planned = plan(lms, SYS, "create grading periods", frames, params=params)
    assert planned.plan and planned.plan.summary.endswith("in 2 schools: North, South")
    assert execute(lms, planned) == {
        "North": "created grading period 2027-28 S1 for North",
        "South": "created grading period 2027-28 S1 for South",
    }
    unknown = plan(lms, SYS, "create grading periods", frames, params=params + "; schools=West")
    assert "1 unknown school in Schoology: West" in unknown.why
    backwards = "name=X; start_date=2027-08-16; end_date=2027-08-01"
    assert (
        "must be after start_date"
        in plan(lms, SYS, "create grading periods", frames, params=backwards).why
    )
    again = plan(lms, SYS, "create grading periods", frames, params=params, step_id="S-2")
    assert again.plan and again.plan.summary == (
        "Nothing to do: grading period 2027-28 S1 (2027-08-16 to 2027-12-17) is in 2 schools "
        "already: North, South"
    )
    assert execute(lms, again, "S-2") == {}
    period = {"name": "2027-28 S1", "start_date": "2027-08-16", "end_date": "2027-12-17"}
    with pytest.raises(RuleViolation, match="North: 2027-28 S1 exists: select it instead"):
        lms.execute(Operation(SYS, "create grading periods", "grading_periods", "North", period))


def test_checking_the_acting_user_reads_and_sends_nothing(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    planned = plan(lms, SYS, "check acting user", frames)
    assert fates(planned) == {"acting_user": AT_TARGET}
    assert planned.plan and planned.plan.summary == (
        "The acting user of the PowerSchool app, admin@d.org, is an active System Admin "
        "(read from Schoology; nothing is changed)"
    )
    assert execute(lms, planned) == {}
    assert calls(lms, SYS, "check acting user") == 0


def test_the_sync_mode_is_sent_once_and_a_corrected_mode_is_sent(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    manual = plan(lms, SYS, "set sync mode", frames, params="mode=manual")
    assert fates(manual) == {"sync_mode": CHANGE}
    assert execute(lms, manual) == {"sync_mode": "sync mode manual"}
    again = plan(lms, SYS, "set sync mode", frames, params="mode=manual")
    assert fates(again) == {"sync_mode": AT_TARGET}
    assert again.plan and again.plan.summary == (
        "Nothing to do: the PowerSchool sync is manual already"
    )
    assert execute(lms, again) == {}
    back = plan(lms, SYS, "set sync mode", frames, params="mode=automatic")
    assert fates(back) == {"sync_mode": CHANGE}
    execute(lms, back)
    assert lms.settings(SYS)["sync_mode"] == "automatic"
    assert calls(lms, SYS, "set sync mode") == 2


def test_the_active_year_is_sent_once_and_a_corrected_year_is_applied(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    execute(lms, plan(lms, SYS, "set sync mode", frames, params="mode=manual"))
    first = plan(lms, SYS, "set active year", frames, params="year=2027-2028")
    assert fates(first) == {"active_year": CHANGE}
    execute(lms, first)
    again = plan(lms, SYS, "set active year", frames, params="year=2027-2028")
    assert fates(again) == {"active_year": AT_TARGET}
    assert execute(lms, again) == {}
    corrected = plan(lms, SYS, "set active year", frames, params="year=2028-2029")
    assert fates(corrected) == {"active_year": CHANGE}
    assert corrected.plan and corrected.plan.summary.startswith(
        "Will set the PowerSchool active year to 2028-2029 (now 2027-2028)"
    )
    assert execute(lms, corrected) == {
        "active_year": "active year set from 2027-2028 to 2028-2029; earlier years stop "
        "syncing, their data stays"
    }
    assert lms.settings(SYS)["active_year"] == "2028-2029"
    assert calls(lms, SYS, "set active year") == 2
    execute(lms, plan(lms, SYS, "set sync mode", frames, params="mode=automatic"))
    there = plan(lms, SYS, "set active year", frames, params="year=2028-2029")
    assert fates(there) == {"active_year": AT_TARGET}
    other = plan(lms, SYS, "set active year", frames, params="year=2029-2030")
    assert "sync is automatic: set the sync mode to manual" in other.why


def test_the_acting_user_is_set_once(lms: MockLMS, frames: dict[str, pd.DataFrame]) -> None:
    same = plan(lms, SYS, "set acting user", frames, params="user=ADMIN@d.org")
    assert fates(same) == {"acting_user": AT_TARGET}
    assert same.plan and same.plan.summary == (
        "Nothing to do: ADMIN@d.org is the acting user of the PowerSchool app already"
    )
    assert execute(lms, same) == {}
    assert calls(lms, SYS, "set acting user") == 0


def test_a_school_that_has_the_grading_period_is_left_alone_and_corrected_dates_are_applied(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    params = "name=2027-28 S1; start_date=2027-08-16; end_date=2027-12-17"
    execute(
        lms, plan(lms, SYS, "create grading periods", frames, params=params + "; schools=North")
    )
    both = plan(lms, SYS, "create grading periods", frames, params=params)
    assert fates(both) == {"North": AT_TARGET, "South": CHANGE}
    assert both.plan and both.plan.summary == (
        "Will create grading period 2027-28 S1 (2027-08-16 to 2027-12-17) in 1 school: South; "
        "1 school has it already: North"
    )
    assert execute(lms, both) == {"South": "created grading period 2027-28 S1 for South"}
    corrected = "name=2027-28 S1; start_date=2027-08-16; end_date=2027-12-18"
    later = plan(lms, SYS, "create grading periods", frames, params=corrected)
    assert fates(later) == {"North": CHANGE, "South": CHANGE}
    assert later.plan and later.plan.summary == (
        "Will change the dates of grading period 2027-28 S1 to 2027-08-16 to 2027-12-18 in "
        "2 schools: North (now 2027-08-16 to 2027-12-17), South (now 2027-08-16 to 2027-12-17)"
    )
    assert execute(lms, later)["North"] == (
        "grading period 2027-28 S1 of North: dates 2027-08-16 to 2027-12-17 -> 2027-08-16 to "
        "2027-12-18"
    )
    periods = lms.records(SYS, "grading_periods").set_index("id")
    assert len(periods) == 2 and set(periods["end_date"]) == {"2027-12-18"}
    assert execute(lms, plan(lms, SYS, "create grading periods", frames, params=corrected)) == {}
    assert calls(lms, SYS, "create grading periods") == 4


def test_graduated_and_inactive_students_are_made_inactive_once(tmp_path: Path) -> None:
    """ "Graduated or inactive students ... will remain in Schoology. Click here for
    instructions on how to mark students as inactive": planned against Schoology's users, a
    user already inactive is left alone, more than safety.max_change_percent needs saying so,
    and the step needs an admin's approval."""
    statuses = ["graduated", "inactive", "graduated"] + ["active"] * 27
    students = tab(
        "Students",
        [
            {"Student ID": f"S{n:02d}", "First name": "Kim", "Last name": f"L{n}", "Status": s}
            for n, s in enumerate(statuses)
        ],
    )
    frames = {"Students": students}
    lms = seeded(tmp_path, SYS, frames)
    scope = "Students: status in (graduated, inactive)"
    with lms.store.transaction():
        lms.store.put(SYS, "students", "S02", "deactivated", {"first_name": "Kim"})

    planned = plan(lms, SYS, "deactivate users", frames, scope=scope)
    assert fates(planned) == {"S00": CHANGE, "S01": CHANGE, "S02": AT_TARGET}
    assert planned.plan and planned.plan.destructive
    assert planned.plan.summary.startswith("Will deactivate 2 of 29 active students")
    assert "1 already deactivated" in planned.plan.summary
    assert execute(lms, planned) == {"S00": "deactivated user S00", "S01": "deactivated user S01"}
    assert calls(lms, SYS, "deactivate users") == 2
    again = plan(lms, SYS, "deactivate users", frames, scope=scope)
    assert set(fates(again).values()) == {AT_TARGET}
    assert again.plan and again.plan.summary.startswith("Nothing to deactivate")

    many = students.assign(Status=["graduated"] * 10 + ["active"] * 20)
    frames = {"Students": many}
    over = plan(lms, SYS, "deactivate users", frames, scope=scope)
    assert over.plan is None and "would deactivate 7 of 27 active students (25.9% > 10%)" in (
        over.why
    )
    assert "allow_over_threshold=yes" in over.why
    allowed = plan(lms, SYS, "deactivate users", frames, scope, "allow_over_threshold=yes")
    assert allowed.plan is not None
