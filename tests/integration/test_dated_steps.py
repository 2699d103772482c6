"""Dated execution on a Twig Science district made by `init` (issue 17), on a fake clock:
a step ticked before its Run-on date is Scheduled and runs in the first cycle on or after it;
the roster pause is one business day before the rollover on the district's calendar,
national holidays included; the pause takes effect in the LMS on its date, and the freeze
refuses a summer school import with its dates."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from bot.cli import main
from tests.real_district import (
    ADMIN,
    COORDINATOR,
    add_admin,
    add_step,
    checklist,
    edit,
    fill_roster,
    init,
    lms_settings,
    on,
    run_on,
    tab,
)

SYS = "Twig Science"
MONTH_EARLY = date(2027, 5, 28)
PAUSE_DAY = date(2027, 6, 29)
ROLLOVER_DAY = date(2027, 6, 30)
PEOPLE = ("S-003", "S-004")
"""The summer school roster is up to date; the CSM confirmed the freeze (people's steps the
summer import waits on)."""


def twig(directory: Path, rollover: str, today: date) -> Path:
    config = init(
        directory,
        today,
        *("--playbook", "twig-end-of-year", "--rollover-date", rollover, "--country", "US"),
    )
    add_admin(config)
    fill_roster(config, SYS)
    for step in (*PEOPLE, "S-005", "S-010"):
        edit(config, step, Owner=COORDINATOR, Run=True)
    return config


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return twig(tmp_path / "d", "2027-06-30", date(2027, 5, 3))


def test_a_pause_ticked_a_month_early_is_scheduled_and_runs_on_its_date_not_before(
    config: Path,
) -> None:
    run_on(config, MONTH_EARLY)
    steps = checklist(config)
    assert steps["S-003"]["Status"] == f"Done by {COORDINATOR} on 2027-05-28"
    assert steps["S-005"]["Status"] == "Done", steps["S-005"]["Result"]
    assert steps["S-010"]["Status"] == "Scheduled: runs on 2027-06-29"
    assert steps["S-010"]["Plan"].startswith("Will pause rostering in Twig Science from 2027-06-29")
    assert lms_settings(config, SYS, MONTH_EARLY).get("rostering", "on") == "on"

    run_on(config, date(2027, 6, 28), time(23, 59))
    assert checklist(config)["S-010"]["Status"] == "Scheduled: runs on 2027-06-29"
    assert "pause_date" not in lms_settings(config, SYS, date(2027, 6, 28)), "not sent early"

    run_on(config, PAUSE_DAY, time(0, 5))
    pause = checklist(config)["S-010"]
    assert pause["Status"] == "Done"
    assert pause["Result"] == (
        "Rostering paused from 2027-06-29, one business day before the rollover date 2027-06-30"
    )
    settings = lms_settings(config, SYS, PAUSE_DAY)
    assert (settings["rostering"], settings["pause_date"]) == ("paused", "2027-06-29")
    log = tab(config, "Log")
    assert log[log["Step"] == "S-010"]["Time"].str[:10].tolist() == ["2027-06-29"]


def test_a_summer_import_before_the_pause_is_accepted_and_after_it_refused_with_its_dates(
    config: Path,
) -> None:
    add_step(
        config,
        Step_ID="S-015",
        System=SYS,
        Action="import summer school roster",
        Scope="Students: selected",
        Owner=COORDINATOR,
        Run_on="2027-06-29",
        Run=True,
    )
    run_on(config, MONTH_EARLY)
    steps = checklist(config)
    assert steps["S-005"]["Result"] == "Imported 2 summer school students"
    assert steps["S-015"]["Status"] == "Invalid"
    assert steps["S-015"]["Result"] == (
        "Run on: Twig Science refuses import summer school roster during its freeze on "
        "2027-06-29 (Calendar: Roster pause (one business day before the rollover)); import "
        "the summer school roster before the pause"
    )

    run_on(config, PAUSE_DAY)
    edit(config, "S-015", Run_on=None)
    run_on(config, PAUSE_DAY, time(10))
    assert checklist(config)["S-015"]["Result"] == (
        "Action: Twig Science refuses import summer school roster during its freeze on "
        "2027-06-29 (Calendar: Roster pause (one business day before the rollover)); import "
        "the summer school roster before the pause"
    )
    run_on(config, date(2027, 7, 6))
    assert checklist(config)["S-015"]["Result"] == (
        "Action: rostering is paused in Twig Science since 2027-06-29: import the summer "
        "school roster before the pause"
    )


def test_a_destructive_step_approved_ahead_runs_on_its_date(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Archiving the previous year (destructive) runs at the end of the pause, on the
    rollover date: ticked and approved the day before, it waits for its date."""
    edit(config, "S-012", Owner=COORDINATOR, Run=True)
    run_on(config, MONTH_EARLY)
    assert checklist(config)["S-012"]["Status"] == "Waiting on S-010"
    capsys.readouterr()
    run_on(config, PAUSE_DAY)
    archive = checklist(config)["S-012"]
    assert archive["Status"] == "Scheduled: runs on 2027-06-30 (awaiting approval)"
    request = capsys.readouterr().out
    assert "Approval needed: S-012 Twig Science / archive previous year" in request
    assert "Scheduled: runs on 2027-06-30, not before, once approved" in request
    with on(PAUSE_DAY, time(11)):
        assert main(["approve", "S-012", "--as", ADMIN, "--config", str(config)]) == 0
    run_on(config, PAUSE_DAY, time(12))
    archive = checklist(config)["S-012"]
    assert archive["Status"] == "Scheduled: runs on 2027-06-30"
    assert archive["Approval"].startswith(f"Approved by {ADMIN}")
    run_on(config, ROLLOVER_DAY)
    archive = checklist(config)["S-012"]
    assert (archive["Status"], archive["Result"]) == ("Done", "Archived 2 previous-year classes")


def test_a_pause_on_a_national_holiday_moves_to_the_business_day_before(
    tmp_path: Path,
) -> None:
    """Monday 2026-12-28: one business day before it is Thursday 2026-12-24, Christmas
    (Friday) being a United States holiday; without national holidays it would be 12-25."""
    config = twig(tmp_path / "d", "2026-12-28", date(2026, 11, 27))
    calendar = tab(config, "Calendar")
    assert calendar["Date"].tolist() == ["2026-12-24", "2026-12-28"]
    run_on(config, date(2026, 11, 27))
    assert checklist(config)["S-010"]["Status"] == "Scheduled: runs on 2026-12-24"
    run_on(config, date(2026, 12, 24))
    assert checklist(config)["S-010"]["Status"] == "Done"
    assert lms_settings(config, SYS, date(2026, 12, 24))["pause_date"] == "2026-12-24"
