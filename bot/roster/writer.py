"""Writing a merge into the .xlsx: staff columns of matched rows by ID, new rows appended.

Rows are found again by their ID in the sheet as it is when written. Text goes in as text
(IDs keep their leading zeros, nothing becomes a formula); Select of a new row is an unticked
checkbox. The file is replaced atomically.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook as XlWorkbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.roster.merge import TabChanges
from bot.templates import Tab, WorkbookTemplate
from bot.workbook.base import cell_text, header_map
from bot.workbook.xlsx_layout import save_atomically, set_checkbox, set_text


def _put(cell: Cell, value: str) -> None:
    if value == "":
        cell.value = None
    else:
        set_text(cell, value)


def _rows_by_key(sheet: Worksheet, key_column: int) -> tuple[dict[str, list[int]], int]:
    """Key -> sheet rows holding it, and the last row holding anything."""
    rows: dict[str, list[int]] = {}
    last = 1
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if any(v is not None and str(v).strip() for v in values):
            last = number
        if key_column < len(values):
            key = cell_text(values[key_column]).strip()
            if key:
                rows.setdefault(key, []).append(number)
    return rows, last


def _apply_tab(sheet: Worksheet, tab: Tab, changes: TabChanges) -> None:
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    positions = header_map(tab, list(header))
    rows, last = _rows_by_key(sheet, positions[tab.key])
    for key, column, value in changes.updates.itertuples(index=False):
        for number in rows.get(str(key), []):
            _put(sheet.cell(row=number, column=positions[str(column)] + 1), str(value))
    for offset, record in enumerate(changes.added.to_dict("records"), start=1):
        for column in tab.columns:
            cell = sheet.cell(row=last + offset, column=positions[column.name] + 1)
            if column.type == "checkbox":
                set_checkbox(cell, False)
            else:
                _put(cell, str(record.get(column.name, "")))


def apply_changes(
    book: XlWorkbook, path: Path, template: WorkbookTemplate, changes: dict[str, TabChanges]
) -> None:
    for name, tab_changes in changes.items():
        if tab_changes.changed:
            _apply_tab(book[name], template.require(name), tab_changes)
    save_atomically(book, path)
