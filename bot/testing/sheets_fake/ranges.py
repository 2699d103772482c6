"""Resolving request ranges (A1 strings, named ranges, GridRange objects) against a spreadsheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import errors
from .a1 import A1Error, format_range, parse_cells, quote_title, rect_a1, split_sheet
from .model import Rect, Sheet, Spreadsheet


@dataclass
class Target:
    """A resolved range: the sheet and an end-exclusive rectangle inside its grid."""

    sheet: Sheet
    r0: int
    r1: int
    c0: int
    c1: int
    single: bool = False

    @property
    def rect(self) -> Rect:
        """(r0, r1, c0, c1)."""
        return self.r0, self.r1, self.c0, self.c1

    def a1(self) -> str:
        """Canonical ``Sheet1!A1:B2``."""
        return format_range(self.sheet.title, self.r0, self.r1, self.c0, self.c1)


def grid_error(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> errors.ApiError:
    """Google's 400 for a range outside the sheet's grid."""
    text = f"'{sheet.title.replace(chr(39), chr(39) * 2)}'!{rect_a1(r0, r1, c0, c1)}"
    return errors.invalid(
        f"Range ({text}) exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}"
    )


def resolve(book: Spreadsheet, text: str) -> Target:
    """Resolve an A1 string or named range; the end is clipped to the grid like Google does."""
    try:
        parsed = split_sheet(text)
    except A1Error as exc:
        raise errors.bad_range(text) from exc
    if parsed.sheet is None:
        cells = parsed.cells or ""
        by_title = book.sheet_by_title(cells)
        if by_title is not None:
            return _whole(by_title)
        return _cells_or_name(book, book.first_sheet(), cells, text)
    sheet = book.sheet_by_title(parsed.sheet)
    if sheet is None:
        raise errors.bad_range(text)
    if parsed.cells is None:
        return _whole(sheet)
    return _cells_or_name(book, sheet, parsed.cells, text)


def _whole(sheet: Sheet) -> Target:
    return Target(sheet, 0, sheet.rows, 0, sheet.cols)


def _cells_or_name(book: Spreadsheet, sheet: Sheet, cells: str, text: str) -> Target:
    try:
        bounds = parse_cells(cells)
    except A1Error:
        named = next((n for n in book.named_ranges if n["name"] == cells), None)
        if named is None:
            raise errors.bad_range(text) from None
        return from_grid_range(book, named["range"])
    r0 = bounds.start_row or 0
    c0 = bounds.start_col or 0
    if r0 >= sheet.rows or c0 >= sheet.cols:
        r1 = bounds.end_row if bounds.end_row is not None else r0 + 1
        c1 = bounds.end_col if bounds.end_col is not None else c0 + 1
        raise grid_error(sheet, r0, r1, c0, c1)
    r1 = min(bounds.end_row if bounds.end_row is not None else sheet.rows, sheet.rows)
    c1 = min(bounds.end_col if bounds.end_col is not None else sheet.cols, sheet.cols)
    single = bounds.end_row == r0 + 1 and bounds.end_col == c0 + 1 and ":" not in cells
    return Target(sheet, r0, r1, c0, c1, single)


def sheet_or_error(book: Spreadsheet, sheet_id: Any, where: str) -> Sheet:
    """The sheet with this id, or Google's 'No grid with id' 400."""
    sheet = book.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise errors.invalid(f"Invalid {where}: No grid with id: {sheet_id}")
    return sheet


def from_grid_range(book: Spreadsheet, grid_range: dict[str, Any], where: str = "range") -> Target:
    """A GridRange object (missing bounds = unbounded) -> Target, clipped to the grid."""
    sheet = sheet_or_error(book, grid_range.get("sheetId", 0), where)
    r0 = int(grid_range.get("startRowIndex", 0) or 0)
    c0 = int(grid_range.get("startColumnIndex", 0) or 0)
    r1 = int(grid_range.get("endRowIndex", sheet.rows) or 0)
    c1 = int(grid_range.get("endColumnIndex", sheet.cols) or 0)
    if r1 > sheet.rows or c1 > sheet.cols:
        raise grid_error(sheet, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))
    return Target(sheet, r0, r1, c0, c1)


def grid_range_json(sheet: Sheet, rect: Rect) -> dict[str, Any]:
    """A GridRange as Google prints it (``sheetId`` 0 is left out)."""
    r0, r1, c0, c1 = rect
    out: dict[str, Any] = {}
    if sheet.sheet_id:
        out["sheetId"] = sheet.sheet_id
    out.update(
        {"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}
    )
    return out


def normalize_grid_range(book: Spreadsheet, grid_range: dict[str, Any]) -> dict[str, Any]:
    """Echo a request GridRange the way Google stores it: only the given bounds, no sheetId 0."""
    out: dict[str, Any] = {}
    sheet_id = int(grid_range.get("sheetId", 0) or 0)
    if sheet_id:
        out["sheetId"] = sheet_id
    for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"):
        if grid_range.get(key) is not None:
            out[key] = int(grid_range[key])
    return out


def title_prefix(sheet: Sheet) -> str:
    """``'My Tab'!`` as used in responses."""
    return quote_title(sheet.title) + "!"
