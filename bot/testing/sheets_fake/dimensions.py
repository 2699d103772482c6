"""Row/column structure changes: insert, delete, append, and keeping anchored objects in place."""

from __future__ import annotations

from typing import Any

from .model import Cell, Sheet, Spreadsheet

_KEYS = {
    "ROWS": ("startRowIndex", "endRowIndex"),
    "COLUMNS": ("startColumnIndex", "endColumnIndex"),
}


def _count_key(dimension: str) -> str:
    return "rowCount" if dimension == "ROWS" else "columnCount"


def insert(book: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int) -> None:
    """Insert ``end - start`` rows/columns before ``start``."""
    sheet.changed()
    n = end - start
    axis = 0 if dimension == "ROWS" else 1
    moved: dict[tuple[int, int], Cell] = {}
    for key, cell in sheet.cells.items():
        pos = list(key)
        if pos[axis] >= start:
            pos[axis] += n
        moved[(pos[0], pos[1])] = cell
    sheet.cells = moved
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    shifted = {(i + n if i >= start else i): m for i, m in meta.items()}
    meta.clear()
    meta.update(shifted)
    sheet.grid[_count_key(dimension)] = (sheet.rows if axis == 0 else sheet.cols) + n
    _shift_ranges(book, sheet, dimension, start, n)


def delete(book: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int) -> None:
    """Delete rows/columns ``[start, end)``."""
    sheet.changed()
    n = end - start
    axis = 0 if dimension == "ROWS" else 1
    moved: dict[tuple[int, int], Cell] = {}
    for key, cell in sheet.cells.items():
        pos = list(key)
        if start <= pos[axis] < end:
            continue
        if pos[axis] >= end:
            pos[axis] -= n
        moved[(pos[0], pos[1])] = cell
    sheet.cells = moved
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    kept = {(i - n if i >= end else i): m for i, m in meta.items() if not start <= i < end}
    meta.clear()
    meta.update(kept)
    sheet.grid[_count_key(dimension)] = (sheet.rows if axis == 0 else sheet.cols) - n
    _shift_ranges(book, sheet, dimension, start, -n, end)


def resize(book: Spreadsheet, sheet: Sheet, rows: int, cols: int) -> None:
    """Set the grid size; cells outside it are dropped."""
    if rows < sheet.rows:
        delete(book, sheet, "ROWS", rows, sheet.rows)
    if cols < sheet.cols:
        delete(book, sheet, "COLUMNS", cols, sheet.cols)
    sheet.grid["rowCount"] = rows
    sheet.grid["columnCount"] = cols


def _shift_ranges(
    book: Spreadsheet, sheet: Sheet, dimension: str, start: int, n: int, end: int | None = None
) -> None:
    lo, hi = _KEYS[dimension]
    ranges: list[dict[str, Any]] = list(sheet.merges)
    ranges += [p["range"] for p in sheet.protected if "range" in p]
    ranges += [
        n_r["range"]
        for n_r in book.named_ranges
        if int(n_r["range"].get("sheetId", 0)) == sheet.sheet_id
    ]
    if sheet.basic_filter and "range" in sheet.basic_filter:
        ranges.append(sheet.basic_filter["range"])
    for rng in ranges:
        for key in (lo, hi):
            if key not in rng:
                continue
            value = rng[key]
            if n > 0 and (value > start or (value == start and key == lo)):
                rng[key] = value + n
            elif n < 0 and end is not None:
                rng[key] = value - min(max(value - start, 0), end - start)
    sheet.merges = [m for m in sheet.merges if m[lo] < m[hi]]
