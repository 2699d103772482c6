"""The default demo district (`rollover-bot demo`: Edgenuity, 300 students) worked as a
district coordinator works it: edit the workbook, run the CLI, read the Checklist, the
roster tabs, the Log and what the mock LMS holds. The scenario tests of issue 15 use it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import time_machine
from openpyxl import load_workbook

from bot.cli import main
from bot.commands.create import make_demo
from bot.config import Config, load_config
from bot.lms.mock import MockLMS
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook

DAY = datetime(2026, 11, 27, 9, tzinfo=ZoneInfo("America/Chicago"))
"""The day issue 15 was found: the demo's rollover is 2026-12-27, S-018's target date
2027-05-17."""
STUDENTS = 300
SYSTEM = "Edgenuity"
ADMIN = "admin@demo-district.org"
COORDINATOR = "coordinator@demo-district.org"


class Demo:
    """One demo district in a directory, and what a coordinator does with it."""

    def __init__(self, directory: Path) -> None:
        self.path = make_demo(directory, STUDENTS, False, DAY.date())
        self.config: Config = load_config(str(self.path))

    def cli(self, *args: str) -> int:
        """``rollover-bot ARGS --config DIR/config.toml``: its exit code."""
        return main([*args, "--config", str(self.path)])

    def run(self) -> None:
        assert self.cli("run", "--once") == 0

    def approve(self, step_id: str) -> None:
        assert self.cli("approve", step_id, "--as", ADMIN) == 0

    def steps(self) -> dict[str, dict[str, str]]:
        """The Checklist's rows by Step ID."""
        frame = self.tab("Checklist")
        return {r["Step ID"]: r for r in frame.to_dict("records")}

    def step(self, step_id: str) -> dict[str, str]:
        return self.steps()[step_id]

    def tab(self, name: str) -> pd.DataFrame:
        book = XlsxWorkbook(self.config.workbook_path, load_template())
        return book.read([name]).frames[name].reset_index(drop=True)

    def set_step(self, step_id: str, column: str, value: object) -> None:
        """Type ``value`` into ``column`` of the step's row."""
        self._edit("Checklist", "Step ID", step_id, column, value)

    def tick(self, step_id: str, ticked: bool = True) -> None:
        self.set_step(step_id, "Run", ticked)

    def tick_again(self, step_id: str) -> None:
        """Untick Run, let a cycle show Idle, tick it again (the next cycle plans it anew)."""
        self.tick(step_id, False)
        self.run()
        assert self.step(step_id)["Status"] == "Idle"
        self.tick(step_id, True)

    def add_step(self, values: dict[str, object]) -> None:
        """A new Checklist row at the bottom (Step ID blank unless given)."""
        self.append_row("Checklist", values)

    def delete_step(self, step_id: str) -> None:
        book = load_workbook(self.config.workbook_path)
        sheet = book["Checklist"]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == step_id:
                sheet.delete_rows(row[0].row)
                break
        else:
            raise AssertionError(f"no row {step_id}")
        book.save(self.config.workbook_path)

    def set_row(self, tab: str, key: str, record_id: str, column: str, value: object) -> None:
        """Type ``value`` into ``column`` of the roster row whose ``key`` is ``record_id``."""
        self._edit(tab, key, record_id, column, value)

    def append_row(self, tab: str, values: dict[str, object]) -> None:
        book = load_workbook(self.config.workbook_path)
        sheet = book[tab]
        headers = [c.value for c in sheet[1]]
        sheet.append([values.get(str(h)) for h in headers])
        book.save(self.config.workbook_path)

    def _edit(self, tab: str, key: str, record_id: str, column: str, value: object) -> None:
        book = load_workbook(self.config.workbook_path)
        sheet = book[tab]
        headers = [c.value for c in sheet[1]]
        rows = [r for r in sheet.iter_rows(min_row=2) if r[headers.index(key)].value == record_id]
        assert rows, f"no row {record_id} in {tab}"
        for row in rows:
            row[headers.index(column)].value = value
        book.save(self.config.workbook_path)

    def lms(self) -> MockLMS:
        """The mock LMS as it is now (close it when done)."""
        return MockLMS(self.config.lms_path)

    def records(self, kind: str) -> pd.DataFrame:
        """What Edgenuity holds of ``kind``, by ID."""
        lms = self.lms()
        try:
            return lms.records(SYSTEM, kind).set_index("id")
        finally:
            lms.close()

    def history(self, action: str = "") -> list[tuple[str, str, str, str, str, str]]:
        """Every change Edgenuity applied (of ``action``), oldest first."""
        lms = self.lms()
        try:
            return [h for h in lms.store.history(SYSTEM) if not action or h[2] == action]
        finally:
            lms.close()


def on_the_day(tmp_path: Path) -> Iterator[Demo]:
    """For a fixture: the default demo district on :data:`DAY`, no cycle run yet; the clock
    stays on that day (and moves on from it) for the whole test."""
    with time_machine.travel(DAY):
        yield Demo(tmp_path / "demo")
