"""batchUpdate requests that change cells: repeatCell, updateCells, setDataValidation, merges,
sortRange, copyPaste and cutPaste."""

from __future__ import annotations

from typing import Any

from . import fieldmask, formats
from .access import ensure_editable
from .batch_update import Ctx, Reply, handler
from .model import Cell, Rect, Sheet, deep_copy
from .ranges import Target, from_grid_range
from .values import effective


def _target(ctx: Ctx, grid_range: dict[str, Any] | None, *, edit: bool = True) -> Target:
    target = from_grid_range(ctx.book, grid_range or {}, f"requests[{ctx.index}].{ctx.kind}")
    if edit:
        ensure_editable(ctx.book, target.sheet, [target.rect], ctx.caller)
    return target


def cell_to_data(cell: Cell | None) -> dict[str, Any]:
    """A stored cell as CellData (the writable fields only)."""
    if cell is None:
        return {}
    out: dict[str, Any] = {}
    if cell.formula is not None:
        out["userEnteredValue"] = {"formulaValue": cell.formula}
    elif isinstance(cell.value, bool):
        out["userEnteredValue"] = {"boolValue": cell.value}
    elif isinstance(cell.value, int | float):
        out["userEnteredValue"] = {"numberValue": cell.value}
    elif cell.value is not None:
        out["userEnteredValue"] = {"stringValue": cell.value}
    if cell.fmt:
        out["userEnteredFormat"] = deep_copy(cell.fmt)
    if cell.note:
        out["note"] = cell.note
    if cell.validation:
        out["dataValidation"] = deep_copy(cell.validation)
    return out


def data_to_cell(data: dict[str, Any]) -> Cell:
    """CellData -> stored cell."""
    cell = Cell()
    entered = data.get("userEnteredValue") or {}
    if "formulaValue" in entered:
        cell.formula = str(entered["formulaValue"])
    elif "boolValue" in entered:
        cell.value = bool(entered["boolValue"])
    elif "numberValue" in entered:
        cell.value = float(entered["numberValue"])
    elif "stringValue" in entered:
        cell.value = str(entered["stringValue"]) or None
    if data.get("userEnteredFormat"):
        cell.fmt = formats.normalize(data["userEnteredFormat"])
    cell.note = data.get("note") or None
    cell.validation = data.get("dataValidation") or None
    return cell


def _apply(sheet: Sheet, row: int, col: int, source: dict[str, Any], tree: fieldmask.Tree) -> None:
    current = cell_to_data(sheet.peek(row, col))
    fieldmask.update(current, deep_copy(source), tree)
    cell = data_to_cell(current)
    if cell.is_blank():
        sheet.cells.pop((row, col), None)
    else:
        sheet.cells[(row, col)] = cell


