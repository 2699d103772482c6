"""`init` for a real district, and validation problems as staff see them in the Checklist."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.config import Config
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook


def test_init_creates_an_empty_district_that_checks_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "district"
    args = ["--playbook", "edgenuity-mid-year", "--rollover-date", "2099-01-04", "--country", "US"]
    assert main(["init", "--dir", str(directory), "--district", "Lakeside USD", *args]) == 0
    config = directory / "config.toml"
    assert 'name = "Lakeside USD"' in config.read_text()
    assert main(["check", "--config", str(config)]) == 0
    snap = XlsxWorkbook(directory / "rollover.xlsx", load_template()).read()
    assert snap.frames["Students"].empty
    steps = snap.frames["Checklist"]
    assert len(steps) == 17 and set(steps["Status"]) == {"Idle"}
    assert main(["init", "--dir", str(directory), *args]) == 2
    assert "use --force" in capsys.readouterr().err


def test_a_missing_config_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "no config file at" in capsys.readouterr().err


def edit_checklist(config: Config, rows: dict[str, dict[str, str | bool]]) -> None:
    book = load_workbook(config.workbook_path)
    sheet = book["Checklist"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        changes = rows.get(str(row[0].value), {})
        for column, value in changes.items():
            row[headers.index(column)].value = value
    book.save(config.workbook_path)


def statuses(config: Config) -> dict[str, tuple[str, str]]:
    frame = XlsxWorkbook(config.workbook_path, load_template()).read().frames["Checklist"]
    return {r["Step ID"]: (r["Status"], r["Result"]) for r in frame.to_dict("records")}


def test_every_problem_of_a_step_is_reported_with_its_column(demo_config: Config) -> None:
    edit_checklist(
        demo_config,
        {
            "S-004": {
                "Run": True,
                "System": "Edgenuity",
                "Action": "promote grades",
                "Scope": "Students: grade ~ 9",
                "Parameters": "nonsense",
                "Owner": "not-an-email",
                "Due": "someday",
                "Depends on": "S-999",
            }
        },
    )
    assert main(["check", "--config", str(demo_config.source)]) == 0
    status, result = statuses(demo_config)["S-004"]
    assert status == "Invalid"
    for expected in (
        "Owner: 'not-an-email' is not an email address",
        "Due: not a date: 'someday'",
        "Depends on: unknown step S-999",
        "Parameters: 'nonsense' is not key=value",
        "Scope: unknown operator '~' after column 'grade'",
    ):
        assert expected in result


def test_a_dependency_cycle_makes_its_steps_invalid(demo_config: Config) -> None:
    edit_checklist(
        demo_config,
        {
            "S-012": {"Depends on": "S-013"},
            "S-013": {"Run": True, "Depends on": "S-012"},
        },
    )
    assert main(["run", "--once", "--config", str(demo_config.source)]) == 0
    found = statuses(demo_config)
    assert found["S-012"] == ("Invalid", "Depends on: dependency cycle S-012 -> S-013 -> S-012")
    assert found["S-013"][0] == "Invalid"


def test_unknown_system_and_action_name_the_choices(demo_config: Config) -> None:
    edit_checklist(
        demo_config,
        {
            "S-004": {"Run": True, "System": "Edgenuiti"},
            "S-005": {"Run": True, "Action": "archive the universe"},
        },
    )
    assert main(["check", "--config", str(demo_config.source)]) == 0
    found = statuses(demo_config)
    assert found["S-004"][1].startswith("System: unknown system 'Edgenuiti' (one of: Edgenuity")
    assert found["S-005"][1].startswith(
        "Action: unknown action 'archive the universe' for Edgenuity"
    )


def test_configs_written_before_slack_still_load(tmp_path: Path) -> None:
    from bot.config import parse_config

    config = parse_config({"notifier": {"backend": "console"}}, tmp_path)
    assert config.slack.mode == "console"
