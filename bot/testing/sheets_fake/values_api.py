"""The ``spreadsheets.values`` endpoints: get, batchGet, update, batchUpdate, append, clear,
batchClear."""

from __future__ import annotations

from typing import Any

from . import errors
from .a1 import format_range, index_to_col
from .access import Caller, ensure_editable
from .dimensions import insert
from .model import Sheet, Spreadsheet
from .ranges import Target, grid_error, resolve
from .values import (
    FORMATTED,
    INPUT_OPTIONS,
    RENDER_OPTIONS,
    as_rows,
    check_values,
    clear_values,
    rendered,
    write_rows,
)

Query = dict[str, list[str]]


def one(query: Query, name: str, default: str | None = None) -> str | None:
    """The first value of a query parameter."""
    values = query.get(name)
    return values[0] if values else default


def _flag(query: Query, name: str) -> bool:
    """A boolean query parameter (``true``/``True``)."""
    return (one(query, name) or "").lower() == "true"


def _render_opts(query: Query, prefix: str = "") -> tuple[str, str, str]:
    option = one(
        query, prefix + "valueRenderOption" if not prefix else prefix + "ValueRenderOption"
    )
    option = option or FORMATTED
    if option not in RENDER_OPTIONS:
        raise errors.invalid(f"Invalid value at 'value_render_option', \"{option}\"")
    dt_name = "dateTimeRenderOption" if not prefix else prefix + "DateTimeRenderOption"
    dt_option = one(query, dt_name) or "SERIAL_NUMBER"
    major = one(query, "majorDimension") or "ROWS"
    return option, dt_option, major


def value_range(target: Target, option: str, dt_option: str, major: str) -> dict[str, Any]:
    """A ValueRange for a resolved target."""
    out: dict[str, Any] = {"range": target.a1(), "majorDimension": major}
    values = rendered(target.sheet, target.rect, option, dt_option, major)
    if values:
        out["values"] = values
    return out


def get(book: Spreadsheet, range_text: str, query: Query) -> dict[str, Any]:
    """``GET values/{range}``."""
    option, dt_option, major = _render_opts(query)
    return value_range(resolve(book, range_text), option, dt_option, major)


def batch_get(book: Spreadsheet, query: Query) -> dict[str, Any]:
    """``GET values:batchGet?ranges=...``."""
    option, dt_option, major = _render_opts(query)
    ranges = query.get("ranges", [])
    return {
        "spreadsheetId": book.spreadsheet_id,
        "valueRanges": [value_range(resolve(book, r), option, dt_option, major) for r in ranges],
    }


def _input_option(option: str | None) -> str:
    if option is None:
        raise errors.invalid("'valueInputOption' is required but not specified")
    if option not in INPUT_OPTIONS:
        raise errors.invalid(f"Invalid value at 'value_input_option', \"{option}\"")
    return option


CELL_CHARACTERS = 50_000


def _check_lengths(rows: Any) -> None:
    """Google refuses a write holding a text longer than 50,000 characters (whole request)."""
    for line in rows if isinstance(rows, list) else []:
        for raw in line if isinstance(line, list) else [line]:
            if isinstance(raw, str) and len(raw) > CELL_CHARACTERS:
                raise errors.invalid(
                    "Your input contains more than the maximum of 50000 characters in a single "
                    "cell."
                )


def _write(
    book: Spreadsheet,
    target: Target,
    rows: list[list[Any]],
    option: str,
    caller: Caller,
    range_text: str,
) -> dict[str, Any]:
    _check_lengths(rows)
    sheet = target.sheet
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if not target.single:
        if height > target.r1 - target.r0:
            raise errors.invalid(
                f"Requested writing within range [{range_text}], but tried writing to row "
                f"[{target.r0 + height}]"
            )
        if width > target.c1 - target.c0:
            raise errors.invalid(
                f"Requested writing within range [{range_text}], but tried writing to column "
                f"[{index_to_col(target.c0 + width - 1)}]"
            )
    r1, c1 = target.r0 + max(height, 1), target.c0 + max(width, 1)
    if r1 > sheet.rows or c1 > sheet.cols:
        raise grid_error(sheet, target.r0, r1, target.c0, c1)
    ensure_editable(book, sheet, [(target.r0, r1, target.c0, c1)], caller)
    n_rows, n_cols, n_cells = write_rows(sheet, target.r0, target.c0, rows, option)
    out: dict[str, Any] = {
        "spreadsheetId": book.spreadsheet_id,
        "updatedRange": format_range(sheet.title, target.r0, r1, target.c0, c1),
    }
    if n_cells:
        out.update({"updatedRows": n_rows, "updatedColumns": n_cols, "updatedCells": n_cells})
    return out


def _with_data(out: dict[str, Any], book: Spreadsheet, query: Query, prefix: str) -> dict[str, Any]:
    option, dt_option, major = _render_opts(query, prefix)
    target = resolve(book, out["updatedRange"])
    out["updatedData"] = value_range(target, option, dt_option, major)
    return out


def update(
    book: Spreadsheet, range_text: str, query: Query, body: Any, caller: Caller
) -> dict[str, Any]:
    """``PUT values/{range}?valueInputOption=...``."""
    body = body if isinstance(body, dict) else {}
    values = check_values(body.get("values"), "data.values")
    option = _input_option(one(query, "valueInputOption"))
    target = resolve(book, range_text)
    rows = as_rows(values, body.get("majorDimension"))
    out = _write(book, target, rows, option, caller, range_text)
    if _flag(query, "includeValuesInResponse"):
        _with_data(out, book, query, "response")
    return out


