"""gspread 6 against the fake, through ``bot.workbook.google_http``."""

from __future__ import annotations

from collections.abc import Iterator

import gspread
import pytest
from google.auth.credentials import AnonymousCredentials
from google.oauth2.credentials import Credentials
from gspread.utils import ValueInputOption

from bot.testing.fake_sheets import FakeSheetsServer
from bot.workbook.google_http import authorized_session, point_at, rewrite_url


@pytest.fixture
def fake_sheets() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer(seed=3) as fake:
        yield fake


@pytest.fixture
def fake_sheets_client(fake_sheets: FakeSheetsServer) -> gspread.Client:
    session = authorized_session("anonymous", endpoint=fake_sheets.url)
    return gspread.Client(auth=AnonymousCredentials(), session=session)


def test_rewrite_url_only_touches_google_hosts() -> None:
    base = "http://127.0.0.1:9"
    assert (
        rewrite_url("https://sheets.googleapis.com/v4/spreadsheets/x?a=1", base)
        == base + "/v4/spreadsheets/x?a=1"
    )
    assert (
        rewrite_url("https://www.googleapis.com/drive/v3/files", base + "/")
        == base + "/drive/v3/files"
    )
    assert (
        rewrite_url("https://oauth2.googleapis.com/token", base)
        == "https://oauth2.googleapis.com/token"
    )
    assert (
        rewrite_url("https://www.googleapis.com.evil.example/x", base)
        == "https://www.googleapis.com.evil.example/x"
    )


def test_authorized_session_rejects_unknown_string() -> None:
    with pytest.raises(ValueError):
        authorized_session("service-account.json")


def test_gspread_round_trip(
    fake_sheets: FakeSheetsServer, fake_sheets_client: gspread.Client
) -> None:
    gc = fake_sheets_client
    created = gc.create("Rollover 2025")
    book = gc.open_by_key(created.id)
    sheet = book.sheet1
    sheet.update([["Name", "Grade"], ["Ada", "9"]], "A1")
    sheet.batch_update(
        [{"range": "C1:C2", "values": [["Done"], ["FALSE"]]}],
        value_input_option=ValueInputOption.user_entered,
    )
    sheet.append_row(["Grace", "10", "TRUE"], value_input_option=ValueInputOption.user_entered)
    assert sheet.get_all_values() == [
        ["Name", "Grade", "Done"],
        ["Ada", "9", "FALSE"],
        ["Grace", "10", "TRUE"],
    ]
    assert sheet.get_all_records() == [
        {"Name": "Ada", "Grade": 9, "Done": "FALSE"},
        {"Name": "Grace", "Grade": 10, "Done": "TRUE"},
    ]
    sheet.format("A1:C1", {"textFormat": {"bold": True}})
    sheet.freeze(rows=1)
    tab = book.add_worksheet("Staff Tab", rows=5, cols=3)
    tab.update_acell("B2", "=1+1")
    assert tab.acell("B2").value == "2"
    assert [ws.title for ws in book.worksheets()] == ["Sheet1", "Staff Tab"]
    book.del_worksheet(tab)
    assert [ws.title for ws in gc.open_by_key(created.id).worksheets()] == ["Sheet1"]
    model = fake_sheets.spreadsheet(created.id)
    assert model.sheets[0].props["gridProperties"]["frozenRowCount"] == 1
    assert model.sheets[0].peek(0, 0) is not None
    assert model.sheets[0].peek(0, 0).fmt == {"textFormat": {"bold": True}}  # type: ignore[union-attr]
    assert [s.title for s in gc.openall()] == ["Rollover 2025"]
    gc.del_spreadsheet(created.id)
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key(created.id)


def test_bearer_token_identifies_the_caller(fake_sheets: FakeSheetsServer) -> None:
    fake_sheets.add_user("tok-1", "bot@example.com")
    session = authorized_session(Credentials(token="tok-1"), endpoint=fake_sheets.url)
    gc = gspread.Client(auth=AnonymousCredentials(), session=session)
    gc.create("Mine")
    assert {r.user for r in fake_sheets.requests} == {"bot@example.com"}


def test_point_at_mounts_on_any_session(fake_sheets: FakeSheetsServer) -> None:
    import requests

    session = point_at(requests.Session(), fake_sheets.url)
    response = session.get("https://sheets.googleapis.com/v4/spreadsheets/missing", timeout=10)
    assert response.status_code == 404
    assert fake_sheets.requests[-1].path == "/v4/spreadsheets/missing"


def test_gspread_sees_scripted_errors(
    fake_sheets: FakeSheetsServer, fake_sheets_client: gspread.Client
) -> None:
    book = fake_sheets_client.create("Faults")
    fake_sheets.fail_next(1, status=500)
    with pytest.raises(gspread.exceptions.APIError) as info:
        book.sheet1.get_all_values()
    assert info.value.response.status_code == 500
    assert book.sheet1.get_all_values() == [[]]
