"""The Google Sheets workbook: gspread with a service account (or a local fake API).

Requests per cycle: one ``values:batchGet`` reads the main tab (the Checklist) together with
the tabs the previous cycle read after it (one more only when a newly ticked step needs a tab
the previous cycle did not); when there is something to write, one ``values:batchGet`` of
the rows' keys (rows are found again, never remembered by number) and one
``values:batchUpdate`` carrying every write, Log rows included. A Log tab that is gone is
added again (one ``batchUpdate`` and a metadata fetch, the one time it happens).

The spreadsheet's metadata (tab titles, sheet IDs, grid sizes) is fetched on the first read and
kept between cycles. It is fetched again when a range no longer parses (a tab renamed or
deleted), after any failed request, before growing a grid, and when a tab asked for is not in
it (at most once every ten cycles: a workbook may lack a tab for good). Grid sizes stay
current from the ranges Google echoes for whole tabs and columns (``'Log'!A1:G20000`` is the
whole grid). A write that needs more rows than the grid has grows it first, by a generous
chunk, with one ``batchUpdate``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from gspread.utils import rowcol_to_a1

from bot.abc import Workbook
from bot.bulk import gc_paused
from bot.errors import ConfigError, HeaderError, WorkbookError
from bot.structures import Snapshot, WriteBatch, WriteReport
from bot.templates import Tab, WorkbookTemplate, normalize_header
from bot.workbook.base import (
    frames_from_grids,
    header_map,
    keyed_rows_to_append,
    last_used_row,
    new_log_rows,
    place_writes,
)
from bot.workbook.sheets_api import RangeNotFound, SheetsApi, quote_tab

Grid = list[list[Any]]
T = TypeVar("T")
GROW_ROWS = 10_000
REFRESH_PASSES = 10
SPARE_ROWS = 1_000
LOG_SPARE_ROWS = 20_000
LAST_ROW = re.compile(r"(\d+)$")


@dataclass
class _Tabs:
    """The spreadsheet's tabs as its metadata told, by template tab name."""

    titles: dict[str, str] = field(default_factory=dict)
    sheet_ids: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def spare_rows(tab: Tab) -> int:
    """Empty rows a tab gets below its data when it is made: the Log many, so that the bot
    seldom has to grow it."""
    return LOG_SPARE_ROWS if tab.append_only else SPARE_ROWS


def open_api(spreadsheet_id: str, credentials: str, endpoint: str | None = None) -> SheetsApi:
    """A SheetsApi for a service-account JSON file (or ``anonymous`` with a local endpoint)."""
    from gspread.http_client import HTTPClient

    from bot.workbook.google_http import authorized_session
    from bot.workbook.sheets_api import SHEETS_SCOPES

    if not spreadsheet_id:
        raise ConfigError('workbook.spreadsheet_id is required with backend = "gsheets"')
    path = credentials or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")
    account = ""
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

        account = service_account_email(path)
        try:
            creds = Credentials.from_service_account_file(path, scopes=list(SHEETS_SCOPES))
        except (ValueError, KeyError) as exc:
            raise ConfigError(
                f"workbook.credentials: {path} is not a service-account JSON key ({exc})"
            ) from exc
        session = authorized_session(creds, endpoint)
    http = HTTPClient(auth=None, session=session)  # type: ignore[arg-type]
    return SheetsApi(http, spreadsheet_id, account=account)


