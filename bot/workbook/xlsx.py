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
from bot.progress import Progress, big_file, phase
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

SHOWN_NEIGHBOURS = 3


def missing_workbook(path: Path, setting: str = "") -> WorkbookNotFound:
    """No file at ``path``: say what its folder holds, where the path was set (``setting``,
    e.g. ``[workbook] path in config.toml``) and only then how to make a new workbook."""
    folder = path.parent
    if not folder.is_dir():
        seen = f"there is no folder {folder}"
    else:
        names = sorted(p.name for p in folder.glob("*.xlsx") if not p.name.startswith("."))
        seen = (
            f"{folder} holds {', '.join(names[:SHOWN_NEIGHBOURS])}"
            + (f" and {len(names) - SHOWN_NEIGHBOURS:,} more" if len(names) > 3 else "")
            if names
            else f"{folder} holds no .xlsx file"
        )
    where = f"check {setting}" if setting else "check the path"
    return WorkbookNotFound(
        f"no workbook at {path} ({seen}): {where}; for a new district, "
        "`rollover-bot init` creates one"
    )


def _open(path: Path, read_only: bool, setting: str = "") -> XlWorkbook:
    if not path.exists():
        raise missing_workbook(path, setting)
    try:
        return load_workbook(path, read_only=read_only, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise WorkbookError(f"cannot read workbook {path}: {exc}") from exc


def _title(book: XlWorkbook, tab: Tab) -> str | None:
    """The title of ``tab``'s sheet in ``book`` (matched as headers are), or None."""
    wanted = normalize_header(tab.name)
    return next((t for t in book.sheetnames if normalize_header(t) == wanted), None)


class XlsxWorkbook(Workbook):
    def __init__(self, path: Path, template: WorkbookTemplate, setting: str = "") -> None:
        """``setting`` says where ``path`` comes from, for the message when it is missing."""
        self.path = Path(path)
        self.template = template
        self.setting = setting

    @gc_paused
    def read(self, tabs: Collection[str] | None = None) -> Snapshot:
        book = _open(self.path, read_only=True, setting=self.setting)
        try:
            grids = []
            wanted = [t for t in self.template.tabs if tabs is None or t.name in tabs]
            titles = {t.name: _title(book, t) for t in wanted}
            present = [t for t in wanted if titles[t.name] is not None]
            missing = [t.name for t in wanted if titles[t.name] is None]
            rows = sum(book[titles[t.name]].max_row or 0 for t in present)
            with Progress(f"Reading {self.path.name}", rows, "row") as reading:
                for tab in present:
                    cells = book[titles[tab.name]].iter_rows(values_only=True)
                    grids.append((tab, list(reading.track(cells))))
            frames, broken = frames_from_grids(grids)
            return Snapshot(frames=frames, missing_tabs=missing, broken=broken)
        finally:
            book.close()

    def write(self, batch: WriteBatch) -> WriteReport:
        report = WriteReport()
        if not batch:
            return report
        size = self.path.stat().st_size if self.path.exists() else 0
        with phase(f"Writing to {self.path.name} ({size / 1e6:.1f} MB)", big_file(size)):
            return self._write(batch, report)

    def _write(self, batch: WriteBatch, report: WriteReport) -> WriteReport:
        book = _open(self.path, read_only=False, setting=self.setting)
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
