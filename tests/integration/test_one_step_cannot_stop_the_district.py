"""One step's bad cell or failure is that step's problem: the other steps run and everything
is written back (issue 13, items 7 and 8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.commands.create import make_demo
from bot.config import Config, load_config
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook

HUGE_ID = "S-" + "1" * 4_301
DAY = date(2026, 11, 22)


@pytest.fixture
def edgenuity(tmp_path: Path) -> tuple[str, Config]:
    """The Edgenuity demo district (60 students), no cycle run yet: its config path and config."""
    path = make_demo(tmp_path / "demo", students=60, force=False, today=DAY)
    return str(path), load_config(str(path))


def add_checklist_row(config: Config, values: dict[str, object]) -> None:
    book = load_workbook(config.workbook_path)
    sheet = book["Checklist"]
    headers = [c.value for c in sheet[1]]
    sheet.append([values.get(str(h)) for h in headers])
    book.save(config.workbook_path)


def checklist(config: Config) -> dict[str, dict[str, str]]:
    frame = XlsxWorkbook(config.workbook_path, load_template()).read().frames["Checklist"]
    return {r["Step ID"]: r for r in frame.to_dict("records")}


def test_a_step_id_of_4301_digits_makes_that_step_invalid_and_the_others_run(
    edgenuity: tuple[str, Config],
) -> None:
    """Was: ``S-`` and 4,301 digits crashed every check, run and serve (ValueError from
    Python's int-string limit). Now that step is Invalid naming the Step ID column, the
    other steps run, and the blank Step ID is filled with a number no row uses."""
    config, demo_config = edgenuity
    add_checklist_row(
        demo_config,
        {"Step ID": HUGE_ID, "System": "Edgenuity", "Action": "resume imports", "Run": True},
    )
    assert main(["check", "--config", config]) == 0
    assert main(["run", "--once", "--config", config]) == 0
    steps = checklist(demo_config)
    huge = steps[HUGE_ID]
    assert huge["Status"] == "Invalid"
    assert huge["Result"].startswith("Step ID: 'S-1111")
    assert "(4,303 characters) is too long for a Step ID" in huge["Result"]
    assert len(huge["Result"]) < 300
    assert steps["S-012"]["Status"] == "Done"
    assert steps["S-018"]["Status"] == "Done"
    assert len(steps) == 19
