"""The whole loop on the embedded default: tick, validate, plan, approve, execute, write back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.config import Config
from bot.lms.mock import MockLMS
from bot.services import Services
from bot.templates import WorkbookTemplate
from bot.workbook.xlsx import XlsxWorkbook


def checklist(config: Config) -> dict[str, dict[str, str]]:
    frame = XlsxWorkbook(config.workbook_path, _template()).read().frames["Checklist"]
    return frame.set_index("Step ID").to_dict("index")


def _template() -> WorkbookTemplate:
    from bot.templates import load_template

    return load_template()


def cli(config: Config, *args: str) -> int:
    return main([*args, "--config", str(config.source)])


def set_staff_cell(config: Config, step_id: str, column: str, value: str) -> None:
    """What a staff member does in the spreadsheet."""
    book = load_workbook(config.workbook_path)
    sheet = book["Checklist"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == step_id:
            row[headers.index(column)].value = value
    book.save(config.workbook_path)


def test_demo_command_from_a_fresh_directory(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--dir", "district", "--students", "80"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "rollover-bot approve S-007" in done.stdout
    frame = XlsxWorkbook(tmp_path / "district" / "rollover.xlsx", _template()).read()
    steps = frame.frames["Checklist"].set_index("Step ID")
    statuses = set(steps["Status"])
    assert {"Done", "Awaiting approval", "Invalid", "Idle"} <= statuses
    assert steps.loc["S-012", "Result"] == "Imports now paused"
    assert steps.loc["S-009", "Result"] == "Scope: unknown column 'last logn' in tab Students"
    assert "target_date" in steps.loc["S-003", "Result"]
    assert steps.loc["S-007", "Plan"].startswith("Will archive ")
    assert steps.loc["S-018", "Status"] == "Done"
    assert len(frame.frames["Log"]) > 0


def test_refusals_then_approval_then_execution_once(
    services: Services, demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(demo_config, "run", "--once") == 0
    before = checklist(demo_config)
    assert before["S-007"]["Status"] == "Awaiting approval"
    assert before["S-008"]["Status"] == "Waiting on S-007"

    assert cli(demo_config, "approve", "S-007", "--as", "coordinator@demo-district.org") == 3
    assert "two-person rule" in capsys.readouterr().err
    assert cli(demo_config, "approve", "S-007", "--as", "someone@demo-district.org") == 3
    assert "not an approver" in capsys.readouterr().err
    assert cli(demo_config, "approve", "S-012", "--as", "admin@demo-district.org") == 3
    assert "not awaiting approval" in capsys.readouterr().err
    assert cli(demo_config, "approve", "S-007", "--as", "admin@demo-district.org") == 0

    assert cli(demo_config, "run", "--once") == 0
    after = checklist(demo_config)
    assert after["S-007"]["Status"] == "Done"
    assert after["S-007"]["Approval"].startswith("Approved by admin@demo-district.org")
    assert after["S-008"]["Status"] == "Awaiting approval"
    lms = MockLMS(demo_config.lms_path)
    archived = lms.records("Edgenuity", "students").query("status == 'archived'")["id"].tolist()
    assert archived
    snap = XlsxWorkbook(demo_config.workbook_path, _template()).read()
    students = snap.frames["Students"].set_index("Student ID")
    assert set(students.loc[archived, "LMS status"]) == {"archived"}
    assert all(
        a.startswith("S-007 archive students: applied")
        for a in students.loc[archived, "Last action"]
    )
    log = snap.frames["Log"]
    assert sorted(log[log["Step"] == "S-007"]["Record"]) == sorted(archived)

    assert cli(demo_config, "approve", "S-008", "--as", "admin@demo-district.org") == 0
    grades_before = lms.records("Edgenuity", "students").set_index("id")["grade"]
    assert cli(demo_config, "run", "--once") == 0
    assert cli(demo_config, "run", "--once") == 0
    grades_after = lms.records("Edgenuity", "students").set_index("id")["grade"]
    promoted = [i for i in grades_before.index if grades_before[i] != grades_after[i]]
    assert promoted
    assert all(int(grades_after[i]) == int(grades_before[i]) + 1 for i in promoted)
    assert checklist(demo_config)["S-008"]["Status"] == "Done"
    history = lms.store.history("Edgenuity")
    assert len([h for h in history if h[2] == "promote grades"]) == len(promoted)
    log = XlsxWorkbook(demo_config.workbook_path, _template()).read().frames["Log"]
    assert len(log[log["Step"] == "S-008"]) == len(promoted)
    lms.close()


def test_a_second_run_changes_nothing(demo_config: Config) -> None:
    assert cli(demo_config, "run", "--once") == 0
    lms = MockLMS(demo_config.lms_path)
    changes = len(lms.store.history())
    bytes_before = demo_config.workbook_path.read_bytes()
    assert cli(demo_config, "run", "--once") == 0
    assert len(lms.store.history()) == changes
    assert demo_config.workbook_path.read_bytes() == bytes_before
    lms.close()


def test_editing_the_scope_after_approval_voids_it(demo_config: Config) -> None:
    assert cli(demo_config, "check") == 0
    assert cli(demo_config, "approve", "S-007", "--as", "admin@demo-district.org") == 0
    set_staff_cell(
        demo_config, "S-007", "Scope", "Students: status = graduated; school = North High"
    )
    assert cli(demo_config, "run", "--once") == 0
    step = checklist(demo_config)["S-007"]
    assert step["Status"] == "Awaiting approval"
    assert step["Approval"].startswith("Void: the step changed after admin@demo-district.org")
    lms = MockLMS(demo_config.lms_path)
    assert "archived" not in set(lms.records("Edgenuity", "students")["status"])
    lms.close()
    # Putting the scope back does not revive the voided approval.
    set_staff_cell(demo_config, "S-007", "Scope", "Students: grade = 12; status = graduated")
    assert cli(demo_config, "run", "--once") == 0
    assert checklist(demo_config)["S-007"]["Status"] == "Awaiting approval"


def test_rejection_is_shown_with_its_reason(demo_config: Config) -> None:
    assert cli(demo_config, "check") == 0
    assert (
        cli(
            demo_config,
            "approve",
            "S-002",
            "--as",
            "admin@demo-district.org",
            "--reject",
            "wait for report cards",
        )
        == 0
    )
    assert cli(demo_config, "run", "--once") == 0
    step = checklist(demo_config)["S-002"]
    assert step["Status"] == "Rejected by admin@demo-district.org: wait for report cards"


def test_check_executes_nothing(demo_config: Config) -> None:
    assert cli(demo_config, "check") == 0
    steps = checklist(demo_config)
    assert steps["S-012"]["Status"] == "Planned"
    lms = MockLMS(demo_config.lms_path)
    assert lms.store.history() == [] and lms.settings("Edgenuity") == {}
    lms.close()


def test_unticking_and_reticking_a_done_step_does_nothing_and_says_so(
    demo_config: Config,
) -> None:
    assert cli(demo_config, "run", "--once") == 0
    set_staff_cell(demo_config, "S-018", "Run", "FALSE")
    assert cli(demo_config, "run", "--once") == 0
    assert checklist(demo_config)["S-018"]["Status"] == "Idle"
    set_staff_cell(demo_config, "S-018", "Run", "TRUE")
    assert cli(demo_config, "run", "--once") == 0
    step = checklist(demo_config)["S-018"]
    assert step["Status"] == "Done"
    assert step["Result"].startswith("Nothing to do: all ")


def test_threshold_guard_blocks_mass_archiving_unless_allowed(demo_config: Config) -> None:
    set_staff_cell(demo_config, "S-007", "Scope", "Students: status = active")
    assert cli(demo_config, "check") == 0
    step = checklist(demo_config)["S-007"]
    assert step["Status"] == "Invalid"
    assert "% > 10%" in step["Result"] and "allow_over_threshold=yes" in step["Result"]
    set_staff_cell(demo_config, "S-007", "Parameters", "allow_over_threshold=yes")
    assert cli(demo_config, "check") == 0
    assert checklist(demo_config)["S-007"]["Status"] == "Awaiting approval"
