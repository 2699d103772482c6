"""`sheet provision`: create or repair a Google Sheet's tabs from ``sheets_templates/``.

Tabs and headers (a sheet made before an optional column existed gets it at the end of its
header row; one holding every column in another order is left as it is), frozen header
rows, checkboxes on checkbox columns, dropdowns on dropdown columns, bot columns protected so
only the bot's account edits them, and Status coloured (Done green, Failed / Invalid red,
Awaiting approval amber). What is already right is left alone, so a second run sends no
change at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gspread.utils import rowcol_to_a1

from bot.core.wording import count
from bot.templates import Tab, WorkbookTemplate, normalize_header
from bot.workbook.gsheets import spare_rows
from bot.workbook.sheets_api import SheetsApi, quote_tab

ROWS = 1000
MARK = "rollover-bot"
STATUS_COLOURS = (
    ("Done", {"red": 0.85, "green": 0.94, "blue": 0.83}),
    ("Partly done", {"red": 1.0, "green": 0.95, "blue": 0.8}),
    ("Failed", {"red": 0.96, "green": 0.8, "blue": 0.8}),
    ("Invalid", {"red": 0.96, "green": 0.8, "blue": 0.8}),
    ("Awaiting approval", {"red": 1.0, "green": 0.9, "blue": 0.6}),
)


def _grid(sheet_id: int, column: int, rows: int = ROWS) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": 1,
        "endRowIndex": rows,
        "startColumnIndex": column,
        "endColumnIndex": column + 1,
    }


def _validations(
    tab: Tab, sheet_id: int, actions: list[str], positions: dict[str, int], only: set[str]
) -> list[dict[str, Any]]:
    """Checkboxes and dropdowns on the columns named in ``only`` (at their ``positions``)."""
    out: list[dict[str, Any]] = []
    for column in tab.columns:
        if column.name not in only:
            continue
        if column.type == "checkbox":
            rule: dict[str, Any] = {"condition": {"type": "BOOLEAN"}}
        elif column.type == "dropdown":
            choices = actions if column.choices_from == "actions" else list(column.choices)
            rule = {
                "condition": {
                    "type": "ONE_OF_LIST",
                    "values": [{"userEnteredValue": c} for c in choices],
                },
                "showCustomUi": True,
                "strict": False,
            }
        else:
            continue
        index = positions[column.name]
        out.append({"setDataValidation": {"range": _grid(sheet_id, index), "rule": rule}})
    return out


def _protections(
    tab: Tab, sheet: dict[str, Any], sheet_id: int, editor: str, positions: dict[str, int]
) -> list[dict[str, Any]]:
    have = {p.get("description", "") for p in sheet.get("protectedRanges", [])}
    out: list[dict[str, Any]] = []
    for column in tab.columns:
        index = positions[column.name]
        label = f"{MARK}: {tab.name} / {column.name} is written by the bot"
        if column.is_bot and label not in have:
            out.append(
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": _grid(sheet_id, index),
                            "description": label,
                            "warningOnly": False,
                            "editors": {"users": [editor]},
                        }
                    }
                }
            )
    return out


def _status_colours(
    tab: Tab, sheet: dict[str, Any], sheet_id: int, positions: dict[str, int]
) -> list[dict[str, Any]]:
    status = tab.column("Status")
    if not tab.main or status is None or sheet.get("conditionalFormats"):
        return []
    index = positions[status.name]
    return [
        {
            "addConditionalFormatRule": {
                "index": n,
                "rule": {
                    "ranges": [_grid(sheet_id, index)],
                    "booleanRule": {
                        "condition": {
                            "type": "TEXT_STARTS_WITH",
                            "values": [{"userEnteredValue": text}],
                        },
                        "format": {"backgroundColor": colour},
                    },
                },
            }
        }
        for n, (text, colour) in enumerate(STATUS_COLOURS)
    ]


def provision(
    api: SheetsApi, template: WorkbookTemplate, actions: Iterable[str], editor: str
) -> list[str]:
    """Bring the spreadsheet in line with the template; return what was changed."""
    action_names = sorted(set(actions))
    meta = api.full_metadata()
    sheets = {normalize_header(s["properties"]["title"]): s for s in meta.get("sheets", [])}
    missing = [t for t in template.tabs if normalize_header(t.name) not in sheets]
    changes = [f"added tab {t.name}" for t in missing]
    api.batch_update(
        [
            {
                "addSheet": {
                    "properties": {
                        "title": t.name,
                        "gridProperties": {
                            "rowCount": spare_rows(t),
                            "columnCount": max(26, len(t.columns)),
                            "frozenRowCount": 1,
                        },
                    }
                }
            }
            for t in missing
        ]
    )
    if missing:
        meta = api.full_metadata()
        sheets = {normalize_header(s["properties"]["title"]): s for s in meta.get("sheets", [])}
    headers = api.batch_get(
        [
            f"{quote_tab(sheets[normalize_header(t.name)]['properties']['title'])}!1:1"
            for t in template.tabs
        ]
    )
    writes: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    for tab, header in zip(template.tabs, headers, strict=True):
        sheet = sheets[normalize_header(tab.name)]
        props = sheet["properties"]
        sheet_id = int(props["sheetId"])
        have = [normalize_header(str(h)) for h in (header[0] if header else [])]
        while have and not have[-1]:
            have.pop()
        title = quote_tab(props["title"])
        wrote_header = False
        if all(normalize_header(c) in have for c in tab.required_headers):
            added = [c for c in tab.columns if c.key not in have]
            if added:
                start = rowcol_to_a1(1, len(have) + 1)
                writes.append({"range": f"{title}!{start}", "values": [[c.name for c in added]]})
                names = ", ".join(c.name for c in added)
                columns = "column" if len(added) == 1 else "columns"
                changes.append(f"{tab.name}: {columns} {names} added at the end of the header")
                have += [c.key for c in added]
                wrote_header = True
            positions = {c.name: have.index(c.key) for c in tab.columns}
            only = {c.name for c in added}
        else:
            writes.append({"range": f"{title}!A1", "values": [tab.headers]})
            changes.append(f"{tab.name}: header row set")
            have = [c.key for c in tab.columns]
            positions = {c.name: n for n, c in enumerate(tab.columns)}
            only = set(tab.headers)
            wrote_header = True
        requests += _validations(tab, sheet_id, action_names, positions, only)
        if props.get("gridProperties", {}).get("frozenRowCount", 0) != 1:
            requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": sheet_id,
                            "gridProperties": {"frozenRowCount": 1},
                        },
                        "fields": "gridProperties.frozenRowCount",
                    }
                }
            )
            changes.append(f"{tab.name}: header row frozen")
        protect = _protections(tab, sheet, sheet_id, editor, positions)
        if protect:
            changes.append(f"{tab.name}: {count(len(protect), 'bot column')} protected")
        colours = _status_colours(tab, sheet, sheet_id, positions)
        if colours:
            changes.append(f"{tab.name}: Status coloured")
        requests += protect + colours
        bold = {
            "repeatCell": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": 0,
                    "endRowIndex": 1,
                    "startColumnIndex": 0,
                    "endColumnIndex": len(have),
                },
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        }
        if wrote_header:
            requests.append(bold)
    api.batch_write(writes)
    api.batch_update(requests)
    return changes
