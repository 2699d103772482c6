"""Moving a district between a local workbook and a Google Sheet (`sheet push` / `sheet pull`)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from gspread.utils import rowcol_to_a1

from bot.core.values import is_checked
from bot.core.wording import count
from bot.errors import WorkbookError
from bot.progress import phase, worth_a_line
from bot.structures import ROW
from bot.templates import Tab, WorkbookTemplate
from bot.workbook.gsheets import GSheetsWorkbook, spare_rows
from bot.workbook.sheets_api import SheetsApi, quote_tab
from bot.workbook.xlsx import XlsxWorkbook
from bot.workbook.xlsx_layout import create_workbook


def _cells(tab: Tab, records: list[dict[str, Any]]) -> list[list[Any]]:
    """Header then rows; checkboxes as booleans, everything else text."""
    rows: list[list[Any]] = [list(tab.headers)]
    for record in records:
        line: list[Any] = []
        for column in tab.columns:
            value = str(record.get(column.name, ""))
            line.append(is_checked(value) if column.type == "checkbox" else value)
        rows.append(line)
    return rows


class SheetHasData(WorkbookError):
    """`sheet push` would replace rows the spreadsheet already holds."""


def rows_with_data(tab: Tab, grid: list[list[Any]]) -> int:
    """Rows below the header holding anything; an unticked checkbox (FALSE) is not data."""
    header = [str(h).strip() for h in grid[0]] if grid else []
    boxes = {i for i, name in enumerate(header) if (c := tab.column(name)) and c.type == "checkbox"}
    count = 0
    for row in grid[1:]:
        for index, value in enumerate(row):
            text = str(value).strip()
            if text and not (index in boxes and text.upper() == "FALSE"):
                count += 1
                break
    return count


def data_found(
    api: SheetsApi, template: WorkbookTemplate, titles: Collection[str]
) -> dict[str, int]:
    """Rows of data in each tab of the template the spreadsheet has (tabs with none left out)."""
    names = [tab.name for tab in template.tabs if tab.name in titles]
    grids = api.batch_get([quote_tab(name) for name in names])
    found = {
        name: rows_with_data(template.require(name), grid)
        for name, grid in zip(names, grids, strict=True)
    }
    return {name: rows for name, rows in found.items() if rows}


def refusal(spreadsheet_id: str, found: dict[str, int]) -> str:
    counts = ", ".join(f"{n:,} {tab} row{'s' if n != 1 else ''}" for tab, n in found.items())
    return (
        f"the Google Sheet {spreadsheet_id} already holds data ({counts}): `sheet push` would "
        "replace it. Keep a copy first (rollover-bot sheet pull --to backup.xlsx), then push "
        "again with --force to replace it"
    )


def push(
    source: Path, api: SheetsApi, template: WorkbookTemplate, force: bool = False
) -> dict[str, int]:
    """Copy every tab of a local workbook into the spreadsheet (tabs created as needed);
    returns the rows written per tab. A spreadsheet that already holds rows is refused
    (SheetHasData) unless ``force``; then the tabs pushed are cleared first, so no old row
    stays below the new ones."""
    snapshot = XlsxWorkbook(source, template).read()
    meta = api.metadata()
    existing = {s["properties"]["title"]: s["properties"] for s in meta.get("sheets", [])}
    found = data_found(api, template, existing)
    if found and not force:
        raise SheetHasData(refusal(api.spreadsheet_id, found))
    grids = {
        tab.name: _cells(tab, snapshot.frames[tab.name].drop(columns=[ROW]).to_dict("records"))
        for tab in template.tabs
        if tab.name in snapshot.frames
    }
    requests: list[dict[str, Any]] = []
    for name, grid in grids.items():
        rows = len(grid) + spare_rows(template.require(name))
        columns = max(26, len(grid[0]))
        if name not in existing:
            requests.append(
                {
                    "addSheet": {
                        "properties": {
                            "title": name,
                            "gridProperties": {"rowCount": rows, "columnCount": columns},
                        }
                    }
                }
            )
            continue
        props = existing[name]
        have = props.get("gridProperties", {})
        if have.get("rowCount", 0) < rows:
            requests.append(
                {
                    "appendDimension": {
                        "sheetId": props["sheetId"],
                        "dimension": "ROWS",
                        "length": rows - have.get("rowCount", 0),
                    }
                }
            )
        if have.get("columnCount", 0) < columns:
            requests.append(
                {
                    "appendDimension": {
                        "sheetId": props["sheetId"],
                        "dimension": "COLUMNS",
                        "length": columns - have.get("columnCount", 0),
                    }
                }
            )
    api.batch_update(requests)
    api.batch_clear([quote_tab(name) for name in grids if name in found])
    data = [
        {"range": f"{quote_tab(name)}!{rowcol_to_a1(1, 1)}", "values": grid}
        for name, grid in grids.items()
    ]
    rows = sum(len(grid) for grid in grids.values())
    with phase(f"Writing {count(rows, 'row')} to the Google Sheet", worth_a_line(rows, "row")):
        api.batch_write(data)
    return {name: len(grid) - 1 for name, grid in grids.items()}


def pull(api: SheetsApi, template: WorkbookTemplate, target: Path) -> dict[str, int]:
    """Write the spreadsheet's tabs into a new local workbook; returns rows per tab."""
    snapshot = GSheetsWorkbook(api, template).read()
    tabs = {
        name: frame.drop(columns=[ROW]).to_dict("records")
        for name, frame in snapshot.frames.items()
    }
    create_workbook(target, template, tabs)
    return {name: len(rows) for name, rows in tabs.items()}