@handler("repeatCell")
def repeat_cell(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """repeatCell: the same CellData (masked by ``fields``) on every cell of the range."""
    target = _target(ctx, req.get("range"))
    tree = fieldmask.parse(str(req.get("fields") or "*"))
    for r in range(target.r0, target.r1):
        for c in range(target.c0, target.c1):
            _apply(target.sheet, r, c, req.get("cell") or {}, tree)
    return None


@handler("updateCells")
def update_cells(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """updateCells: rows of CellData from ``start`` or over ``range``."""
    tree = fieldmask.parse(str(req.get("fields") or "*"))
    rows = req.get("rows") or []
    if req.get("range") is not None:
        target = _target(ctx, req.get("range"))
    else:
        start = req.get("start") or {}
        height = len(rows)
        width = max((len(r.get("values") or []) for r in rows), default=0)
        r0, c0 = int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0)
        grid = {"sheetId": start.get("sheetId", 0), "startRowIndex": r0, "endRowIndex": r0 + height}
        grid.update(startColumnIndex=c0, endColumnIndex=c0 + width)
        target = _target(ctx, grid)
    for i, r in enumerate(range(target.r0, target.r1)):
        values = (rows[i].get("values") or []) if i < len(rows) else []
        for j, c in enumerate(range(target.c0, target.c1)):
            _apply(target.sheet, r, c, values[j] if j < len(values) else {}, tree)
    return None


@handler("setDataValidation")
def set_data_validation(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """setDataValidation: store (or clear) the rule on every cell of the range."""
    target = _target(ctx, req.get("range"))
    rule = req.get("rule")
    for r in range(target.r0, target.r1):
        for c in range(target.c0, target.c1):
            target.sheet.cell(r, c).validation = deep_copy(rule) if rule else None
    target.sheet.prune()
    return None


def _merge_json(sheet: Sheet, rect: Rect) -> dict[str, Any]:
    out: dict[str, Any] = {"sheetId": sheet.sheet_id} if sheet.sheet_id else {}
    out.update(
        {
            "startRowIndex": rect[0],
            "endRowIndex": rect[1],
            "startColumnIndex": rect[2],
            "endColumnIndex": rect[3],
        }
    )
    return out


def _merge_rect(merge: dict[str, Any]) -> Rect:
    return (
        merge["startRowIndex"],
        merge["endRowIndex"],
        merge["startColumnIndex"],
        merge["endColumnIndex"],
    )


def _overlapping(sheet: Sheet, rect: Rect, ctx: Ctx) -> list[dict[str, Any]]:
    r0, r1, c0, c1 = rect
    hits = []
    for merge in sheet.merges:
        m0, m1, n0, n1 = _merge_rect(merge)
        if m0 < r1 and r0 < m1 and n0 < c1 and c0 < n1:
            if not (r0 <= m0 and m1 <= r1 and c0 <= n0 and n1 <= c1):
                raise ctx.error(
                    "You must select all cells in a merged range to merge or unmerge them."
                )
            hits.append(merge)
    return hits


@handler("mergeCells")
def merge_cells(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """mergeCells: MERGE_ALL, MERGE_COLUMNS or MERGE_ROWS; only the top-left values survive."""
    target = _target(ctx, req.get("range"))
    sheet = target.sheet
    for merge in _overlapping(sheet, target.rect, ctx):
        sheet.merges.remove(merge)
    kind = req.get("mergeType", "MERGE_ALL")
    r0, r1, c0, c1 = target.rect
    if kind == "MERGE_COLUMNS":
        rects = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    elif kind == "MERGE_ROWS":
        rects = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    else:
        rects = [target.rect]
    for rect in rects:
        if (rect[1] - rect[0]) * (rect[3] - rect[2]) < 2:
            continue
        sheet.merges.append(_merge_json(sheet, rect))
        for r in range(rect[0], rect[1]):
            for c in range(rect[2], rect[3]):
                cell = sheet.peek(r, c)
                if cell is not None and (r, c) != (rect[0], rect[2]):
                    cell.value, cell.formula = None, None
    sheet.prune()
    return None


@handler("unmergeCells")
def unmerge_cells(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """unmergeCells: remove every merge inside the range."""
    target = _target(ctx, req.get("range"))
    for merge in _overlapping(target.sheet, target.rect, ctx):
        target.sheet.merges.remove(merge)
    return None


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return 2, value
    if isinstance(value, int | float):
        return 0, float(value)
    return 1, str(value).lower()


@handler("sortRange")
def sort_range(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """sortRange: stable sort of whole rows by the sort specs; blanks always last."""
    target = _target(ctx, req.get("range"))
    sheet = target.sheet
    rows = list(range(target.r0, target.r1))
    for spec in reversed(req.get("sortSpecs") or []):
        col = int(spec.get("dimensionIndex") or 0)
        descending = spec.get("sortOrder") == "DESCENDING"
        blank = [r for r in rows if effective(sheet, r, col) in (None, "")]
        filled = [r for r in rows if r not in blank]
        keys = {r: _sort_key(effective(sheet, r, col)) for r in filled}
        filled.sort(key=keys.__getitem__, reverse=descending)
        rows = filled + blank
    snapshot = {
        (r, c): sheet.cells.pop((r, c))
        for r in range(target.r0, target.r1)
        for c in range(target.c0, target.c1)
        if (r, c) in sheet.cells
    }
    for new_r, old_r in zip(range(target.r0, target.r1), rows, strict=True):
        for c in range(target.c0, target.c1):
            if (old_r, c) in snapshot:
                sheet.cells[(new_r, c)] = snapshot[(old_r, c)]
    return None


def _pasted(cell: Cell | None, paste_type: str, sheet: Sheet, pos: tuple[int, int]) -> Cell | None:
    if cell is None:
        return None
    if paste_type in ("PASTE_NORMAL", "PASTE_NO_BORDERS"):
        return cell.copy()
    out = Cell()
    if paste_type == "PASTE_VALUES":
        out.value = effective(sheet, *pos) if cell.formula else cell.value
    elif paste_type == "PASTE_FORMAT":
        out.fmt = deep_copy(cell.fmt)
    elif paste_type == "PASTE_FORMULA":
        out.value, out.formula = cell.value, cell.formula
    elif paste_type == "PASTE_DATA_VALIDATION":
        out.validation = deep_copy(cell.validation)
    return out


def _paste(dest: Sheet, r: int, c: int, cell: Cell | None, paste_type: str) -> None:
    existing = dest.peek(r, c)
    if paste_type in ("PASTE_NORMAL", "PASTE_NO_BORDERS") or existing is None:
        if cell is None or cell.is_blank():
            dest.cells.pop((r, c), None)
        else:
            dest.cells[(r, c)] = cell
        return
    incoming = cell or Cell()
    if paste_type in ("PASTE_VALUES", "PASTE_FORMULA"):
        existing.value, existing.formula = incoming.value, incoming.formula
    elif paste_type == "PASTE_FORMAT":
        existing.fmt = incoming.fmt
    elif paste_type == "PASTE_DATA_VALIDATION":
        existing.validation = incoming.validation


@handler("copyPaste")
def copy_paste(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """copyPaste: the source tiled over the destination (or pasted once at its corner)."""
    source = _target(ctx, req.get("source"), edit=False)
    dest = _target(ctx, req.get("destination"))
    paste_type = req.get("pasteType", "PASTE_NORMAL")
    transpose = req.get("pasteOrientation") == "TRANSPOSE"
    h, w = source.r1 - source.r0, source.c1 - source.c0
    if transpose:
        h, w = w, h
    dh, dw = dest.r1 - dest.r0, dest.c1 - dest.c0
    reps_r = max(1, dh // h) if dh % h == 0 else 1
    reps_c = max(1, dw // w) if dw % w == 0 else 1
    copies = {}
    for i in range(h * reps_r):
        for j in range(w * reps_c):
            si, sj = (j % w, i % h) if transpose else (i % h, j % w)
            pos = (source.r0 + si, source.c0 + sj)
            copies[(dest.r0 + i, dest.c0 + j)] = _pasted(
                source.sheet.peek(*pos), paste_type, source.sheet, pos
            )
    for (r, c), cell in copies.items():
        if r < dest.sheet.rows and c < dest.sheet.cols:
            _paste(dest.sheet, r, c, cell, paste_type)
    return None


@handler("cutPaste")
def cut_paste(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """cutPaste: move the source so its top-left lands on the destination coordinate."""
    source = _target(ctx, req.get("source"))
    coord = req.get("destination") or {}
    dest_sheet = ctx.sheet(coord.get("sheetId"))
    r0, c0 = int(coord.get("rowIndex") or 0), int(coord.get("columnIndex") or 0)
    height, width = source.r1 - source.r0, source.c1 - source.c0
    grid = {"sheetId": dest_sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r0 + height}
    grid.update(startColumnIndex=c0, endColumnIndex=c0 + width)
    _target(ctx, grid)
    paste_type = req.get("pasteType", "PASTE_NORMAL")
    moved = {}
    for r in range(source.r0, source.r1):
        for c in range(source.c0, source.c1):
            moved[(r - source.r0, c - source.c0)] = _pasted(
                source.sheet.peek(r, c), paste_type, source.sheet, (r, c)
            )
    for r in range(source.r0, source.r1):
        for c in range(source.c0, source.c1):
            source.sheet.cells.pop((r, c), None)
    for (i, j), cell in moved.items():
        _paste(dest_sheet, r0 + i, c0 + j, cell, paste_type)
    return None
