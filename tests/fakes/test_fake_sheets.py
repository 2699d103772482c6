"""Behaviour of the fake Sheets server over HTTP: values, rendering, errors, permissions, quota,
scripted faults, request records and thread safety."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests

from bot.testing.fake_sheets import FakeSheetsServer

OWNER, OTHER = "owner-token", "other-token"


class Clock:
    """A hand-driven clock for the quota."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_sheets_clock() -> Clock:
    return Clock()


@pytest.fixture
def fake_sheets(fake_sheets_clock: Clock) -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer(clock=fake_sheets_clock, seed=7) as fake:
        fake.add_user(OWNER, "owner@example.com")
        fake.add_user(OTHER, "other@example.com")
        yield fake


class Api:
    """A tiny client: one spreadsheet, calls as the owner unless told otherwise."""

    def __init__(self, fake: FakeSheetsServer) -> None:
        self.fake = fake
        self.http = requests.Session()
        created = self.call("POST", "/drive/v3/files", json={"name": "Book"}).json()
        self.sid = created["id"]

    def call(
        self, method: str, path: str, token: str | None = OWNER, **kwargs: Any
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.request(
            method, self.fake.url + path, headers=headers, timeout=10, **kwargs
        )

    def values(self, rng: str, **params: str) -> requests.Response:
        return self.call(
            "GET", f"/v4/spreadsheets/{self.sid}/values/{quote(rng, safe='')}", params=params
        )

    def put(
        self, rng: str, values: Any, option: str = "RAW", token: str | None = OWNER
    ) -> requests.Response:
        path = f"/v4/spreadsheets/{self.sid}/values/{quote(rng, safe='')}"
        return self.call(
            "PUT", path, token, params={"valueInputOption": option}, json={"values": values}
        )

    def batch(self, *requests_: dict[str, Any], token: str | None = OWNER) -> requests.Response:
        return self.call(
            "POST",
            f"/v4/spreadsheets/{self.sid}:batchUpdate",
            token,
            json={"requests": list(requests_)},
        )

    def meta(self, **params: str) -> dict[str, Any]:
        response = self.call("GET", f"/v4/spreadsheets/{self.sid}", params=params)
        assert response.status_code == 200, response.text
        meta: dict[str, Any] = response.json()
        return meta


@pytest.fixture
def fake_sheets_api(fake_sheets: FakeSheetsServer) -> Api:
    return Api(fake_sheets)


INPUTS = ["123", "TRUE", "=1+2", "2020-01-01", "12%", "'007"]


def test_raw_keeps_strings(fake_sheets_api: Api) -> None:
    assert fake_sheets_api.put("A1", [INPUTS], "RAW").status_code == 200
    got = fake_sheets_api.values("A1:F1", valueRenderOption="UNFORMATTED_VALUE").json()
    assert got["values"] == [INPUTS]


def test_user_entered_converts_and_renders(fake_sheets_api: Api) -> None:
    assert fake_sheets_api.put("A1", [INPUTS], "USER_ENTERED").status_code == 200
    unformatted = fake_sheets_api.values("A1:F1", valueRenderOption="UNFORMATTED_VALUE").json()[
        "values"
    ]
    assert unformatted == [[123, True, 3, 43831, 0.12, "007"]]
    formatted = fake_sheets_api.values("A1:F1").json()["values"]
    assert formatted == [["123", "TRUE", "3", "2020-01-01", "12%", "007"]]
    formulas = fake_sheets_api.values("A1:F1", valueRenderOption="FORMULA").json()["values"]
    assert formulas == [[123, True, "=1+2", 43831, 0.12, "007"]]
    as_text = fake_sheets_api.values(
        "D1", valueRenderOption="UNFORMATTED_VALUE", dateTimeRenderOption="FORMATTED_STRING"
    ).json()
    assert as_text["values"] == [["2020-01-01"]]


def test_formula_sees_other_cells(fake_sheets_api: Api) -> None:
    fake_sheets_api.put("A1", [[2, 3, "=A1*B1+1", "=C1/0", "=NOPE(1)"]], "USER_ENTERED")
    assert fake_sheets_api.values("C1:E1").json()["values"] == [["7", "#DIV/0!", "#NAME?"]]


def test_trimming_and_range_echo(fake_sheets_api: Api) -> None:
    fake_sheets_api.put("A1", [["a", "", ""], ["", "", ""], ["", "b", ""], ["", "", ""]])
    got = fake_sheets_api.values("Sheet1").json()
    assert got == {
        "range": "Sheet1!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [["a"], [], ["", "b"]],
    }
    columns = fake_sheets_api.values("A1:B3", majorDimension="COLUMNS").json()
    assert columns["values"] == [["a"], ["", "", "b"]]
    assert "values" not in fake_sheets_api.values("D4:E5").json()
    assert fake_sheets_api.values("A2:B").json()["range"] == "Sheet1!A2:B1000"
    assert fake_sheets_api.values("2:3").json()["range"] == "Sheet1!A2:Z3"
    assert fake_sheets_api.values("C3:A1").json()["range"] == "Sheet1!A1:C3"


def test_quoted_and_unicode_titles(fake_sheets_api: Api) -> None:
    add = fake_sheets_api.batch({"addSheet": {"properties": {"title": "It's 🌵"}}})
    assert add.status_code == 200
    response = fake_sheets_api.put("'It''s 🌵'!B2", [["x", "y"]])
    assert response.json()["updatedRange"] == "'It''s 🌵'!B2:C2"
    assert fake_sheets_api.values("'It''s 🌵'!B2:C2").json()["values"] == [["x", "y"]]


def test_update_counts(fake_sheets_api: Api) -> None:
    body = fake_sheets_api.put("A1:D2", [["a", "b", "c"], [1, 2, 3, 4]]).json()
    assert body["updatedRange"] == "Sheet1!A1:D2"
    assert (body["updatedRows"], body["updatedColumns"], body["updatedCells"]) == (2, 4, 7)
    sparse = fake_sheets_api.put("A1:D6", [["x", None], [None, None, None, "y"]]).json()
    assert (sparse["updatedRows"], sparse["updatedColumns"], sparse["updatedCells"]) == (2, 2, 2)


def test_unknown_spreadsheet_is_404(fake_sheets_api: Api) -> None:
    response = fake_sheets_api.call("GET", "/v4/spreadsheets/nope")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }


def test_bad_range_is_400(fake_sheets_api: Api) -> None:
    response = fake_sheets_api.values("'Nope'!A1")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": 400,
        "message": "Unable to parse range: 'Nope'!A1",
        "status": "INVALID_ARGUMENT",
    }


def test_write_beyond_grid_is_400_and_append_grows_it(fake_sheets_api: Api) -> None:
    response = fake_sheets_api.put("A1000", [["x"], ["y"]])
    assert response.status_code == 400
    message = "Range ('Sheet1'!A1000:A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    assert response.json()["error"]["message"] == message
    fake_sheets_api.put("A999", [["x"], ["y"]])
    path = f"/v4/spreadsheets/{fake_sheets_api.sid}/values/Sheet1:append"
    appended = fake_sheets_api.call(
        "POST", path, params={"valueInputOption": "RAW"}, json={"values": [["z"]] * 3}
    )
    assert appended.json()["updates"]["updatedRange"] == "Sheet1!A1001:A1003"
    assert appended.json()["tableRange"] == "Sheet1!A999:A1000"
    grid = fake_sheets_api.meta()["sheets"][0]["properties"]["gridProperties"]
    assert grid["rowCount"] == 1003


def test_values_must_be_a_list_of_lists(fake_sheets_api: Api) -> None:
    response = fake_sheets_api.put("A1", "X")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Invalid value at 'data.values'")


def _protect(api: Api, **extra: Any) -> requests.Response:
    rng = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 2,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    return api.batch({"addProtectedRange": {"protectedRange": {"range": rng, **extra}}})


def test_protected_range_rejects_non_editors(fake_sheets_api: Api) -> None:
    assert _protect(fake_sheets_api).status_code == 200
    denied = fake_sheets_api.put("B2", [["no"]], token=OTHER)
    assert denied.status_code == 403
    assert denied.json()["error"]["status"] == "PERMISSION_DENIED"
    assert "protected cell" in denied.json()["error"]["message"]
    assert fake_sheets_api.put("C3", [["fine"]], token=OTHER).status_code == 200
    assert fake_sheets_api.put("B2", [["owner"]]).status_code == 200
    assert fake_sheets_api.put("A1", [["anon"]], token=None).status_code == 200
    protected = fake_sheets_api.meta()["sheets"][0]["protectedRanges"][0]
    assert protected["editors"] == {"users": ["owner@example.com"]}