def batch_update(book: Spreadsheet, body: Any, caller: Caller) -> dict[str, Any]:
    """``POST values:batchUpdate``."""
    body = body if isinstance(body, dict) else {}
    option = _input_option(body.get("valueInputOption"))
    responses: list[dict[str, Any]] = []
    touched: dict[str, set[tuple[int, int]]] = {"rows": set(), "cols": set(), "sheets": set()}
    total_cells = 0
    for item in body.get("data") or []:
        _check_lengths(item.get("values") if isinstance(item, dict) else None)
    for i, item in enumerate(body.get("data") or []):
        values = check_values(item.get("values"), f"data[{i}].values")
        target = resolve(book, str(item.get("range", "")))
        rows = as_rows(values, item.get("majorDimension"))
        out = _write(book, target, rows, option, caller, str(item.get("range", "")))
        sid = target.sheet.sheet_id
        for r, line in enumerate(rows):
            for c, raw in enumerate(line):
                if raw is not None:
                    touched["rows"].add((sid, target.r0 + r))
                    touched["cols"].add((sid, target.c0 + c))
                    touched["sheets"].add((sid, 0))
        total_cells += int(out.get("updatedCells", 0))
        if body.get("includeValuesInResponse"):
            query = {
                "responseValueRenderOption": [body.get("responseValueRenderOption") or FORMATTED],
                "responseDateTimeRenderOption": [
                    body.get("responseDateTimeRenderOption") or "SERIAL_NUMBER"
                ],
            }
            _with_data(out, book, query, "response")
        responses.append(out)
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if total_cells:
        result.update(
            {
                "totalUpdatedRows": len(touched["rows"]),
                "totalUpdatedColumns": len(touched["cols"]),
                "totalUpdatedCells": total_cells,
                "totalUpdatedSheets": len(touched["sheets"]),
            }
        )
    result["responses"] = responses
    return result


def clear(book: Spreadsheet, range_text: str, caller: Caller) -> dict[str, Any]:
    """``POST values/{range}:clear``."""
    target = resolve(book, range_text)
    ensure_editable(book, target.sheet, [target.rect], caller)
    clear_values(target.sheet, target.rect)
    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": target.a1()}


def batch_clear(book: Spreadsheet, body: Any, caller: Caller) -> dict[str, Any]:
    """``POST values:batchClear``."""
    ranges = (body or {}).get("ranges") or []
    targets = [resolve(book, str(r)) for r in ranges]
    for target in targets:
        ensure_editable(book, target.sheet, [target.rect], caller)
    for target in targets:
        clear_values(target.sheet, target.rect)
    return {"spreadsheetId": book.spreadsheet_id, "clearedRanges": [t.a1() for t in targets]}


def append(
    book: Spreadsheet, range_text: str, query: Query, body: Any, caller: Caller
) -> dict[str, Any]:
    """``POST values/{range}:append``: find the table in the range, write below it."""
    body = body if isinstance(body, dict) else {}
    values = check_values(body.get("values"), "data.values")
    option = _input_option(one(query, "valueInputOption"))
    target = resolve(book, range_text)
    sheet = target.sheet
    rows = as_rows(values, body.get("majorDimension"))
    table = find_table(sheet, target)
    if table is None:
        row0, col0 = target.r0, target.c0
    else:
        row0, col0 = table[1], table[2]
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if one(query, "insertDataOption") == "INSERT_ROWS" and height:
        insert(book, sheet, "ROWS", row0, row0 + height)
    sheet.grid["rowCount"] = max(sheet.rows, row0 + height)
    sheet.grid["columnCount"] = max(sheet.cols, col0 + width)
    write_target = Target(sheet, row0, sheet.rows, col0, sheet.cols, single=True)
    updates = _write(book, write_target, rows, option, caller, range_text)
    if _flag(query, "includeValuesInResponse"):
        _with_data(updates, book, query, "response")
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if table is not None:
        out["tableRange"] = format_range(sheet.title, table[0], table[1], table[2], table[3])
    out["updates"] = updates
    return out


def find_table(sheet: Sheet, target: Target) -> tuple[int, int, int, int] | None:
    """Google's table detection, approximated: the last filled cell in the range, grown into the
    run of filled cells around it and the block of filled rows above and below it."""
    filled = {(r, c) for (r, c), cell in sheet.cells.items() if cell.has_value()}
    inside = [
        (r, c) for r, c in filled if target.r0 <= r < target.r1 and target.c0 <= c < target.c1
    ]
    if not inside:
        return None
    last_row = max(r for r, _ in inside)
    anchor = max(c for r, c in inside if r == last_row)
    c0 = anchor
    while (last_row, c0 - 1) in filled:
        c0 -= 1
    c1 = anchor + 1
    while (last_row, c1) in filled:
        c1 += 1

    def row_filled(r: int) -> bool:
        return any((r, c) in filled for c in range(c0, c1))

    r0 = last_row
    while r0 > 0 and row_filled(r0 - 1):
        r0 -= 1
    r1 = last_row + 1
    while row_filled(r1):
        r1 += 1
    return r0, r1, c0, c1
