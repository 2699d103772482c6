"""The Spreadsheet resource as ``GET /v4/spreadsheets/{id}`` returns it, grid data included."""

from __future__ import annotations

from typing import Any

from .access import Caller, can_edit_range
from .model import COL_PIXELS, ROW_PIXELS, Rect, Sheet, Spreadsheet, deep_copy
from .values import FORMATTED, effective, json_number, render_cell

_WHITE = {"red": 1, "green": 1, "blue": 1}
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": _WHITE,
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": _WHITE},
}
_THEME_COLORS = [
    ("TEXT", {}),
    ("BACKGROUND", _WHITE),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]
THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": t, "color": {"rgbColor": c}} for t, c in _THEME_COLORS],
}


def spreadsheet_url(spreadsheet_id: str) -> str:
    """The docs.google.com URL Google reports."""
    return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"


def spreadsheet_json(
    book: Spreadsheet,
    caller: Caller,
    data: dict[int, list[Rect]] | None = None,
) -> dict[str, Any]:
    """The full resource; ``data`` maps sheetIds to the rectangles whose grid data to include."""
    props = deep_copy(book.props)
    props["defaultFormat"] = deep_copy(DEFAULT_FORMAT)
    props["spreadsheetTheme"] = deep_copy(THEME)
    sheets = book.sheets if data is None else [s for s in book.sheets if s.sheet_id in data]
    out: dict[str, Any] = {
        "spreadsheetId": book.spreadsheet_id,
        "properties": props,
        "sheets": [
            sheet_json(book, s, caller, None if data is None else data[s.sheet_id]) for s in sheets
        ],
    }
    if book.named_ranges:
        out["namedRanges"] = deep_copy(book.named_ranges)
    out["spreadsheetUrl"] = spreadsheet_url(book.spreadsheet_id)
    return out


def sheet_json(
    book: Spreadsheet, sheet: Sheet, caller: Caller, rects: list[Rect] | None
) -> dict[str, Any]:
    """One entry of ``sheets[]``."""
    out: dict[str, Any] = {"properties": deep_copy(sheet.props)}
    if rects is not None:
        out["data"] = [grid_data(sheet, rect) for rect in rects]
    if sheet.merges:
        out["merges"] = deep_copy(sheet.merges)
    if sheet.cond_formats:
        out["conditionalFormats"] = deep_copy(sheet.cond_formats)
    if sheet.basic_filter:
        out["basicFilter"] = deep_copy(sheet.basic_filter)
    if sheet.protected:
        out["protectedRanges"] = [_protected_json(book, p, caller) for p in sheet.protected]
    if sheet.row_groups:
        out["rowGroups"] = deep_copy(sheet.row_groups)
    if sheet.col_groups:
        out["columnGroups"] = deep_copy(sheet.col_groups)
    return out


def _protected_json(book: Spreadsheet, protected: dict[str, Any], caller: Caller) -> dict[str, Any]:
    out = deep_copy(protected)
    out["requestingUserCanEdit"] = can_edit_range(book, protected, caller)
    return {k: out[k] for k in _PROTECTED_ORDER if k in out}


_PROTECTED_ORDER = (
    "protectedRangeId",
    "range",
    "namedRangeId",
    "description",
    "warningOnly",
    "requestingUserCanEdit",
    "unprotectedRanges",
    "editors",
)


def grid_data(sheet: Sheet, rect: Rect) -> dict[str, Any]:
    """GridData for a rectangle: trailing blank rows and cells trimmed."""
    r0, r1, c0, c1 = rect
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    filled = [
        (r, c)
        for (r, c), cell in sheet.cells.items()
        if r0 <= r < r1 and c0 <= c < c1 and not cell.is_blank()
    ]
    if filled:
        last_row = max(r for r, _ in filled)
        rows: list[dict[str, Any]] = []
        for r in range(r0, last_row + 1):
            cols = [c for rr, c in filled if rr == r]
            if not cols:
                rows.append({})
                continue
            rows.append({"values": [cell_json(sheet, r, c) for c in range(c0, max(cols) + 1)]})
        out["rowData"] = rows
    out["rowMetadata"] = [_dim_meta(sheet.row_meta.get(r), ROW_PIXELS) for r in range(r0, r1)]
    out["columnMetadata"] = [_dim_meta(sheet.col_meta.get(c), COL_PIXELS) for c in range(c0, c1)]
    return out


def _dim_meta(meta: dict[str, Any] | None, default: int) -> dict[str, Any]:
    out = {"pixelSize": default}
    if meta:
        out.update({k: v for k, v in meta.items() if v})
    return out


def cell_json(sheet: Sheet, row: int, col: int) -> dict[str, Any]:
    """CellData for one cell."""
    cell = sheet.peek(row, col)
    if cell is None or cell.is_blank():
        return {}
    out: dict[str, Any] = {}
    if cell.formula is not None:
        out["userEnteredValue"] = {"formulaValue": cell.formula}
    elif cell.value is not None:
        out["userEnteredValue"] = extended_value(cell.value)
    if cell.has_value():
        value = effective(sheet, row, col)
        if isinstance(value, str) and value.startswith("#") and cell.formula is not None:
            out["effectiveValue"] = {"errorValue": {"type": "ERROR", "message": value}}
        elif value is not None:
            out["effectiveValue"] = extended_value(value)
        formatted = render_cell(sheet, row, col, FORMATTED, "SERIAL_NUMBER")
        if formatted is not None:
            out["formattedValue"] = formatted
    if cell.fmt:
        out["userEnteredFormat"] = deep_copy(cell.fmt)
    if cell.note:
        out["note"] = cell.note
    if cell.validation:
        out["dataValidation"] = deep_copy(cell.validation)
    return out


def extended_value(value: Any) -> dict[str, Any]:
    """An ExtendedValue for a Python value."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": json_number(float(value))}
    return {"stringValue": str(value)}