def test_protected_range_editors_and_warning_only(fake_sheets_api: Api) -> None:
    _protect(fake_sheets_api, editors={"users": ["other@example.com"]})
    assert fake_sheets_api.put("A1", [["ok"]], token=OTHER).status_code == 200
    pid = fake_sheets_api.meta()["sheets"][0]["protectedRanges"][0]["protectedRangeId"]
    fake_sheets_api.batch({"deleteProtectedRange": {"protectedRangeId": pid}})
    _protect(fake_sheets_api, warningOnly=True)
    assert fake_sheets_api.put("A1", [["ok"]], token=OTHER).status_code == 200


def test_private_spreadsheet_is_403(fake_sheets: FakeSheetsServer, fake_sheets_api: Api) -> None:
    sid = fake_sheets.create_spreadsheet("secret", owner="owner@example.com", shared_with=set())
    assert fake_sheets_api.call("GET", f"/v4/spreadsheets/{sid}", token=OTHER).status_code == 403
    assert fake_sheets_api.call("GET", f"/v4/spreadsheets/{sid}").status_code == 200


def test_quota_per_user_per_minute(
    fake_sheets: FakeSheetsServer, fake_sheets_api: Api, fake_sheets_clock: Clock
) -> None:
    fake_sheets.set_quota(per_minute=2)
    assert fake_sheets_api.values("A1").status_code == 200
    fake_sheets_clock.now += 30
    assert fake_sheets_api.values("A1").status_code == 200
    limited = fake_sheets_api.values("A1")
    assert limited.status_code == 429
    assert limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert "Read requests per minute per user" in limited.json()["error"]["message"]
    assert limited.headers["Retry-After"] == "30"
    other = fake_sheets_api.call(
        "GET", f"/v4/spreadsheets/{fake_sheets_api.sid}/values/A1", token=OTHER
    )
    assert other.status_code == 200
    fake_sheets_clock.now += 31
    assert fake_sheets_api.values("A1").status_code == 200


def test_scripted_faults(fake_sheets: FakeSheetsServer, fake_sheets_api: Api) -> None:
    fake_sheets.fail_next(2, status=500)
    assert [fake_sheets_api.values("A1").status_code for _ in range(3)] == [500, 500, 200]
    fake_sheets.fail_next(1, status=429, retry_after=7)
    limited = fake_sheets_api.values("A1")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    assert limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"


def test_request_records_over_http(fake_sheets: FakeSheetsServer, fake_sheets_api: Api) -> None:
    fake_sheets_api.put("A1", [["x"]])
    fake_sheets_api.values("'Nope'!A1")
    records = fake_sheets_api.call("GET", "/_fake/requests").json()
    assert [(r["method"], r["status"]) for r in records] == [
        ("POST", 200),
        ("PUT", 200),
        ("GET", 400),
    ]
    assert records[1]["query"] == {"valueInputOption": ["RAW"]}
    assert records[1]["body_size"] == len(b'{"values": [["x"]]}')
    assert records[1]["user"] == "owner@example.com"
    assert fake_sheets_api.call("POST", "/_fake/reset").status_code == 200
    assert fake_sheets_api.call("GET", "/_fake/requests").json() == []
    assert fake_sheets.requests == []


def test_batch_update_is_atomic(fake_sheets_api: Api) -> None:
    response = fake_sheets_api.batch(
        {"addSheet": {"properties": {"title": "kept?"}}},
        {"deleteSheet": {"sheetId": 424242}},
    )
    assert response.status_code == 400
    assert "requests[1].deleteSheet" in response.json()["error"]["message"]
    assert [s["properties"]["title"] for s in fake_sheets_api.meta()["sheets"]] == ["Sheet1"]


