"""Bounded retries honouring Retry-After, and Google's errors translated at the seam."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.errors import WorkbookError, WorkbookNotFound, WorkbookUnavailable
from bot.testing.fake_sheets import FakeSheetsServer
from bot.workbook.gsheets import open_api
from bot.workbook.sheets_api import Backoff, SheetsApi, quote_tab


@pytest.fixture
def fake() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


def api_for(
    fake: FakeSheetsServer, spreadsheet_id: str, retries: int = 5
) -> tuple[SheetsApi, list[float]]:
    slept: list[float] = []
    api = open_api(spreadsheet_id, "anonymous", fake.url)
    api.backoff = Backoff(retries=retries, sleep=slept.append, jitter=lambda: 1.0)
    return api, slept


def test_429_and_500_are_retried_with_backoff_and_retry_after(fake: FakeSheetsServer) -> None:
    api, slept = api_for(fake, fake.create_spreadsheet("d"))
    fake.fail_next(2, 429, retry_after=7)
    fake.fail_next(1, 500)
    fake.reset()
    assert api.metadata()["properties"]["title"] == "d"
    assert slept == [7.0, 7.0, 4.0]
    assert [r.status for r in fake.requests] == [429, 429, 500, 200]


def test_retries_are_bounded(fake: FakeSheetsServer) -> None:
    api, slept = api_for(fake, fake.create_spreadsheet("d"), retries=3)
    fake.fail_next(10, 503)
    fake.reset()
    with pytest.raises(WorkbookUnavailable, match="still failing after retries"):
        api.batch_get(["Sheet1"])
    assert len(fake.requests) == 4 and len(slept) == 3


def test_a_write_retried_after_a_fault_lands_once(fake: FakeSheetsServer) -> None:
    spreadsheet_id = fake.create_spreadsheet("d")
    api, _ = api_for(fake, spreadsheet_id)
    fake.fail_next(1, 500)
    api.batch_write([{"range": "Sheet1!A1", "values": [["00123", "=1+1"]]}])
    assert fake.values(spreadsheet_id, "Sheet1!A1:B1") == [["00123", "=1+1"]]


def test_unknown_spreadsheet_and_permission_errors_are_translated(fake: FakeSheetsServer) -> None:
    api, slept = api_for(fake, "no-such-sheet")
    with pytest.raises(WorkbookNotFound, match="spreadsheet no-such-sheet not found"):
        api.metadata()
    fake.fail_next(1, 403)
    api, slept = api_for(fake, fake.create_spreadsheet("d"))
    with pytest.raises(WorkbookError, match="share the sheet with the service account"):
        api.metadata()
    assert slept == []


def test_unicode_and_quoted_tab_titles_round_trip(fake: FakeSheetsServer) -> None:
    spreadsheet_id = fake.create_spreadsheet("d")
    api, _ = api_for(fake, spreadsheet_id)
    titles = ["Élèves d'été", "学生 名簿", "O'Brien's ✓"]
    api.batch_update([{"addSheet": {"properties": {"title": t}}} for t in titles])
    api.batch_write([{"range": f"{quote_tab(t)}!A1", "values": [[t, "00123"]]} for t in titles])
    assert api.batch_get([quote_tab(t) for t in titles]) == [[[t, "00123"]] for t in titles]
