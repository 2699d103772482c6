"""The Google Sheets workbook: gspread with a service account (or a local fake API).

A cycle costs at most one metadata request and one ``values:batchGet`` to read every tab,
and at write time one ``values:batchGet`` of the rows' keys (rows are found again, never
remembered by number) and one ``values:batchUpdate`` carrying every write, Log rows included.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gspread.utils import rowcol_to_a1

from bot.abc import Workbook
from bot.errors import ConfigError, HeaderError
from bot.structures import Snapshot, WriteBatch, WriteReport
from bot.templates import Tab, WorkbookTemplate, normalize_header
from bot.workbook.base import (
    frame_from_grid,
    header_map,
    keyed_rows_to_append,
    last_used_row,
    new_log_rows,
    place_writes,
)
from bot.workbook.sheets_api import SheetsApi, quote_tab

Grid = list[list[Any]]


@dataclass
class _Seen:
    """What the last read learned: each tab's title, grid size, header, and the Log."""

    titles: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    sheet_ids: dict[str, int] = field(default_factory=dict)
    headers: dict[str, list[Any]] = field(default_factory=dict)
    log: Grid | None = None


def open_api(spreadsheet_id: str, credentials: str, endpoint: str | None = None) -> SheetsApi:
    """A SheetsApi for a service-account JSON file (or ``anonymous`` with a local endpoint)."""
    from gspread.http_client import HTTPClient

    from bot.workbook.google_http import authorized_session
    from bot.workbook.sheets_api import SHEETS_SCOPES

    if not spreadsheet_id:
        raise ConfigError('workbook.spreadsheet_id is required with backend = "gsheets"')
    path = credentials or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")
    if path == "anonymous":
        if not endpoint:
            raise ConfigError('workbook.credentials = "anonymous" needs workbook.endpoint')
        session = authorized_session("anonymous", endpoint)
    else:
        if not path or not Path(path).is_file():
            raise ConfigError(
                "workbook.credentials: no service-account JSON file at "
                f"{path or '(unset)'} (or set GOOGLE_APPLICATION_CREDENTIALS)"
            )
        from google.oauth2.service_account import Credentials

        creds = Credentials.from_service_account_file(path, scopes=list(SHEETS_SCOPES))
        session = authorized_session(creds, endpoint)
    return SheetsApi(HTTPClient(auth=None, session=session), spreadsheet_id)  # type: ignore[arg-type]


