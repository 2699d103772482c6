"""The fake keeps a tab's rendered values until the tab changes: an unchanged tab read again is
not rendered again, and every kind of change is seen by the next read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.testing.fake_sheets import FakeSheetsServer
from bot.testing.sheets_fake import values
from bot.workbook.gsheets import open_api
from bot.workbook.sheets_api import SheetsApi


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per rendering of a range for a read."""
    seen: list[int] = []
    real = values.read_matrix

    def counted(*args: Any) -> list[list[Any]]:
        seen.append(1)
        return real(*args)

    monkeypatch.setattr(values, "read_matrix", counted)
    return seen


@pytest.fixture
def sheet() -> Iterator[tuple[FakeSheetsServer, SheetsApi]]:
    with FakeSheetsServer() as fake:
        api = open_api(fake.create_spreadsheet("d"), "anonymous", fake.url)
        api.batch_update([{"addSheet": {"properties": {"title": "Other"}}}])
        api.batch_write([{"range": "Sheet1!A1", "values": [["b", "2"], ["a", "1"]]}])
        yield fake, api


def read(api: SheetsApi) -> list[list[Any]]:
    return api.batch_get(["Sheet1"])[0]


def test_an_unchanged_tab_is_rendered_once(
    sheet: tuple[FakeSheetsServer, SheetsApi], renders: list[int]
) -> None:
    _, api = sheet
    assert read(api) == [["b", "2"], ["a", "1"]]
    api.batch_write([{"range": "Other!A1", "values": [["elsewhere"]]}])
    assert read(api) == [["b", "2"], ["a", "1"]]
    assert len(renders) == 1


def test_every_change_to_a_tab_is_seen_by_the_next_read(
    sheet: tuple[FakeSheetsServer, SheetsApi], renders: list[int]
) -> None:
    fake, api = sheet
    sheet_id = 0
    read(api)
    api.batch_write([{"range": "Sheet1!B2", "values": [["9"]]}])
    assert read(api) == [["b", "2"], ["a", "9"]]
    span = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 2}
    api.batch_update([{"sortRange": {"range": span, "sortSpecs": [{"dimensionIndex": 0}]}}])
    assert read(api) == [["a", "9"], ["b", "2"]]
    dimension = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
    api.batch_update([{"insertDimension": {"range": dimension}}])
    assert read(api) == [[], ["a", "9"], ["b", "2"]]
    api.http.values_clear(api.spreadsheet_id, "Sheet1!A2:B2")
    assert read(api) == [[], [], ["b", "2"]]
    api.http.values_append(
        api.spreadsheet_id, "Sheet1!A:B", {"valueInputOption": "RAW"}, {"values": [["c", "3"]]}
    )
    assert read(api)[-1] == ["c", "3"]
    with fake.store.lock:
        fake.spreadsheet(api.spreadsheet_id).sheets[0].cell(0, 0).value = "direct"
    assert read(api)[0] == ["direct"]
    assert len(renders) == 7
