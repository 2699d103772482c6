"""Schoology's new year from the CLI, as a coordinator would: a corrected active year and
corrected grading-period dates are applied, a re-ticked step whose setting Schoology holds
already sends nothing, and checking the acting user is a read (issue 15, item 1). The
playbook makes the sync mode and the active year people's steps (Schoology's API has no way to
set them); a district whose LMS lets the bot set them (the in-process model, the fakes' stand-in
of the PowerSchool app) gives those steps the bot's actions instead, as here."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import time_machine

from bot.config import Config
from bot.lms.mock import MockLMS
from tests.integration.test_messages import (
    bot_sets_the_app,
    cli,
    on_the_rollover,
    playbook_demo,
)
from tests.integration.test_whole_loop import checklist, set_staff_cell

SYS = "Schoology"


def calls(config: Config) -> Counter[str]:
    """How many calls of each action Schoology received (its history keeps every one)."""
    lms = MockLMS(config.lms_path)
    try:
        return Counter(h[2] for h in lms.store.history(SYS))
    finally:
        lms.close()


def test_corrected_year_and_dates_are_applied_and_a_retick_sends_nothing(tmp_path: Path) -> None:
    config = playbook_demo(tmp_path, "schoology-new-year")
    set_staff_cell(config, "S-008", "Run", "FALSE")  # sync stays manual after the new year
    year = checklist(config)["S-004"]["Parameters"].split("expected=")[1]
    bot_sets_the_app(config)
    with time_machine.travel(on_the_rollover(config), tick=False):
        assert cli(config, "run", "--once") == 0
        steps = checklist(config)
        assert steps["S-001"]["Result"].startswith("The acting user of the PowerSchool app, ")
        first, _ = year.split("-")
        corrected = f"{int(first) + 1}-{int(first) + 2}"
        set_staff_cell(config, "S-004", "Parameters", f"year={corrected}")
        assert cli(config, "run", "--once") == 0
        assert checklist(config)["S-004"]["Result"].startswith(
            f"Active year set from {year} to {corrected}; "
        )

        periods = steps["S-005"]["Parameters"]
        end = periods.rsplit("end_date=", 1)[1]
        later = periods.replace(f"end_date={end}", "end_date=2027-06-30")
        set_staff_cell(config, "S-005", "Parameters", later)
        assert cli(config, "run", "--once") == 0
        result = checklist(config)["S-005"]["Result"]
        for school in ("North High", "South High"):
            assert f"of {school}: dates " in result
        assert result.count(f"to {end} -> ") == 2 and result.count("to 2027-06-30") == 2

        set_staff_cell(config, "S-004", "Run", "FALSE")
        assert cli(config, "run", "--once") == 0
        set_staff_cell(config, "S-004", "Run", "TRUE")
        assert cli(config, "run", "--once") == 0
        assert cli(config, "run", "--once") == 0
    step = checklist(config)["S-004"]
    assert step["Status"] == "Done"
    assert step["Result"] == f"Nothing to do: the PowerSchool active year is {corrected} already"
    sent = calls(config)
    assert sent["set active year"] == 2
    assert sent["create grading periods"] == 4
    assert sent["set sync mode"] == 1
    assert sent["check acting user"] == 0
