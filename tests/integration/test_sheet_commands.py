"""`sheet provision`, `sheet push` and `sheet pull` against the local Sheets API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.create import make_demo
from bot.templates import load_template
from bot.testing.fake_sheets import FakeSheetsServer
from bot.workbook.xlsx import XlsxWorkbook


@pytest.fixture
def fake() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


def sheets_config(fake: FakeSheetsServer, directory: Path) -> tuple[str, str]:
    spreadsheet_id = fake.create_spreadsheet("district")
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "sheets.toml"
    config.write_text(
        f'[workbook]\nbackend = "gsheets"\nspreadsheet_id = "{spreadsheet_id}"\n'
        f'credentials = "anonymous"\nendpoint = "{fake.url}"\n'
    )
    return str(config), spreadsheet_id


def test_provision_builds_the_sheet_and_a_second_run_changes_nothing(
    fake: FakeSheetsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, spreadsheet_id = sheets_config(fake, tmp_path)
    assert main(["sheet", "provision", "--config", config]) == 0
    assert "added tab Checklist" in capsys.readouterr().out
    book = fake.spreadsheet(spreadsheet_id)
    tabs = {s.title: s for s in book.sheets}
    template = load_template()
    for tab in template.tabs:
        sheet = tabs[tab.name]
        assert sheet.props["gridProperties"]["frozenRowCount"] == 1
        header = fake.values(spreadsheet_id, f"'{tab.name}'!1:1")[0]
        assert header == tab.headers
        protected = {p["description"] for p in sheet.protected}
        assert len(protected) == len(tab.bot_columns)
        assert all("rollover-bot@localhost" in p["editors"]["users"] for p in sheet.protected)
    checklist = tabs["Checklist"]
    run_col = template.require("Checklist").headers.index("Run")
    assert checklist.cell(1, run_col).validation["condition"]["type"] == "BOOLEAN"
    action_col = template.require("Checklist").headers.index("Action")
    choices = checklist.cell(1, action_col).validation["condition"]["values"]
    assert {"userEnteredValue": "promote grades"} in choices
    assert len(checklist.cond_formats) == 5

    fake.reset()
    assert main(["sheet", "provision", "--config", config]) == 0
    assert "Nothing to change" in capsys.readouterr().out
    writes = [r for r in fake.requests if r.method != "GET"]
    assert writes == []


def test_push_then_pull_keeps_every_value(fake: FakeSheetsServer, tmp_path: Path) -> None:
    make_demo(tmp_path / "demo", students=30, force=False, today=date(2026, 11, 22))
    source = tmp_path / "demo" / "rollover.xlsx"
    config, _ = sheets_config(fake, tmp_path)
    assert main(["sheet", "provision", "--config", config]) == 0
    assert main(["sheet", "push", "--from", str(source), "--config", config]) == 0
    target = tmp_path / "pulled.xlsx"
    assert main(["sheet", "pull", "--to", str(target), "--config", config]) == 0
    template = load_template()
    before = XlsxWorkbook(source, template).read().frames
    after = XlsxWorkbook(target, template).read().frames
    for name, frame in before.items():
        assert after[name].drop(columns="_row").equals(frame.drop(columns="_row")), name
    assert main(["sheet", "pull", "--to", str(target), "--config", config]) == 2
