"""The local workbook: an .xlsx file read and written with openpyxl.

Reads the tabs asked for (every tab by default) in one pass. Writes re-open the file, find
each row again by its key, set only bot columns (as text, never formulas), and replace the
file atomically so a crash never leaves half a workbook. Tabs are found by name in any case
and spacing, as in Google Sheets; a missing Log tab is created when there are rows for it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as XlWorkbook

from bot.abc import Workbook
from bot.bulk import gc_paused
from bot.errors import WorkbookError, WorkbookNotFound
from bot.structures import Snapshot, WriteBatch, WriteReport
from bot.templates import Tab, WorkbookTemplate, normalize_header
from bot.workbook.base import (
    frames_from_grids,
    keyed_rows_to_append,
    last_used_row,
    new_log_rows,
    place_writes,
)
from bot.workbook.xlsx_layout import save_atomically, set_text, style_tab


def _open(path: Path, read_only: bool) -> XlWorkbook:
    if not path.exists():
        raise WorkbookNotFound(f"no workbook at {path} (create one with `rollover-bot init`)")
    try:
        return load_workbook(path, read_only=read_only, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise WorkbookError(f"cannot read workbook {path}: {exc}") from exc


def _title(book: XlWorkbook, tab: Tab) -> str | None:
    """The title of ``tab``'s sheet in ``book`` (matched as headers are), or None."""
    wanted = normalize_header(tab.name)
    return next((t for t in book.sheetnames if normalize_header(t) == wanted), None)


class XlsxWorkbook(Workbook):
    def __init__(self, path: Path, template: WorkbookTemplate) -> None:
        self.path = Path(path)
        self.template = template

    @gc_paused
    def read(self, tabs: Collection[str] | None = None) -> Snapshot:
        book = _open(self.path, read_only=True)
        try:
            grids = []
            missing = []
            for tab in self.template.tabs:
                if tabs is not None and tab.name not in tabs:
                    continue
                title = _title(book, tab)
                if title is None:
                    missing.append(tab.name)
                    continue
                grids.append((tab, list(book[title].iter_rows(values_only=True))))
            frames, broken = frames_from_grids(grids)
            return Snapshot(frames=frames, missing_tabs=missing, broken=broken)
        finally:
            book.close()

    def write(self, batch: WriteBatch) -> WriteReport:
        report = WriteReport()
        if not batch:
            return report
        book = _open(self.path, read_only=False)
        for tab in self.template.tabs:
            title = _title(book, tab)
            if title is None and tab.append_only and batch.log_rows:
                title = tab.name
                style_tab(book.create_sheet(title), tab)
                report.tabs_created.append(title)
            if title is None:
                continue
            sheet = book[title]
            wants_cells = any(c.tab == tab.name for c in batch.cells)
            wants_ids = any(f.tab == tab.name for f in batch.id_fills)
            wants_log = tab.append_only and batch.log_rows
            wants_rows = any(name == tab.name for name, _ in batch.new_rows)
            if not (wants_cells or wants_ids or wants_log or wants_rows):
                continue
            grid = [list(r) for r in sheet.iter_rows(values_only=True)]
            if wants_log and not grid:
                style_tab(sheet, tab)
                grid = [list(tab.headers)]
            if wants_cells or wants_ids:
                placements, dropped = place_writes(tab, grid, batch)
                for p in placements:
                    set_text(sheet.cell(row=p.row, column=p.column), p.value)
                report.cells_written += len(placements)
                report.dropped += dropped
                report.ids_filled += sum(1 for p in placements if p.fills_id)
            if wants_rows:
                rows = keyed_rows_to_append(tab, grid, batch)
                start = last_used_row(grid) + 1
                for offset, line in enumerate(rows):
                    for column, value in enumerate(line, start=1):
                        set_text(sheet.cell(row=start + offset, column=column), value)
                report.rows_appended += len(rows)
            if wants_log:
                rows = new_log_rows(tab, grid, batch.log_rows)
                start = last_used_row(grid) + 1
                for offset, line in enumerate(rows):
                    for column, value in enumerate(line, start=1):
                        set_text(sheet.cell(row=start + offset, column=column), value)
                report.log_rows_appended += len(rows)
                report.logged = list(range(len(batch.log_rows)))
        save_atomically(book, self.path)
        return report