def service_account_email(path: str) -> str:
    """The ``client_email`` of a service-account key file (blank when it has none)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"workbook.credentials: cannot read {path} as JSON ({exc})") from exc
    return str(data.get("client_email", "")) if isinstance(data, dict) else ""


class GSheetsWorkbook(Workbook):
    """A spreadsheet read and written in as few requests as the module docstring says."""

    def __init__(self, api: SheetsApi, template: WorkbookTemplate) -> None:
        self.api = api
        self.template = template
        self.tabs: _Tabs | None = None
        self.headers: dict[str, list[Any]] = {}
        self._held: dict[str, Grid] = {}
        self._followers: set[str] = set()
        self._passes = 0
        self._learned_at = -REFRESH_PASSES

    def _call(self, call: Callable[[], T]) -> T:
        """One API call; after a failure the metadata is fetched afresh next time."""
        try:
            return call()
        except WorkbookError:
            self.tabs = None
            raise

    def _learn(self) -> _Tabs:
        """Fetch the metadata: each template tab's title (matched loosely), ID and grid rows."""
        meta = self._call(self.api.metadata)
        tabs = _Tabs()
        by_name = {normalize_header(t.name): t.name for t in self.template.tabs}
        for sheet in meta.get("sheets", []):
            props = sheet.get("properties", {})
            name = by_name.get(normalize_header(props.get("title", "")))
            if name and name not in tabs.titles:
                tabs.titles[name] = props["title"]
                tabs.rows[name] = int(props.get("gridProperties", {}).get("rowCount", 1000))
                tabs.sheet_ids[name] = int(props.get("sheetId", 0))
        self.tabs = tabs
        self._learned_at = self._passes
        return tabs

    def _known(self, names: Collection[str]) -> _Tabs:
        """The kept metadata; fetched when there is none, or when a tab asked for is not in it
        (staff may have added it since) and it was last fetched ``REFRESH_PASSES`` cycles
        ago or more."""
        if self.tabs is None or (
            self._passes - self._learned_at >= REFRESH_PASSES
            and any(n not in self.tabs.titles for n in names)
        ):
            return self._learn()
        return self.tabs

    def _values(self, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Grid]:
        """One ``values:batchGet`` of (tab, cells) ranges, ``""`` for the whole tab. A range
        that no longer parses refreshes the metadata and the request is made once more, without
        the tabs that are gone."""
        if not wanted:
            return {}
        tabs = self._known([name for name, _ in wanted])
        for retry in (False, True):
            asked = [(name, cells) for name, cells in wanted if name in tabs.titles]
            if not asked:
                return {}
            ranges = [quote_tab(tabs.titles[n]) + (f"!{c}" if c else "") for n, c in asked]
            try:
                replies = self._call(partial(self.api.batch_get_ranges, ranges))
            except RangeNotFound:
                if retry:
                    raise
                tabs = self._learn()
                continue
            out: dict[tuple[str, str], Grid] = {}
            for (name, cells), (echo, values) in zip(asked, replies, strict=True):
                end = LAST_ROW.search(echo)
                if end and not any(ch.isdigit() for ch in cells):
                    tabs.rows[name] = int(end.group(1))
                out[(name, cells)] = values
            return out
        raise AssertionError("unreachable")

    @gc_paused
    def read(self, tabs: Collection[str] | None = None) -> Snapshot:
        """Read ``tabs`` (default every tab). A read of the main tab (the Checklist) starts a
        cycle: the tabs the previous cycle read after its main tab come in the same request
        and are held for this cycle's later reads, which then cost no request."""
        every = [t.name for t in self.template.tabs]
        names = every if tabs is None else [n for n in every if n in set(tabs)]
        main = self.template.main_tab.name
        extra: list[str] = []
        if main in names:
            self._held, self._passes = {}, self._passes + 1
            if tabs is not None:
                extra = [n for n in every if n in self._followers and n not in names]
                self._followers = set()
        grids = {n: self._held.pop(n) for n in names if n in self._held}
        fetched = self._values([(n, "") for n in [*names, *extra] if n not in grids])
        for (name, _), grid in fetched.items():
            if name in names:
                grids[name] = grid
            else:
                self._held[name] = grid
        if main not in names:
            self._followers.update(grids)
        present = [(self.template.require(n), grids[n]) for n in names if n in grids]
        for tab, grid in present:
            if not grid:
                raise HeaderError(f"tab {tab.name!r} has no header row (run `sheet provision`)")
            self.headers[tab.name] = list(grid[0])
        frames, broken = frames_from_grids(present)
        missing = [n for n in names if n not in grids]
        return Snapshot(frames=frames, missing_tabs=missing, broken=broken)

    def _key_letter(self, tab: Tab) -> str:
        index = header_map(tab, self.headers[tab.name])[tab.column(tab.key).name]  # type: ignore[union-attr]
        return rowcol_to_a1(1, index + 1).rstrip("1")

    def _fresh_grids(self, batch: WriteBatch) -> tuple[dict[str, Grid], list[str]]:
        """Re-read, in one request, what locating the writes needs: the main tab (the
        Checklist) and tabs that get a filled key or new rows whole, each other tab's header
        and key column, the Log whole."""
        tabs = self._known(())
        wanted: list[tuple[str, str, str]] = []
        for tab in self.template.tabs:
            if tab.name not in tabs.titles:
                continue
            has_cells = any(c.tab == tab.name for c in batch.cells)
            has_rows = any(name == tab.name for name, _ in batch.new_rows)
            has_fills = any(f.tab == tab.name for f in batch.id_fills)
            if (tab.main and has_cells) or has_fills or has_rows:
                wanted.append((tab.name, "", "full"))
            elif has_cells and tab.key and tab.name in self.headers:
                letter = self._key_letter(tab)
                wanted.append((tab.name, "1:1", "header"))
                wanted.append((tab.name, f"{letter}:{letter}", "key"))
            elif has_cells or (tab.append_only and batch.log_rows):
                wanted.append((tab.name, "", "full"))
        values = self._values([(name, cells) for name, cells, _ in wanted])
        grids: dict[str, Grid] = {}
        dropped: list[str] = []
        for name, cells, kind in wanted:
            grid = values.get((name, cells))
            if grid is None:
                continue
            if kind == "header":
                grids[name] = [list(grid[0]) if grid else []]
            elif kind == "key" and name in grids:
                tab = self.template.require(name)
                grids[name] = self._key_grid(tab, grids[name][0], grid, dropped)
            else:
                grids[name] = grid
        return grids, dropped

    def _key_grid(self, tab: Tab, header: list[Any], column: Grid, dropped: list[str]) -> Grid:
        """A grid holding only the header and the key column, as ``place_writes`` reads it."""
        key = tab.column(tab.key).name  # type: ignore[union-attr]
        index = header_map(tab, header)[key]
        if index != header_map(tab, self.headers[tab.name])[key]:
            self.headers[tab.name] = header
            dropped.append(f"{tab.name}: columns moved since the read; writes wait a cycle")
            return [header]
        rows: Grid = [header]
        for line in column[1:]:
            rows.append([""] * index + [line[0] if line else ""])
        return rows

    def write(self, batch: WriteBatch) -> WriteReport:
        self._held = {}
        report = WriteReport()
        if not batch:
            return report
        grids, report.dropped = self._fresh_grids(batch)
        tabs = self._known(())
        data: list[dict[str, Any]] = []
        for name, grid in grids.items():
            tab = self.template.require(name)
            if tab.append_only or len(grid) < 1:
                continue
            placements, dropped = place_writes(tab, grid, batch)
            report.dropped += dropped
            title = quote_tab(tabs.titles[name])
            for p in placements:
                data.append(
                    {"range": f"{title}!{rowcol_to_a1(p.row, p.column)}", "values": [[p.value]]}
                )
            report.cells_written += len(placements)
            report.ids_filled += sum(1 for p in placements if p.fills_id)
            if any(n == name for n, _ in batch.new_rows):
                rows = keyed_rows_to_append(tab, grid, batch)
                data += self._append(tabs, tab, grid, rows)
                report.rows_appended += len(rows)
        data += self._log_block(tabs, batch, grids, report)
        self._call(lambda: self.api.batch_write(data))
        return report

    def _log_block(
        self, tabs: _Tabs, batch: WriteBatch, grids: dict[str, Grid], report: WriteReport
    ) -> list[dict[str, Any]]:
        """The writes that append the Log rows not there yet. A Log tab that is gone (deleted,
        or renamed by staff: the renamed tab is left alone) is made again with its header."""
        log_tab = next((t for t in self.template.tabs if t.append_only), None)
        if log_tab is None or not batch.log_rows:
            return []
        if log_tab.name not in tabs.titles:
            tabs = self._add_tab(log_tab)
            report.tabs_created.append(log_tab.name)
        header: list[dict[str, Any]] = []
        grid = grids.get(log_tab.name) or []
        if not grid:
            title = quote_tab(tabs.titles[log_tab.name])
            header = [{"range": f"{title}!A1", "values": [log_tab.headers]}]
            grid = [log_tab.headers]
        rows = new_log_rows(log_tab, grid, batch.log_rows)
        report.log_rows_appended = len(rows)
        report.logged = list(range(len(batch.log_rows)))
        return header + self._append(tabs, log_tab, grid, rows)

    def _add_tab(self, tab: Tab) -> _Tabs:
        """Add ``tab`` (as ``sheet provision`` would, header frozen), then learn its ID."""
        grid = {"rowCount": spare_rows(tab), "columnCount": 26, "frozenRowCount": 1}
        request = {"addSheet": {"properties": {"title": tab.name, "gridProperties": grid}}}
        self._call(lambda: self.api.batch_update([request]))
        tabs = self._learn()
        if tab.name not in tabs.titles:
            raise WorkbookError(f"tab {tab.name!r} could not be added; next cycle")
        self.headers[tab.name] = list(tab.headers)
        return tabs

    def _append(
        self, tabs: _Tabs, tab: Tab, grid: Grid, rows: list[list[str]]
    ) -> list[dict[str, Any]]:
        """The write that appends ``rows`` below the last used row. When the grid is too
        small, the metadata is fetched afresh (the tab's ID and size) and the grid grows
        first by at least ``GROW_ROWS`` rows or half its size, so that this stays rare."""
        if not rows:
            return []
        start = last_used_row(grid) + 1
        end = start + len(rows) - 1
        if end > tabs.rows.get(tab.name, 0):
            tabs = self._learn()
            if tab.name not in tabs.titles:
                raise WorkbookError(f"tab {tab.name!r} went away while writing; next cycle")
            have = tabs.rows[tab.name]
            if end > have:
                extra = end - have + max(GROW_ROWS, have // 2)
                grow = {"sheetId": tabs.sheet_ids[tab.name], "dimension": "ROWS", "length": extra}
                self._call(lambda: self.api.batch_update([{"appendDimension": grow}]))
                tabs.rows[tab.name] = have + extra
        title = quote_tab(tabs.titles[tab.name])
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
