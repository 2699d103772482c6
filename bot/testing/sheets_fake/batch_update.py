"""``POST /v4/spreadsheets/{id}:batchUpdate``: dispatch, atomicity, and the sheet-level requests
(add/delete/update/duplicate sheets, spreadsheet properties, dimensions)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import dimensions, errors, fieldmask, formats
from .access import Caller
from .model import Spreadsheet, Store, deep_copy
from .values import FORMATTED, render_cell

Reply = dict[str, Any] | None


@dataclass
class Ctx:
    """Everything a request handler needs."""

    store: Store
    book: Spreadsheet
    caller: Caller
    index: int
    kind: str

    def error(self, message: str) -> errors.ApiError:
        """Google's ``Invalid requests[i].kind: message`` 400."""
        return errors.invalid(f"Invalid requests[{self.index}].{self.kind}: {message}")

    def sheet(self, sheet_id: Any) -> Any:
        """The sheet with this id or a 400."""
        sheet = self.book.sheet_by_id(int(sheet_id or 0))
        if sheet is None:
            raise self.error(f"No grid with id: {sheet_id}")
        return sheet


Handler = Callable[[Ctx, dict[str, Any]], Reply]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register a request handler."""

    def wrap(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return wrap


def run(store: Store, book: Spreadsheet, body: Any, caller: Caller) -> dict[str, Any]:
    """Apply all requests atomically and build the response."""
    from . import batch_cells, batch_objects  # noqa: F401  (registers handlers)

    body = body if isinstance(body, dict) else {}
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise errors.invalid("Must specify at least one request.")
    snapshot = copy.deepcopy(book)
    replies: list[dict[str, Any]] = []
    try:
        for i, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise errors.invalid(
                    f"Invalid requests[{i}]: exactly one kind of request must be set."
                )
            kind, payload = next(iter(request.items()))
            fn = HANDLERS.get(kind)
            if fn is None:
                raise errors.unimplemented(f"requests[{i}].{kind}")
            reply = fn(Ctx(store, book, caller, i, kind), payload or {})
            replies.append(reply or {})
    except errors.ApiError:
        book.__dict__.update(snapshot.__dict__)
        raise
    store.touch(book)
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        from .metadata import spreadsheet_json

        out["updatedSpreadsheet"] = spreadsheet_json(book, caller)
    return out


def _check_title(ctx: Ctx, title: str, ignore_id: int | None = None) -> None:
    other = ctx.book.sheet_by_title(title)
    if other is not None and other.sheet_id != ignore_id:
        raise ctx.error(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )


@handler("addSheet")
def add_sheet(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """addSheet: defaults 1000x26, random sheetId, appended unless ``index`` is given."""
    props = dict(req.get("properties") or {})
    if props.get("title"):
        _check_title(ctx, str(props["title"]))
    if props.get("sheetId") is not None and ctx.book.sheet_by_id(int(props["sheetId"])):
        raise ctx.error(f"A sheet with id {props['sheetId']} already exists.")
    if props.get("sheetId") is None:
        props["sheetId"] = ctx.store.new_int_id()
    sheet = ctx.store.make_sheet(ctx.book, props)
    sheet.props = formats.normalize(sheet.props)
    index = props.get("index")
    position = (
        len(ctx.book.sheets) if index is None else max(0, min(int(index), len(ctx.book.sheets)))
    )
    ctx.book.sheets.insert(position, sheet)
    ctx.book.reindex()
    return {"addSheet": {"properties": deep_copy(sheet.props)}}


@handler("deleteSheet")
def delete_sheet(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """deleteSheet: the last sheet cannot go."""
    sheet = ctx.book.sheet_by_id(int(req.get("sheetId") or 0))
    if sheet is None:
        raise ctx.error(f"No sheet with id: {req.get('sheetId')}")
    if len(ctx.book.sheets) == 1:
        raise ctx.error("You can't remove all the sheets in a document.")
    ctx.book.sheets.remove(sheet)
    ctx.book.named_ranges = [
        n for n in ctx.book.named_ranges if int(n["range"].get("sheetId", 0)) != sheet.sheet_id
    ]
    ctx.book.reindex()
    return None


@handler("duplicateSheet")
def duplicate_sheet(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """duplicateSheet: a deep copy with a new id and title."""
    source = ctx.sheet(req.get("sourceSheetId"))
    clone = copy.deepcopy(source)
    title = req.get("newSheetName") or f"Copy of {source.title}"
    _check_title(ctx, title)
    clone.props["title"] = title
    clone.props["sheetId"] = int(req.get("newSheetId") or ctx.store.new_int_id())
    index = req.get("insertSheetIndex")
    position = len(ctx.book.sheets) if index is None else int(index)
    ctx.book.sheets.insert(position, clone)
    ctx.book.reindex()
    return {"duplicateSheet": {"properties": deep_copy(clone.props)}}


@handler("updateSheetProperties")
def update_sheet_properties(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """updateSheetProperties with a field mask (title, index, hidden, gridProperties, tab color)."""
    props = req.get("properties") or {}
    sheet = ctx.sheet(props.get("sheetId"))
    fields = req.get("fields")
    if not fields:
        raise ctx.error("At least one field must be updated.")
    tree = fieldmask.parse(str(fields))
    new = deep_copy(sheet.props)
    fieldmask.update(new, deep_copy(props), tree, skip=("sheetId",))
    new["sheetId"] = sheet.sheet_id
    if fieldmask.mentions(tree, "tabColorStyle") and not fieldmask.mentions(tree, "tabColor"):
        new.pop("tabColor", None)
    if fieldmask.mentions(tree, "tabColor") and not fieldmask.mentions(tree, "tabColorStyle"):
        new.pop("tabColorStyle", None)
    new = formats.normalize(new)
    if new.get("title") != sheet.title:
        if not new.get("title"):
            raise ctx.error("The sheet title must not be empty.")
        _check_title(ctx, str(new["title"]), sheet.sheet_id)
    if new.get("hidden") and not sheet.props.get("hidden"):
        visible = [s for s in ctx.book.sheets if not s.props.get("hidden") and s is not sheet]
        if not visible:
            raise ctx.error("You can't hide all the sheets in a document.")
    grid = new.setdefault("gridProperties", {})
    rows = int(grid.get("rowCount") or sheet.rows)
    cols = int(grid.get("columnCount") or sheet.cols)
    if rows != sheet.rows or cols != sheet.cols:
        dimensions.resize(ctx.book, sheet, rows, cols)
    new["gridProperties"] = {k: v for k, v in grid.items() if v}
    new["gridProperties"].update(rowCount=sheet.rows, columnCount=sheet.cols)
    for key in ("hidden", "rightToLeft"):
        if not new.get(key):
            new.pop(key, None)
    target_index = new.get("index", sheet.props.get("index"))
    sheet.props = new
    if target_index != ctx.book.sheets.index(sheet):
        ctx.book.sheets.remove(sheet)
        ctx.book.sheets.insert(max(0, min(int(target_index), len(ctx.book.sheets))), sheet)
    ctx.book.reindex()
    return None


@handler("updateSpreadsheetProperties")
def update_spreadsheet_properties(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """updateSpreadsheetProperties (title, locale, timeZone, autoRecalc)."""
    fields = req.get("fields")
    if not fields:
        raise ctx.error("At least one field must be updated.")
    fieldmask.update(
        ctx.book.props, deep_copy(req.get("properties") or {}), fieldmask.parse(str(fields))
    )
    return None


def _dim_range(ctx: Ctx, rng: dict[str, Any]) -> tuple[Any, str, int, int]:
    sheet = ctx.sheet(rng.get("sheetId"))
    dimension = rng.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise ctx.error("dimension must be ROWS or COLUMNS")
    count = sheet.rows if dimension == "ROWS" else sheet.cols
    start = int(rng.get("startIndex") or 0)
    end_index = rng.get("endIndex")
    end = int(end_index) if end_index is not None else count
    if start < 0 or end < start:
        raise ctx.error("Invalid dimension range.")
    return sheet, dimension, start, end


@handler("insertDimension")
def insert_dimension(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """insertDimension."""
    sheet, dimension, start, end = _dim_range(ctx, req.get("range") or {})
    count = sheet.rows if dimension == "ROWS" else sheet.cols
    if start > count:
        raise ctx.error(f"Cannot insert at index {start}; the sheet only has {count}.")
    dimensions.insert(ctx.book, sheet, dimension, start, end)
    return None


@handler("appendDimension")
def append_dimension(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """appendDimension: grow the grid at the end."""
    sheet = ctx.sheet(req.get("sheetId"))
    key = "rowCount" if req.get("dimension") == "ROWS" else "columnCount"
    sheet.grid[key] = int(sheet.grid.get(key, 0)) + int(req.get("length") or 0)
    return None


@handler("deleteDimension")
def delete_dimension(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """deleteDimension: the grid may not become empty."""
    sheet, dimension, start, end = _dim_range(ctx, req.get("range") or {})
    count = sheet.rows if dimension == "ROWS" else sheet.cols
    end = min(end, count)
    if end - start >= count:
        what = "rows" if dimension == "ROWS" else "columns"
        raise ctx.error(f"You can't delete all the {what} on the sheet.")
    dimensions.delete(ctx.book, sheet, dimension, start, end)
    return None


@handler("updateDimensionProperties")
def update_dimension_properties(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """updateDimensionProperties: pixelSize / hiddenByUser per row or column."""
    sheet, dimension, start, end = _dim_range(ctx, req.get("range") or {})
    tree = fieldmask.parse(str(req.get("fields") or "*"))
    meta = sheet.row_meta if dimension == "ROWS" else sheet.col_meta
    for i in range(start, end):
        current = meta.setdefault(i, {})
        fieldmask.update(current, deep_copy(req.get("properties") or {}), tree)
        if not any(current.values()):
            del meta[i]
    return None


CHAR_WIDTHS = {"upper": 8.48, "lower": 6.7, "digit": 7.4, "space": 3.7, "other": 6.7}


def text_width(text: str) -> int:
    """Approximate Arial 10 width in pixels (calibrated on a recorded autoResize)."""
    total = 0.0
    for ch in text:
        if ch.isupper():
            total += CHAR_WIDTHS["upper"]
        elif ch.islower():
            total += CHAR_WIDTHS["lower"]
        elif ch.isdigit():
            total += CHAR_WIDTHS["digit"]
        elif ch == " ":
            total += CHAR_WIDTHS["space"]
        else:
            total += CHAR_WIDTHS["other"]
    return int(total + 7.5)


@handler("autoResizeDimensions")
def auto_resize(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """autoResizeDimensions: fit columns to their longest text, rows to their line count."""
    sheet, dimension, start, end = _dim_range(ctx, req.get("dimensions") or {})
    for i in range(start, end):
        if dimension == "COLUMNS":
            texts = [
                str(render_cell(sheet, r, c, FORMATTED, "SERIAL_NUMBER") or "")
                for (r, c) in sheet.cells
                if c == i
            ]
            widest = max(
                (max(text_width(line) for line in t.split("\n")) for t in texts if t), default=0
            )
            if widest:
                sheet.col_meta.setdefault(i, {})["pixelSize"] = widest
        else:
            lines = [
                len(str(render_cell(sheet, r, c, FORMATTED, "SERIAL_NUMBER") or "").split("\n"))
                for (r, c) in sheet.cells
                if r == i
            ]
            if lines:
                sheet.row_meta.setdefault(i, {})["pixelSize"] = 21 * max(lines)
    return None