def test_sheet_properties_validation_and_formats(fake_sheets_api: Api) -> None:
    rng = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 2,
        "startColumnIndex": 0,
        "endColumnIndex": 1,
    }
    checkbox = {"condition": {"type": "BOOLEAN"}}
    dropdown = {
        "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "y"}]},
        "strict": True,
    }
    response = fake_sheets_api.batch(
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        },
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "tabColorStyle": {"rgbColor": {"red": 1}}},
                "fields": "tabColorStyle",
            }
        },
        {"setDataValidation": {"range": rng, "rule": checkbox}},
        {
            "setDataValidation": {
                "range": {**rng, "startColumnIndex": 1, "endColumnIndex": 2},
                "rule": dropdown,
            }
        },
        {
            "repeatCell": {
                "range": rng,
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
        {
            "addConditionalFormatRule": {
                "rule": {
                    "ranges": [rng],
                    "booleanRule": {
                        "condition": {"type": "NOT_BLANK"},
                        "format": {"backgroundColor": {"green": 1}},
                    },
                },
                "index": 0,
            }
        },
    )
    assert response.status_code == 200, response.text
    sheet = fake_sheets_api.meta(includeGridData="true", ranges="Sheet1!A1:B2")["sheets"][0]
    assert sheet["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert sheet["properties"]["tabColorStyle"] == {"rgbColor": {"red": 1}}
    first_row = sheet["data"][0]["rowData"][0]["values"]
    assert first_row[0]["dataValidation"] == checkbox
    assert first_row[0]["userEnteredFormat"] == {"textFormat": {"bold": True}}
    assert first_row[1]["dataValidation"] == dropdown
    assert sheet["conditionalFormats"][0]["ranges"] == [
        {k: v for k, v in rng.items() if k != "sheetId"}
    ]


def test_insert_and_delete_rows_move_values(fake_sheets_api: Api) -> None:
    fake_sheets_api.put("A1", [["1"], ["2"], ["3"]])
    fake_sheets_api.batch(
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
            }
        }
    )
    assert fake_sheets_api.values("A1:A4").json()["values"] == [["1"], [], ["2"], ["3"]]
    fake_sheets_api.batch(
        {
            "deleteDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}
            }
        }
    )
    assert fake_sheets_api.values("A1:A4").json()["values"] == [["2"], ["3"]]
    assert fake_sheets_api.meta()["sheets"][0]["properties"]["gridProperties"]["rowCount"] == 999


def test_concurrent_appends_are_serialized(fake_sheets_api: Api) -> None:
    workers, per_worker = 6, 10
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []
    path = f"/v4/spreadsheets/{fake_sheets_api.sid}/values/Sheet1!A1:append"

    def work(n: int) -> None:
        try:
            session = requests.Session()
            barrier.wait()
            for i in range(per_worker):
                response = session.post(
                    fake_sheets_api.fake.url + path,
                    params={"valueInputOption": "RAW"},
                    json={"values": [[f"{n}-{i}"]]},
                    timeout=10,
                )
                assert response.status_code == 200
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    values = [row[0] for row in fake_sheets_api.values("A:A").json()["values"]]
    assert sorted(values) == sorted(f"{n}-{i}" for n in range(workers) for i in range(per_worker))


def test_cli_prints_url_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.testing.fake_sheets", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        response = requests.get(url + "/v4/spreadsheets/missing", timeout=10)
        assert response.status_code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sheets_create_fields_and_drive_listing(fake_sheets_api: Api) -> None:
    body = {"properties": {"title": "Direct"}, "sheets": [{"properties": {"title": "Roster"}}]}
    created = fake_sheets_api.call("POST", "/v4/spreadsheets", json=body)
    assert created.status_code == 200
    direct_id = created.json()["spreadsheetId"]
    assert [s["properties"]["title"] for s in created.json()["sheets"]] == ["Roster"]
    masked = fake_sheets_api.call(
        "GET", f"/v4/spreadsheets/{direct_id}", params={"fields": "sheets.properties.title"}
    )
    assert masked.json() == {"sheets": [{"properties": {"title": "Roster"}}]}
    query = {"q": "mimeType='application/vnd.google-apps.spreadsheet' and name = 'Direct'"}
    listed = fake_sheets_api.call("GET", "/drive/v3/files", params=query).json()
    assert [f["id"] for f in listed["files"]] == [direct_id]
    copied = fake_sheets_api.call("POST", f"/drive/v3/files/{direct_id}/copy", json={}).json()
    assert copied["name"] == "Copy of Direct"
    grow = {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 4}}
    assert fake_sheets_api.batch(grow).status_code == 200
    assert fake_sheets_api.meta()["sheets"][0]["properties"]["gridProperties"]["columnCount"] == 30
    assert fake_sheets_api.call("DELETE", f"/drive/v3/files/{direct_id}").status_code == 204
    assert fake_sheets_api.call("GET", f"/drive/v3/files/{direct_id}").status_code == 404
