"""The Google Sheets calls the bot makes, through gspread's HTTP client, with bounded retries.

gspread and requests errors stop here: callers see WorkbookNotFound, WorkbookUnavailable
(after retries), RangeNotFound (a range naming a tab that is gone) or WorkbookError. A 429 or
5xx is retried with exponential backoff honouring Retry-After, at most ``retries`` times
(gspread's own BackOffHTTPClient recurses without bound).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from bot.errors import WorkbookError, WorkbookNotFound, WorkbookUnavailable

TRANSIENT = frozenset({408, 429, 500, 502, 503, 504})
SHEETS_SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
)


class RangeNotFound(WorkbookError):
    """Google could not parse a range: its tab was renamed or deleted."""


def quote_tab(title: str) -> str:
    """A tab title as an A1 prefix: ``'My Tab'`` (quotes doubled inside)."""
    return "'" + title.replace("'", "''") + "'"


@dataclass
class Backoff:
    retries: int = 5
    base_seconds: float = 1.0
    cap_seconds: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(self.cap_seconds, max(0.0, float(retry_after)))
            except ValueError:
                pass
        return min(self.cap_seconds, self.base_seconds * 2**attempt) * (0.5 + self.jitter() / 2)


class SheetsApi:
    """One spreadsheet's values and metadata calls; every call counts one HTTP request."""

    def __init__(
        self,
        http: HTTPClient,
        spreadsheet_id: str,
        backoff: Backoff | None = None,
        account: str = "",
    ):
        """``account`` is the service account's e-mail, named when the sheet is not found."""
        self.http = http
        self.spreadsheet_id = spreadsheet_id
        self.backoff = backoff or Backoff()
        self.account = account

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        attempt = 0
        while True:
            try:
                return call()
            except APIError as exc:
                status = exc.response.status_code
                if status in TRANSIENT and attempt < self.backoff.retries:
                    self.backoff.sleep(
                        self.backoff.delay(attempt, exc.response.headers.get("Retry-After"))
                    )
                    attempt += 1
                    continue
                raise self._translate(what, status, str(exc.error.get("message", exc))) from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt < self.backoff.retries:
                    self.backoff.sleep(self.backoff.delay(attempt, None))
                    attempt += 1
                    continue
                raise WorkbookUnavailable(f"Google Sheets {what}: {exc}") from exc

    def _translate(self, what: str, status: int, message: str) -> WorkbookError:
        where = f"spreadsheet {self.spreadsheet_id}"
        if status == 400 and message.startswith("Unable to parse range"):
            return RangeNotFound(f"{where}: {message}")
        who = (
            f"the service account {self.account}"
            if self.account
            else "the service account (client_email in the credentials file)"
        )
        if status == 404:
            return WorkbookNotFound(
                f"{where} not found: check [workbook] spreadsheet_id, and share the sheet with "
                f"{who} as an Editor (a sheet not shared with it looks missing to it)"
            )
        if status == 403:
            return WorkbookError(
                f"{where}: permission denied for {what} ({message}); share the sheet with "
                f"{who} as an Editor"
            )
        if status in TRANSIENT:
            return WorkbookUnavailable(f"{where}: {what} still failing after retries: {message}")
        return WorkbookError(f"{where}: {what} failed ({status}): {message}")

    def metadata(self) -> Mapping[str, Any]:
        fields = "spreadsheetId,properties.title,sheets.properties"
        return dict(
            self._call(
                "metadata",
                lambda: self.http.fetch_sheet_metadata(
                    self.spreadsheet_id, params={"includeGridData": "false", "fields": fields}
                ),
            )
        )

    def full_metadata(self) -> Mapping[str, Any]:
        """Metadata with protected ranges, validation-free: what provisioning compares."""
        return dict(
            self._call("metadata", lambda: self.http.fetch_sheet_metadata(self.spreadsheet_id))
        )

    def batch_get(self, ranges: list[str]) -> list[list[list[Any]]]:
        """Values of each range (rows of cells), in order; one request whatever the count."""
        return [values for _, values in self.batch_get_ranges(ranges)]

    def batch_get_ranges(self, ranges: list[str]) -> list[tuple[str, list[list[Any]]]]:
        """Each range as Google resolved it (a whole tab comes back as its whole grid,
        ``'Log'!A1:G20000``) with its values, in order; one request whatever the count.
        ``prettyPrint=false`` (a standard Google API parameter) drops the indentation from
        the reply: a third fewer bytes on a big roster."""
        if not ranges:
            return []
        params = {
            "valueRenderOption": "FORMATTED_VALUE",
            "majorDimension": "ROWS",
            "prettyPrint": "false",
        }
        body = self._call(
            "read", lambda: self.http.values_batch_get(self.spreadsheet_id, ranges, dict(params))
        )
        return [(vr.get("range", ""), vr.get("values", [])) for vr in body.get("valueRanges", [])]

    def batch_write(self, data: list[dict[str, Any]]) -> int:
        """Write every range RAW (text stays text) in one request; returns cells updated."""
        if not data:
            return 0
        body = {"valueInputOption": "RAW", "data": data}
        reply = self._call(
            "write", lambda: self.http.values_batch_update(self.spreadsheet_id, body)
        )
        return int(reply.get("totalUpdatedCells", 0))

    def batch_clear(self, ranges: list[str]) -> None:
        """Clear the values (not the formats) of every range in one request."""
        if not ranges:
            return
        body = {"ranges": ranges}
        self._call("clear", lambda: self.http.values_batch_clear(self.spreadsheet_id, body=body))

    def batch_update(self, requests_: list[dict[str, Any]]) -> Mapping[str, Any]:
        if not requests_:
            return {}
        body = {"requests": requests_}
        return dict(self._call("format", lambda: self.http.batch_update(self.spreadsheet_id, body)))
