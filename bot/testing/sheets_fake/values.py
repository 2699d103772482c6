"""Cell values in and out: RAW/USER_ENTERED writes and FORMATTED/UNFORMATTED/FORMULA reads,
with Google's trimming of trailing blank cells and rows."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from . import errors
from .formula import FormulaError, evaluate
from .model import Cell, Rect, Sheet
from .numfmt import DATE_TYPES, render
from .userinput import Parsed, from_raw, from_user_entered

FORMATTED = "FORMATTED_VALUE"
UNFORMATTED = "UNFORMATTED_VALUE"
FORMULA = "FORMULA"
RENDER_OPTIONS = (FORMATTED, UNFORMATTED, FORMULA)
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
KEPT_RENDERINGS = 32


def effective(
    sheet: Sheet, row: int, col: int, visiting: frozenset[tuple[int, int]] = frozenset()
) -> Any:
    """The value a cell shows: stored value, or its formula evaluated against the sheet."""
    cell = sheet.peek(row, col)
    if cell is None:
        return None
    if cell.formula is None:
        return cell.value
    if (row, col) in visiting:
        return "#REF!"
    inner = visiting | {(row, col)}

    def lookup(r: int, c: int) -> Any:
        if r >= sheet.rows or c >= sheet.cols:
            raise FormulaError("#REF!")
        return effective(sheet, r, c, inner)

    return evaluate(cell.formula, lookup)


def number_format(sheet: Sheet, row: int, col: int) -> dict[str, Any] | None:
    """The numberFormat a cell displays with, if any."""
    cell = sheet.peek(row, col)
    if cell is None or not cell.fmt:
        return None
    fmt = cell.fmt.get("numberFormat")
    return fmt if isinstance(fmt, dict) else None


def json_number(x: float) -> int | float:
    """Integral floats print as integers, as Google's JSON does."""
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def render_cell(sheet: Sheet, row: int, col: int, option: str, dt_option: str) -> Any:
    """One cell under a valueRenderOption; ``None`` means empty."""
    cell = sheet.peek(row, col)
    if cell is None or not cell.has_value():
        return None
    if option == FORMULA and cell.formula is not None:
        return cell.formula
    value = effective(sheet, row, col)
    if value is None:
        return "" if cell.formula is not None else None
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if option == FORMATTED else value
    if isinstance(value, int | float):
        fmt = number_format(sheet, row, col)
        if option == FORMATTED:
            return render(float(value), fmt)
        if fmt and fmt.get("type") in DATE_TYPES and dt_option == "FORMATTED_STRING":
            return render(float(value), fmt)
        return json_number(float(value))
    return value


def read_matrix(
    sheet: Sheet, rect: Rect, option: str, dt_option: str, major: str
) -> list[list[Any]]:
    """Rendered values of a rectangle, trimmed the way Google trims them."""
    r0, r1, c0, c1 = rect
    cells = sheet.cells
    if (r1 - r0) * (c1 - c0) < len(cells):
        present = [
            (r, c)
            for r in range(r0, r1)
            for c in range(c0, c1)
            if (found := cells.get((r, c))) is not None
            and (found.value is not None or found.formula is not None)
        ]
    else:
        present = [
            key
            for key, cell in cells.items()
            if (cell.value is not None or cell.formula is not None)
            and r0 <= key[0] < r1
            and c0 <= key[1] < c1
        ]
    if not present:
        return []
    last_r = max(present)[0]
    last_c = max(map(itemgetter(1), present))
    booleans = {True: "TRUE", False: "FALSE"} if option == FORMATTED else None
    get = cells.get
    columns = range(c0, last_c + 1)
    grid = [
        [
            None
            if (cell := get((r, c))) is None
            else cell.value
            if cell.formula is None and cell.value.__class__ is str
            else booleans[cell.value]
            if booleans and cell.formula is None and cell.value.__class__ is bool
            else render_cell(sheet, r, c, option, dt_option)
            for c in columns
        ]
        for r in range(r0, last_r + 1)
    ]
    if major == "COLUMNS":
        grid = [list(col) for col in zip(*grid, strict=True)]
    out = []
    for line in grid:
        while line and line[-1] is None:
            line.pop()
        out.append(line if None not in line else ["" if v is None else v for v in line])
    while out and not out[-1]:
        out.pop()
    return out


