"""Setting a benchmark district up (not measured): the workbook on either backend, the
seeded mock LMS, a fresh state store and the config file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from bench.district import ADMIN, COORDINATOR, District
from bench.xlsxfile import write_xlsx
from bot.config import render_config
from bot.lms.mock import MockLMS
from bot.templates import Tab, WorkbookTemplate
from bot.workbook.gsheets import spare_rows
from bot.workbook.sheets_api import SheetsApi, quote_tab

PUSH_ROWS = 50_000
SYSTEM = "Edgenuity"


def seed_lms(path: Path, district: District, template: WorkbookTemplate) -> None:
    """A mock LMS holding every roster record of the district."""
    path.unlink(missing_ok=True)
    lms = MockLMS(path)
    try:
        frames = {
            tab.name: pd.DataFrame(district.tabs[tab.name], columns=list(tab.headers), dtype=object)
            for tab in template.roster_tabs
        }
        lms.seed(SYSTEM, frames)
    finally:
        lms.close()


def case_dir(
    directory: Path, lms_seed: Path, backend: str, spreadsheet_id: str = "", endpoint: str = ""
) -> Path:
    """A directory with the config, a copy of the seeded LMS and an empty state store."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    shutil.copyfile(lms_seed, directory / "lms.sqlite")
    text = render_config("Bench District", [ADMIN, COORDINATOR])
    if backend == "gsheets":
        text = text.replace(
            'backend = "xlsx"',
            f'backend = "gsheets"\nspreadsheet_id = "{spreadsheet_id}"\n'
            f'credentials = "anonymous"\nendpoint = "{endpoint}"',
        )
    config = directory / "config.toml"
    config.write_text(text, encoding="utf-8")
    return config


def write_workbook(directory: Path, template: WorkbookTemplate, district: District) -> None:
    write_xlsx(directory / "rollover.xlsx", template, district.tabs)


def _cells(tab: Tab, rows: list[dict[str, str]]) -> list[list[Any]]:
    """Rows as the sheet holds them: checkboxes as booleans, everything else text (RAW)."""
    boxes = [c.type == "checkbox" for c in tab.columns]
    names = list(tab.headers)
    return [
        [
            (str(r.get(n, "")).upper() == "TRUE") if box else str(r.get(n, ""))
            for n, box in zip(names, boxes, strict=True)
        ]
        for r in rows
    ]


def push_district(api: SheetsApi, template: WorkbookTemplate, district: District) -> None:
    """Every template tab into the (new) spreadsheet: as many columns as the template has,
    the rows plus the spare rows `sheet push` leaves (1,000; the Log 20,000), headers, then
    the rows in chunks of 50,000."""
    meta = api.metadata()
    existing = {s["properties"]["title"] for s in meta.get("sheets", [])}
    requests_: list[dict[str, Any]] = []
    for tab in template.tabs:
        if tab.name in existing:
            continue
        height = len(district.tabs.get(tab.name, [])) + 1 + spare_rows(tab)
        grid = {"rowCount": height, "columnCount": len(tab.columns)}
        requests_.append({"addSheet": {"properties": {"title": tab.name, "gridProperties": grid}}})
    api.batch_update(requests_)
    api.batch_write(
        [{"range": f"{quote_tab(t.name)}!A1", "values": [list(t.headers)]} for t in template.tabs]
    )
    for tab in template.tabs:
        rows = district.tabs.get(tab.name, [])
        for start in range(0, len(rows), PUSH_ROWS):
            chunk = _cells(tab, rows[start : start + PUSH_ROWS])
            api.batch_write([{"range": f"{quote_tab(tab.name)}!A{start + 2}", "values": chunk}])


def reset_checklist(api: SheetsApi, template: WorkbookTemplate, rows: list[dict[str, str]]) -> None:
    """Overwrite the whole Checklist (bot columns included) with ``rows``."""
    tab = template.require("Checklist")
    api.batch_write([{"range": f"{quote_tab(tab.name)}!A2", "values": _cells(tab, rows)}])
