"""A lean district for the reliability suite: one Edgenuity step over many enrollments (and a
few students), a local workbook, the mock LMS seeded from it, and services on it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from gspread.utils import rowcol_to_a1
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.config import Config, load_config, render_config
from bot.cycle import Cycle, CycleReport
from bot.lms.mock import MockLMS
from bot.lms.mock.faults import Faults
from bot.notify.console import ConsoleNotifier
from bot.services import Services
from bot.state.sqlite import SqliteState
from bot.structures import ROW
from bot.templates import load_template
from bot.testing.fake_sheets import FakeSheetsServer
from bot.wiring import build_services
from bot.workbook.base import frame_from_grid
from bot.workbook.gsheets import GSheetsWorkbook, open_api
from bot.workbook.sheets_api import Backoff, SheetsApi, quote_tab
from bot.workbook.sheets_sync import push
from bot.workbook.xlsx import XlsxWorkbook
from bot.workbook.xlsx_layout import create_workbook

ADMIN = "admin@district.test"
OWNER = "owner@district.test"
GOOGLE_CELL = 50_000
STEP = "S-001"
ACTION = "complete enrollments"
SCOPE = "Enrollments: earned credit = yes; status = active"


def enrollment_rows(count: int) -> list[dict[str, str]]:
    return [
        {
            "Enrollment ID": f"E-{n:05d}",
            "Student ID": f"{n % 97:06d}",
            "Class ID": f"K-{n % 7}",
            "Start date": "2026-08-20",
            "Target date": "2026-12-18",
            "Progress": "100",
            "Earned credit": "yes",
            "Status": "active",
            "Select": "FALSE",
        }
        for n in range(1, count + 1)
    ]


def student_rows(count: int) -> list[dict[str, str]]:
    return [
        {
            "Student ID": f"{n:06d}",
            "First name": f"First{n}",
            "Last name": f"Last{n}",
            "Grade": str(9 + n % 4),
            "School": "North High" if n % 2 else "South High",
            "Status": "graduated" if n % 4 == 3 else "active",
            "Graduation year": "2027",
            "Birth date": "2010-05-01",
            "Email": f"s{n}@students.district.test",
            "Last login": "2026-11-01",
            "Select": "FALSE",
        }
        for n in range(1, count + 1)
    ]


def step_row(step_id: str, action: str, scope: str, parameters: str = "") -> dict[str, str]:
    return {
        "Step ID": step_id,
        "Phase": "Rollover",
        "System": "Edgenuity",
        "Action": action,
        "Scope": scope,
        "Parameters": parameters,
        "Owner": OWNER,
        "Due": "2026-12-01",
        "Run": "TRUE",
    }


@dataclass
class District:
    """``api`` is set when the workbook is a Google Sheet on the local fake; its backoff
    never sleeps and records the delays it would have waited (``waits``)."""

    root: Path
    config: Config
    api: SheetsApi | None = None
    waits: list[float] = field(default_factory=list)

    def backoff(self) -> Backoff:
        return Backoff(sleep=self.waits.append)

    def services(self, faults: Faults | None = None) -> Services:
        svc = build_services(self.config, ConsoleNotifier(quiet=True))
        if faults is not None:
            svc.lms.faults = faults  # type: ignore[attr-defined]
        if isinstance(svc.workbook, GSheetsWorkbook):
            svc.workbook.api.backoff = self.backoff()
        return svc

    @contextmanager
    def open(self, faults: Faults | None = None) -> Iterator[Services]:
        svc = self.services(faults)
        try:
            yield svc
        finally:
            svc.close()

    def cycle(self, execute: bool = True, faults: Faults | None = None) -> CycleReport:
        with self.open(faults) as svc:
            return Cycle(svc, execute=execute).run()

    def frames(self) -> dict[str, pd.DataFrame]:
        if self.api is not None:
            return GSheetsWorkbook(self.api, load_template()).read().frames
        return XlsxWorkbook(self.config.workbook_path, load_template()).read().frames

    def step(self, step_id: str = STEP) -> dict[str, str]:
        checklist = self.frames()["Checklist"].set_index("Step ID")
        return {str(k): str(v) for k, v in checklist.loc[step_id].items()}

    def set_cells(self, tab: str, key: str, **cells: object) -> None:
        """What staff do in the workbook: set cells of the row whose first column is ``key``."""
        if self.api is not None:
            self._set_sheet_cells(tab, key, cells)
            return
        book = load_workbook(self.config.workbook_path)
        sheet = book[tab]
        headers = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == key:
                for column, value in cells.items():
                    row[headers.index(column)].value = value
        book.save(self.config.workbook_path)

    def _set_sheet_cells(self, tab: str, key: str, cells: dict[str, object]) -> None:
        assert self.api is not None
        (grid,) = self.api.batch_get([quote_tab(tab)])
        headers = list(grid[0])
        data = [
            {
                "range": f"{quote_tab(tab)}!{rowcol_to_a1(number, headers.index(column) + 1)}",
                "values": [[v]],
            }
            for number, row in enumerate(grid, start=1)
            if row and row[0] == key
            for column, v in cells.items()
        ]
        self.api.batch_write(data)

    def changes(self, action: str = "complete enrollments") -> Counter[str]:
        """Changes the mock LMS applied by ``action``, per record (``system:action:record``):
        the LMS offers no idempotency keys, so more than one is a record applied twice."""
        lms = MockLMS(self.config.lms_path)
        try:
            keys = [h[3] for h in lms.store.history() if h[2] == action]
        finally:
            lms.close()
        return Counter(keys)

    def ledger(self, step_id: str = STEP) -> tuple[list[str], list[str]]:
        """Records the state store's ledger says were applied, and failed (never applied)."""
        state = SqliteState(self.config.state_path)
        try:
            outcomes = state.outcomes(step_id)
        finally:
            state.close()
        applied = [o.record_id for o in outcomes if o.outcome == "applied"]
        failed = [o.record_id for o in outcomes if o.outcome == "failed"]
        done = set(applied)
        return applied, [r for r in dict.fromkeys(failed) if r not in done]


