"""`sheet provision`, `sheet push` and `sheet pull` against the local Sheets API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.commands.acting import lease_name
from bot.commands.create import make_demo
from bot.config import load_config
from bot.state.sqlite import SqliteState
from bot.templates import Tab, WorkbookTemplate, load_template
from bot.testing.fake_sheets import FakeSheetsServer
from bot.workbook.gsheets import GSheetsWorkbook, open_api
from bot.workbook.sheets_provision import provision
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
    run_rule = checklist.cell(1, run_col).validation
    assert run_rule is not None and run_rule["condition"]["type"] == "BOOLEAN"
    action_col = template.require("Checklist").headers.index("Action")
    action_rule = checklist.cell(1, action_col).validation
    assert action_rule is not None
    choices = action_rule["condition"]["values"]
    assert {"userEnteredValue": "promote grades"} in choices
    assert len(checklist.cond_formats) == 5

    fake.reset()
    assert main(["sheet", "provision", "--config", config]) == 0
    assert "Nothing to change" in capsys.readouterr().out
    writes = [r for r in fake.requests if r.method != "GET"]
    assert writes == []


def test_provision_adds_a_new_optional_column_at_the_end_of_an_older_sheet(
    fake: FakeSheetsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sheet provisioned before the Checklist had Run on keeps every column where it was
    (staff data stays under its header) and gets Run on after the last one; then nothing
    changes."""
    config, spreadsheet_id = sheets_config(fake, tmp_path)
    assert main(["sheet", "provision", "--config", config]) == 0
    template = load_template()
    older = [h for h in template.require("Checklist").headers if h != "Run on"]
    api = open_api(spreadsheet_id, "anonymous", fake.url)
    api.batch_write([{"range": "'Checklist'!A1", "values": [[*older, ""]]}])
    api.batch_write([{"range": "'Checklist'!A2", "values": [["S-001", "Year end"]]}])
    capsys.readouterr()
    assert main(["sheet", "provision", "--config", config]) == 0
    assert "Checklist: column Run on added at the end of the header" in capsys.readouterr().out
    assert fake.values(spreadsheet_id, "'Checklist'!1:1")[0] == [*older, "Run on"]
    steps = GSheetsWorkbook(api, template).read(["Checklist"]).frames["Checklist"]
    assert steps[["Step ID", "Phase", "Run on"]].values.tolist() == [["S-001", "Year end", ""]]
    assert main(["sheet", "provision", "--config", config]) == 0
    assert "Nothing to change" in capsys.readouterr().out


def test_two_columns_added_are_columns(fake: FakeSheetsServer, tmp_path: Path) -> None:
    """Two optional columns missing from an older sheet: both named, in the plural."""
    spreadsheet_id = fake.create_spreadsheet("district")
    template = load_template()
    later = ("Run on", "Notes")
    tabs = tuple(
        Tab(
            **{f.name: getattr(t, f.name) for f in fields(Tab) if f.name != "_by_key"}
            | {"columns": tuple(replace(c, optional=c.name in later) for c in t.columns)}
        )
        if t.name == "Checklist"
        else t
        for t in template.tabs
    )
    newer = WorkbookTemplate(tabs, template.version)
    api = open_api(spreadsheet_id, "anonymous", fake.url)
    provision(api, newer, [], "")
    older = [h for h in template.require("Checklist").headers if h not in later]
    api.batch_write([{"range": "'Checklist'!A1", "values": [[*older, "", ""]]}])
    assert provision(api, newer, [], "") == [
        "Checklist: columns Run on, Notes added at the end of the header"
    ]


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


def without_last_rows(source: Path, target: Path, tab: str, count: int) -> None:
    book = load_workbook(source)
    sheet = book[tab]
    sheet.delete_rows(sheet.max_row - count + 1, count)
    book.save(target)


def test_push_refuses_a_sheet_that_holds_data_unless_forced(
    fake: FakeSheetsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's case: a live sheet's 21 Checklist rows with results, and a push of 18."""
    make_demo(tmp_path / "demo", students=30, force=False, today=date(2026, 11, 22))
    source = tmp_path / "demo" / "rollover.xlsx"
    config, spreadsheet_id = sheets_config(fake, tmp_path)
    assert main(["sheet", "provision", "--config", config]) == 0
    assert main(["sheet", "push", "--from", str(source), "--config", config]) == 0
    assert main(["run", "--once", "--config", config]) == 0
    template = load_template()
    live = GSheetsWorkbook(open_api(spreadsheet_id, "anonymous", fake.url), template).read()
    checklist = live.frames["Checklist"]
    assert (checklist["Result"] != "").any()
    students = len(live.frames["Students"])
    logged = len(live.frames["Log"])
    assert logged > 0
    smaller = tmp_path / "smaller.xlsx"
    without_last_rows(source, smaller, "Checklist", 3)
    capsys.readouterr()

    fake.reset()
    assert main(["sheet", "push", "--from", str(smaller), "--config", config]) == 2
    err = capsys.readouterr().err
    assert (
        f"the Google Sheet {spreadsheet_id} already holds data ({len(checklist)} Checklist "
        f"rows, {students} Students rows"
    ) in err
    assert f"{logged} Log row" in err
    assert "sheet pull --to backup.xlsx" in err and "--force" in err
    assert [r for r in fake.requests if r.method != "GET"] == []

    assert main(["sheet", "push", "--from", str(smaller), "--force", "--config", config]) == 0
    pulled = tmp_path / "pulled.xlsx"
    assert main(["sheet", "pull", "--to", str(pulled), "--config", config]) == 0
    expected = XlsxWorkbook(smaller, template).read().frames
    after = XlsxWorkbook(pulled, template).read().frames
    assert len(after["Checklist"]) == len(checklist) - 3
    for name, frame in expected.items():
        assert after[name].drop(columns="_row").equals(frame.drop(columns="_row")), name


def test_push_beside_a_held_lease_exits_2(
    fake: FakeSheetsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_demo(tmp_path / "demo", students=30, force=False, today=date(2026, 11, 22))
    config, _ = sheets_config(fake, tmp_path)
    loaded = load_config(config)
    state = SqliteState(loaded.state_path)
    try:
        state.acquire_lease(lease_name(loaded), "ws-9:4242:abc123", datetime.now(UTC), 600)
    finally:
        state.close()
    source = str(tmp_path / "demo" / "rollover.xlsx")
    fake.reset()
    assert main(["sheet", "push", "--from", source, "--wait", "0", "--config", config]) == 2
    assert "process 4242 on ws-9 (ws-9:4242:abc123) has held its lease" in capsys.readouterr().err
    assert [r for r in fake.requests if r.method != "GET"] == []
