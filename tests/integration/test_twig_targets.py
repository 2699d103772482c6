"""Twig Science steps planned against the LMS (issue 15): on a district made by `init` from the
Twig Science playbook, worked through its rollover on a fake clock as a coordinator would.

A student the summer school import created is not created again by the back-to-school
`create students` step (a creation is made once per rollover, whatever the step); the roster
pause, re-ticked once rostering has resumed after the rollover, is not sent again (it would
pause rostering anew); `resume rostering` re-ticked sends nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date, time
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config
from bot.lms.mock import MockLMS
from tests.real_district import (
    ADMIN,
    COORDINATOR,
    add_admin,
    checklist,
    edit,
    fill_roster,
    init,
    lms_settings,
    on,
    run_on,
)

SYS = "Twig Science"
MONTH_EARLY = date(2027, 5, 28)
PAUSE_DAY = date(2027, 6, 29)
ROLLOVER_DAY = date(2027, 6, 30)
NEXT_DAY = date(2027, 7, 1)
TICKED = ("S-003", "S-004", "S-005", "S-006", "S-010", "S-011", "S-012", "S-013", "S-014")
"""The summer school import (with the people's steps it waits on), the pause, the archive
of the previous year, the resume and the back-to-school creation."""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    config = init(
        tmp_path / "d",
        date(2027, 5, 3),
        *("--playbook", "twig-end-of-year", "--rollover-date", "2027-06-30", "--country", "US"),
    )
    add_admin(config)
    fill_roster(config, SYS)
    for step in TICKED:
        edit(config, step, Owner=COORDINATOR, Run=True)
    return config


def sent(config: Path) -> Counter[tuple[str, str]]:
    """The operations Twig Science took: (action, record) and how many times."""
    lms = MockLMS(load_config(str(config)).lms_path)
    try:
        return Counter((h[2], h[1]) for h in lms.store.history(SYS))
    finally:
        lms.close()


def retick(config: Path, step: str, day: date) -> None:
    edit(config, step, Run=False)
    run_on(config, day, time(10))
    edit(config, step, Run=True)
    run_on(config, day, time(11))


def test_a_student_is_created_once_per_rollover_and_a_pause_is_never_sent_again(
    config: Path,
) -> None:
    run_on(config, MONTH_EARLY)
    steps = checklist(config)
    assert steps["S-005"]["Result"] == "Imported 2 summer school students"

    run_on(config, PAUSE_DAY)
    assert checklist(config)["S-010"]["Status"] == "Done"
    with on(PAUSE_DAY, time(10)):
        assert main(["approve", "S-012", "--as", ADMIN, "--config", str(config)]) == 0
    run_on(config, ROLLOVER_DAY)
    steps = checklist(config)
    assert steps["S-012"]["Status"] == "Done", steps["S-012"]["Result"]
    assert (steps["S-013"]["Status"], steps["S-013"]["Result"]) == ("Done", "Rostering now on")
    creation = steps["S-014"]
    assert creation["Status"] == "Done"
    assert creation["Plan"] == (
        "Nothing to create: no student in scope needs it (status in (new, transfer)); "
        "2 already created this rollover by S-005"
    )
    assert creation["Result"] == "Nothing to do: 2 students already created this rollover by S-005"
    created = sent(config)
    assert created[("create students", "SUM001")] == 0
    assert created[("import summer school roster", "SUM001")] == 1

    retick(config, "S-010", NEXT_DAY)
    pause = checklist(config)["S-010"]
    assert (pause["Status"], pause["Result"]) == (
        "Done",
        "Nothing to do: rostering in Twig Science was paused from 2027-06-29 for the rollover "
        "date 2027-06-30, which has come (the pause is over)",
    )
    assert lms_settings(config, SYS, NEXT_DAY)["rostering"] == "on"

    retick(config, "S-013", NEXT_DAY)
    resume = checklist(config)["S-013"]
    assert (resume["Status"], resume["Result"]) == (
        "Done",
        "Nothing to do: rostering in Twig Science is on already",
    )
    assert sent(config) == created