def storable(tabs: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    """What an .xlsx file can hold: XML has no control characters. (A Google Sheet can: the
    rows are written to it as they are, after the push.)"""
    return {
        name: [{k: ILLEGAL_CHARACTERS_RE.sub("", v) for k, v in row.items()} for row in rows]
        for name, rows in tabs.items()
    }


def build_district(
    root: Path,
    enrollments: int = 0,
    students: int = 0,
    steps: list[dict[str, str]] | None = None,
    sheets: FakeSheetsServer | None = None,
    rows: dict[str, list[dict[str, str]]] | None = None,
    seed: dict[str, list[dict[str, str]]] | None = None,
) -> District:
    """A district directory under ``root`` whose Checklist holds ``steps`` (default: complete
    every enrollment), on a Google Sheet of ``sheets`` if given. ``rows`` replaces tabs' rows;
    the mock LMS is seeded with ``seed`` (default: the Enrollments and Students rows)."""
    root.mkdir(parents=True, exist_ok=True)
    template = load_template()
    tabs = {
        "Checklist": steps if steps is not None else [step_row(STEP, ACTION, SCOPE)],
        "Enrollments": enrollment_rows(enrollments),
        "Students": student_rows(students),
        **(rows or {}),
    }
    seeded = seed if seed is not None else {t: tabs[t] for t in ("Enrollments", "Students")}
    create_workbook(root / "rollover.xlsx", template, storable(tabs))
    config_path = root / "config.toml"
    config_path.write_text(render_config("Reliability District", [ADMIN]), encoding="utf-8")
    lms = MockLMS(root / "lms.sqlite")
    try:
        frames = {}
        for name, records in seeded.items():
            tab = template.require(name)
            grid = [tab.headers, *([r.get(h, "") for h in tab.headers] for r in records)]
            frames[name] = frame_from_grid(tab, grid).drop(columns=[ROW])
        lms.seed("Edgenuity", frames)
    finally:
        lms.close()
    if sheets is None:
        return District(root, load_config(str(config_path)))
    spreadsheet_id = sheets.create_spreadsheet(root.name)
    api = open_api(spreadsheet_id, "anonymous", sheets.url)
    push(root / "rollover.xlsx", api, template)
    api.batch_write(
        [
            {
                "range": f"{quote_tab(name)}!A1",
                "values": [template.require(name).headers]
                + [
                    [r.get(h, "")[:GOOGLE_CELL] for h in template.require(name).headers]
                    for r in records
                ],
            }
            for name, records in tabs.items()
        ]
    )
    text = config_path.read_text(encoding="utf-8").replace(
        'backend = "xlsx"',
        f'backend = "gsheets"\nspreadsheet_id = "{spreadsheet_id}"\n'
        f'credentials = "anonymous"\nendpoint = "{sheets.url}"',
    )
    config_path.write_text(text, encoding="utf-8")
    district = District(root, load_config(str(config_path)), api)
    api.backoff = district.backoff()
    return district
