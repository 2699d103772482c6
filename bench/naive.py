"""The naive way, for comparison: what a user would script with gspread, in its own process.

``python -m bench.naive VARIANT URL SPREADSHEET_ID CELLS LOG_ROWS`` reads every tab, then
writes ``CELLS`` status cells with ``update_cell`` (one request each) and appends
``LOG_ROWS`` Log rows with ``append_row`` (one request each). Reading is either
``records`` (``worksheet.get_all_records()`` per tab) or ``dataframe``
(``gspread_dataframe.get_as_dataframe`` per tab). Only the first ``WRITE_SAMPLE`` writes are
made; the rest are extrapolated from their mean time (``extrapolated`` says so). Sheets I/O
only: the naive script does no LMS work, so its time is a floor.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import gspread
import requests
from google.auth.credentials import AnonymousCredentials

from bench.measure import peak_rss_mb
from bot.templates import load_template
from bot.workbook.google_http import authorized_session

WRITE_SAMPLE = 200


def _client(url: str, counter: dict[str, int]) -> gspread.Client:
    session = authorized_session("anonymous", url)

    def seen(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        counter["requests"] += 1
        counter["response_bytes"] += len(response.content)
        body = response.request.body
        counter["request_bytes"] += len(body) if isinstance(body, bytes | str) else 0

    session.hooks["response"].append(seen)
    return gspread.Client(auth=AnonymousCredentials(), session=session)


def _read(book: gspread.Spreadsheet, variant: str) -> int:
    """Every template tab, the naive way; returns the rows read."""
    rows = 0
    for tab in load_template().tabs:
        sheet = book.worksheet(tab.name)
        if variant == "dataframe":
            from gspread_dataframe import get_as_dataframe

            rows += len(get_as_dataframe(sheet, evaluate_formulas=True))
        else:
            rows += len(sheet.get_all_records())
    return rows


def run(variant: str, url: str, spreadsheet_id: str, cells: int, log_rows: int) -> dict[str, Any]:
    counter = {"requests": 0, "response_bytes": 0, "request_bytes": 0}
    start, cpu = time.perf_counter(), time.process_time()
    book = _client(url, counter).open_by_key(spreadsheet_id)
    rows = _read(book, variant)
    read_s = time.perf_counter() - start
    read_requests = counter["requests"]
    wanted = cells + log_rows
    made = min(wanted, WRITE_SAMPLE)
    write_start = time.perf_counter()
    students = book.worksheet("Students") if made else None
    log = book.worksheet("Log") if made else None
    setup_requests = counter["requests"] - read_requests
    for n in range(made):
        if n < cells and students is not None:
            students.update_cell(2 + n // 2, 12 + n % 2, "archived")
        elif log is not None:
            log.append_row(["2026-01-01 00:00:00", "S-019", "archive students", str(n), "applied"])
    write_s = time.perf_counter() - write_start
    per_write = write_s / made if made else 0.0
    requests_total = read_requests + setup_requests + wanted
    return {
        "variant": variant,
        "rows_read": rows,
        "read_s": round(read_s, 3),
        "writes": wanted,
        "writes_made": made,
        "extrapolated": wanted > made,
        "wall_s": round(read_s + per_write * wanted, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "requests": requests_total,
        "requests_made": counter["requests"],
        "request_bytes_made": counter["request_bytes"],
        "response_bytes_made": counter["response_bytes"],
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    variant, url, spreadsheet_id, cells, log_rows = sys.argv[1:6]
    print(json.dumps(run(variant, url, spreadsheet_id, int(cells), int(log_rows))), flush=True)