class GSheetsWorkbook(Workbook):
    def __init__(self, api: SheetsApi, template: WorkbookTemplate) -> None:
        self.api = api
        self.template = template
        self.seen = _Seen()

    def _learn_titles(self) -> None:
        meta = self.api.metadata()
        seen = _Seen()
        by_name = {normalize_header(t.name): t.name for t in self.template.tabs}
        for sheet in meta.get("sheets", []):
            props = sheet.get("properties", {})
            name = by_name.get(normalize_header(props.get("title", "")))
            if name and name not in seen.titles:
                seen.titles[name] = props["title"]
                seen.rows[name] = int(props.get("gridProperties", {}).get("rowCount", 1000))
                seen.sheet_ids[name] = int(props.get("sheetId", 0))
        self.seen = seen

    def read(self) -> Snapshot:
        self._learn_titles()
        names = [t.name for t in self.template.tabs if t.name in self.seen.titles]
        grids = self.api.batch_get([quote_tab(self.seen.titles[n]) for n in names])
        frames = {}
        for name, grid in zip(names, grids, strict=True):
            tab = self.template.require(name)
            if not grid:
                raise HeaderError(f"tab {tab.name!r} has no header row (run `sheet provision`)")
            frames[name] = frame_from_grid(tab, grid)
            self.seen.headers[name] = list(grid[0])
            if tab.append_only:
                self.seen.log = grid
        missing = [t.name for t in self.template.tabs if t.name not in self.seen.titles]
        return Snapshot(frames=frames, missing_tabs=missing)

    def _key_letter(self, tab: Tab) -> str:
        index = header_map(tab, self.seen.headers[tab.name])[tab.column(tab.key).name]  # type: ignore[union-attr]
        return rowcol_to_a1(1, index + 1).rstrip("1")

    def _fresh_grids(self, batch: WriteBatch) -> tuple[dict[str, Grid], list[str]]:
        """Re-read, in one request, what locating the writes needs: the Checklist whole,
        each other tab's header and key column."""
        if not self.seen.titles:
            self._learn_titles()
        wanted: list[tuple[str, str, str]] = []
        for tab in self.template.tabs:
            if tab.name not in self.seen.titles:
                continue
            title = quote_tab(self.seen.titles[tab.name])
            has_cells = any(c.tab == tab.name for c in batch.cells)
            has_rows = any(name == tab.name for name, _ in batch.new_rows)
            if (tab.name == "Checklist" and (has_cells or batch.id_fills)) or has_rows:
                wanted.append((tab.name, title, "full"))
            elif has_cells and tab.key and tab.name in self.seen.headers:
                letter = self._key_letter(tab)
                wanted.append((tab.name, f"{title}!1:1", "header"))
                wanted.append((tab.name, f"{title}!{letter}:{letter}", "key"))
            elif has_cells or (tab.append_only and batch.log_rows and self.seen.log is None):
                wanted.append((tab.name, title, "full"))
        values = self.api.batch_get([r for _, r, _ in wanted])
        grids: dict[str, Grid] = {}
        dropped: list[str] = []
        for (name, _, kind), grid in zip(wanted, values, strict=True):
            if kind == "header":
                grids[name] = [list(grid[0]) if grid else []]
            elif kind == "key":
                tab = self.template.require(name)
                grids[name] = self._key_grid(tab, grids[name][0], grid, dropped)
            else:
                grids[name] = grid
        return grids, dropped

    def _key_grid(self, tab: Tab, header: list[Any], column: Grid, dropped: list[str]) -> Grid:
        """A grid holding only the header and the key column, as ``place_writes`` reads it."""
        index = header_map(tab, header)[tab.column(tab.key).name]  # type: ignore[union-attr]
        if index != header_map(tab, self.seen.headers[tab.name])[tab.column(tab.key).name]:  # type: ignore[union-attr]
            dropped.append(f"{tab.name}: columns moved since the read; writes wait a cycle")
            return [header]
        rows: Grid = [header]
        for line in column[1:]:
            rows.append([""] * index + [line[0] if line else ""])
        return rows

    def write(self, batch: WriteBatch) -> WriteReport:
        report = WriteReport()
        if not batch:
            return report
        grids, report.dropped = self._fresh_grids(batch)
        data: list[dict[str, Any]] = []
        for name, grid in grids.items():
            tab = self.template.require(name)
            if tab.append_only or len(grid) < 1:
                continue
            placements, dropped = place_writes(tab, grid, batch)
            report.dropped += dropped
            title = quote_tab(self.seen.titles[name])
            for p in placements:
                data.append(
                    {"range": f"{title}!{rowcol_to_a1(p.row, p.column)}", "values": [[p.value]]}
                )
            report.cells_written += len(placements)
            report.ids_filled += sum(1 for p in placements if p.fills_id)
            if any(n == name for n, _ in batch.new_rows):
                rows = keyed_rows_to_append(tab, grid, batch)
                data += self._append(tab, grid, rows)
                report.rows_appended += len(rows)
        data += self._log_block(batch, grids, report)
        self.api.batch_write(data)
        return report

    def _log_block(
        self, batch: WriteBatch, grids: dict[str, Grid], report: WriteReport
    ) -> list[dict[str, Any]]:
        log_tab = next((t for t in self.template.tabs if t.append_only), None)
        if log_tab is None or not batch.log_rows or log_tab.name not in self.seen.titles:
            return []
        grid = grids.get(log_tab.name) or self.seen.log or [log_tab.headers]
        rows = new_log_rows(log_tab, grid, batch.log_rows)
        if not rows:
            return []
        self.seen.log = [*grid, *rows]
        report.log_rows_appended = len(rows)
        return self._append(log_tab, grid, rows)

    def _append(self, tab: Tab, grid: Grid, rows: list[list[str]]) -> list[dict[str, Any]]:
        """The write that appends ``rows`` below the last used row, growing the grid first
        (one extra request) only when it is full."""
        if not rows:
            return []
        start = last_used_row(grid) + 1
        end = start + len(rows) - 1
        if end > self.seen.rows.get(tab.name, 1000):
            extra = end - self.seen.rows.get(tab.name, 1000) + 1000
            self.api.batch_update(
                [
                    {
                        "appendDimension": {
                            "sheetId": self.seen.sheet_ids[tab.name],
                            "dimension": "ROWS",
                            "length": extra,
                        }
                    }
                ]
            )
            self.seen.rows[tab.name] = self.seen.rows.get(tab.name, 1000) + extra
        title = quote_tab(self.seen.titles[tab.name])
        return [{"range": f"{title}!A{start}", "values": rows}]


def bot_account(credentials: str) -> str:
    """The email the bot acts as: the service account's ``client_email``."""
    import json

    path = credentials or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")
    if path and path != "anonymous" and Path(path).is_file():
        email = json.loads(Path(path).read_text(encoding="utf-8")).get("client_email", "")
        if email:
            return str(email)
    return "rollover-bot@localhost"
