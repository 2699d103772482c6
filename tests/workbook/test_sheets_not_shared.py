"""A sheet Google says is not there may only be not shared with the service account: the
message names the account's e-mail (issue 13, item 15)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.errors import ConfigError, WorkbookNotFound
from bot.testing.fake_sheets import FakeSheetsServer
from bot.workbook.gsheets import open_api, service_account_email
from bot.workbook.sheets_api import SheetsApi

ACCOUNT = "rollover-bot@district-rollover.iam.gserviceaccount.com"


@pytest.fixture
def fake() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


def test_a_sheet_not_found_names_the_service_account_to_share_it_with(
    fake: FakeSheetsServer,
) -> None:
    anonymous = open_api("not-shared-with-me", "anonymous", fake.url)
    api = SheetsApi(anonymous.http, "not-shared-with-me", account=ACCOUNT)
    with pytest.raises(WorkbookNotFound) as found:
        api.metadata()
    message = str(found.value)
    assert "spreadsheet not-shared-with-me not found" in message
    assert f"share the sheet with the service account {ACCOUNT} as an Editor" in message


def test_the_service_account_email_comes_from_the_key_file(tmp_path: Path) -> None:
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"type": "service_account", "client_email": ACCOUNT}))
    assert service_account_email(str(key)) == ACCOUNT
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError, match=r"cannot read .*broken\.json as JSON"):
        open_api("sheet", str(broken))
