"""Whole cycles on Google Sheets (the local fake): the same few requests at any size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.commands.create import make_demo
from bot.config import load_config
from bot.cycle import Cycle, CycleReport
from bot.districts.demo import ADMIN
from bot.services import Services
from bot.steps.approve import decide
from bot.templates import load_template
from bot.testing.fake_sheets import FakeSheetsServer, RecordedRequest
from bot.wiring import build_services
from bot.workbook.gsheets import GSheetsWorkbook, open_api
from bot.workbook.sheets_api import SheetsApi
from bot.workbook.sheets_sync import push


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


def district_on_sheets(fake: FakeSheetsServer, directory: Path, students: int) -> Path:
    """A demo district pushed to a Google Sheet; returns a config using it."""
    config = make_demo(directory, students=students, force=False, today=date(2026, 11, 22))
    spreadsheet_id = fake.create_spreadsheet(f"district-{students}")
    push(
        directory / "rollover.xlsx",
        open_api(spreadsheet_id, "anonymous", fake.url),
        load_template(),
    )
    text = config.read_text().replace(
        'backend = "xlsx"',
        f'backend = "gsheets"\nspreadsheet_id = "{spreadsheet_id}"\n'
        f'credentials = "anonymous"\nendpoint = "{fake.url}"',
    )
    config.write_text(text)
    return config


def kind(request: RecordedRequest) -> str:
    for suffix in ("values:batchGet", "values:batchUpdate", ":batchUpdate"):
        if request.path.endswith(suffix):
            return suffix.lstrip(":")
    return f"{request.method} {'metadata' if request.path.count('/') == 3 else request.path}"


def one_cycle(
    fake: FakeSheetsServer, services: Services
) -> tuple[CycleReport, list[RecordedRequest]]:
    fake.reset()
    report = Cycle(services).run()
    return report, fake.requests


def api_of(services: Services) -> SheetsApi:
    workbook = services.workbook
    assert isinstance(workbook, GSheetsWorkbook)
    return workbook.api


def test_a_steady_cycle_that_writes_makes_three_requests_at_any_size(
    fake: FakeSheetsServer, tmp_path: Path
) -> None:
    for students in (10, 10_000):
        services = build_services(
            load_config(str(district_on_sheets(fake, tmp_path / str(students), students)))
        )
        try:
            _, first = one_cycle(fake, services)
            assert Counter(map(kind, first)) == {
                "GET metadata": 1,
                "values:batchGet": 3,
                "values:batchUpdate": 1,
            }, students
            decide(services, "S-007", ADMIN)
            report, steady = one_cycle(fake, services)
            assert [kind(r) for r in steady] == [
                "values:batchGet",
                "values:batchGet",
                "values:batchUpdate",
            ], students
            assert "'Students'" in steady[0].query["ranges"]
            assert "S-007" in report.executed
            assert report.write.cells_written and report.write.log_rows_appended
        finally:
            services.close()


def test_a_cycle_with_nothing_ticked_reads_only_the_checklist(
    fake: FakeSheetsServer, tmp_path: Path
) -> None:
    services = build_services(load_config(str(district_on_sheets(fake, tmp_path, 40))))
    try:
        api = api_of(services)
        header = api.batch_get(["Checklist!1:1"])[0][0]
        steps = len(api.batch_get(["Checklist"])[0]) - 1
        column = chr(ord("A") + header.index("Run"))
        api.batch_write([{"range": f"Checklist!{column}2", "values": [[False]] * steps}])
        _, first = one_cycle(fake, services)
        report, steady = one_cycle(fake, services)
        reads = [r.query["ranges"] for r in first + steady if kind(r) == "values:batchGet"]
        assert {tuple(ranges) for ranges in reads} == {("'Checklist'",)}
        assert [kind(r) for r in steady] == ["values:batchGet"]
        assert report.summary() == f"{steps} Idle"
    finally:
        services.close()


def test_results_land_in_the_sheet(fake: FakeSheetsServer, tmp_path: Path) -> None:
    config = district_on_sheets(fake, tmp_path / "d", 40)
    services = build_services(load_config(str(config)))
    try:
        one_cycle(fake, services)
        snap = GSheetsWorkbook(api_of(services), load_template()).read()
    finally:
        services.close()
    steps = snap.frames["Checklist"].set_index("Step ID")
    assert steps.loc["S-012", "Status"] == "Done"
    assert steps.loc["S-018", "Status"] == "Done"
    assert steps.loc["S-007", "Status"] == "Awaiting approval"
    assert steps.loc["S-009", "Status"] == "Invalid"
    assert len(snap.frames["Log"]) > 0