def rendered(sheet: Sheet, rect: Rect, option: str, dt_option: str, major: str) -> list[list[Any]]:
    """``read_matrix``, kept until the sheet changes (``Sheet.changed``): a big tab read
    again unchanged is not rendered again. The result is shared: never modify it."""
    if sheet.rendered_at != sheet.version or len(sheet.rendered) > KEPT_RENDERINGS:
        sheet.rendered, sheet.rendered_at = {}, sheet.version
    key = (rect, option, dt_option, major)
    found: list[list[Any]] | None = sheet.rendered.get(key)
    if found is None:
        found = sheet.rendered[key] = read_matrix(sheet, rect, option, dt_option, major)
    return found


def check_values(values: Any, field: str) -> list[list[Any]]:
    """Validate the ``values`` payload (a list of lists) like Google's JSON mapping does."""
    if values is None:
        return []
    list_type = "type.googleapis.com/google.protobuf.ListValue"
    if not isinstance(values, list):
        raise errors.bad_field(field, values, list_type)
    for i, row in enumerate(values):
        if not isinstance(row, list):
            raise errors.bad_field(f"{field}[{i}]", row, list_type)
        for j, item in enumerate(row):
            if isinstance(item, dict | list):
                raise errors.bad_field(
                    f"{field}[{i}][{j}]", item, "type.googleapis.com/google.protobuf.Value"
                )
    return values


def as_rows(values: list[list[Any]], major: str | None) -> list[list[Any]]:
    """Turn a COLUMNS-major payload into rows."""
    if major != "COLUMNS" or not values:
        return values
    height = max(len(col) for col in values)
    return [[col[r] if r < len(col) else None for col in values] for r in range(height)]


def parse_input(raw: Any, option: str) -> Parsed:
    """Parse one request value under a valueInputOption."""
    return from_user_entered(raw) if option == "USER_ENTERED" else from_raw(raw)


def write_rows(
    sheet: Sheet, row0: int, col0: int, rows: list[list[Any]], option: str
) -> tuple[int, int, int]:
    """Write rows of request values at (row0, col0); returns (rows, columns, cells) touched."""
    sheet.changed()
    touched_rows, touched_cols, count = set(), set(), 0
    written: list[tuple[int, int]] = []
    cells = sheet.cells
    as_is = option == "RAW"
    for i, line in enumerate(rows):
        for j, raw in enumerate(line):
            if as_is and raw.__class__ is str and raw:
                key = (row0 + i, col0 + j)
                found = cells.get(key)
                if found is None:
                    cells[key] = Cell(raw)
                else:
                    found.value, found.formula = raw, None
                touched_rows.add(i)
                touched_cols.add(j)
                count += 1
                continue
            parsed = parse_input(raw, option)
            if parsed.skip:
                continue
            written.append((row0 + i, col0 + j))
            cell = sheet.cell(row0 + i, col0 + j)
            cell.value, cell.formula = parsed.value, parsed.formula
            if parsed.number_format:
                cell.fmt = dict(cell.fmt or {})
                cell.fmt["numberFormat"] = parsed.number_format
            touched_rows.add(i)
            touched_cols.add(j)
            count += 1
    for key in written:
        if sheet.cells[key].is_blank():
            del sheet.cells[key]
    return len(touched_rows), len(touched_cols), count


def clear_values(sheet: Sheet, rect: Rect) -> None:
    """Remove values and formulas (formats and notes stay)."""
    sheet.changed()
    r0, r1, c0, c1 = rect
    for (r, c), cell in sheet.cells.items():
        if r0 <= r < r1 and c0 <= c < c1:
            cell.value, cell.formula = None, None
    sheet.prune()
