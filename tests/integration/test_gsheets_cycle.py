"""A whole cycle on Google Sheets (the local fake): the same few requests at any size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.create import make_demo
from bot.config import load_config
from bot.templates import load_template
from bot.testing.fake_sheets import FakeSheetsServer
from bot.workbook.gsheets import open_api
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


def requests_of_one_cycle(fake: FakeSheetsServer, config: Path) -> Counter[str]:
    fake.reset()
    assert main(["run", "--once", "--config", str(config)]) == 0
    return Counter(kind(r.method, r.path) for r in fake.requests)


def kind(method: str, path: str) -> str:
    for suffix in ("values:batchGet", "values:batchUpdate", ":batchUpdate"):
        if path.endswith(suffix):
            return suffix.lstrip(":")
    return f"{method} {'metadata' if path.count('/') == 3 else path}"


def test_cycle_cost_does_not_grow_with_the_district(fake: FakeSheetsServer, tmp_path: Path) -> None:
    small = district_on_sheets(fake, tmp_path / "small", 10)
    large = district_on_sheets(fake, tmp_path / "large", 10000)
    first_small = requests_of_one_cycle(fake, small)
    first_large = requests_of_one_cycle(fake, large)
    assert first_small == first_large
    assert first_small == {"GET metadata": 1, "values:batchGet": 2, "values:batchUpdate": 1}
    assert requests_of_one_cycle(fake, small) == {"GET metadata": 1, "values:batchGet": 1}
    assert requests_of_one_cycle(fake, large) == {"GET metadata": 1, "values:batchGet": 1}


def test_results_land_in_the_sheet(fake: FakeSheetsServer, tmp_path: Path) -> None:
    config = district_on_sheets(fake, tmp_path / "d", 40)
    requests_of_one_cycle(fake, config)
    cfg = load_config(str(config))
    api = open_api(cfg.spreadsheet_id, "anonymous", fake.url)
    from bot.workbook.gsheets import GSheetsWorkbook

    snap = GSheetsWorkbook(api, load_template()).read()
    steps = snap.frames["Checklist"].set_index("Step ID")
    assert steps.loc["S-012", "Status"] == "Done"
    assert steps.loc["S-018", "Status"] == "Done"
    assert steps.loc["S-007", "Status"] == "Awaiting approval"
    assert steps.loc["S-009", "Status"] == "Invalid"
    assert len(snap.frames["Log"]) > 0
