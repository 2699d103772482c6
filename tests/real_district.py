"""A district set up as a coordinator would: `init` from a playbook on a given day, the
admins listed, the roster tabs filled and loaded into the mock LMS; then steps ticked and
cycles run on chosen days (time-machine: the bot's clock, `init`'s and the mock LMS's)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import time_machine
from openpyxl import load_workbook

from bot.cli import main
from bot.config import load_config
from bot.lms.mock import MockLMS
from bot.structures import ROW
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook

CHICAGO = ZoneInfo("America/Chicago")
ADMIN = "admin@lakeside.example.org"
COORDINATOR = "coordinator@lakeside.example.org"
STUDENTS = [
    ("000101", "Ana", "Ruiz", "5", "active"),
    ("000102", "Ben", "Kim", "5", "active"),
    ("000103", "Cy", "Lo", "4", "active"),
    ("SUM001", "Maya", "Reyes", "5", "new"),
    ("SUM002", "Theo", "Walsh", "5", "new"),
]
CLASSES = [("K-5A", "Science 5A", "5"), ("K-4A", "Science 4A", "4")]


@contextmanager
def on(day: date, at: time = time(9)) -> Iterator[None]:
    """The wall clock at ``at`` on ``day`` in the district (Chicago), standing still."""
    with time_machine.travel(datetime.combine(day, at, CHICAGO), tick=False):
        yield


def init(directory: Path, today: date, *args: str) -> Path:
    """`rollover-bot init --dir DIRECTORY ARGS...` run on ``today``; the config's path."""
    with on(today):
        assert main(["init", "--dir", str(directory), *args]) == 0
    return directory / "config.toml"


def add_admin(config: Path, admin: str = ADMIN) -> None:
    text = config.read_text(encoding="utf-8").replace("admins = []", f'admins = ["{admin}"]')
    config.write_text(text, encoding="utf-8")


def fill_roster(config: Path, system: str) -> None:
    """Students (the summer school ones selected) and classes in the workbook, and the same
    roster in the mock LMS (the new summer school students are not in it yet)."""
    path = load_config(str(config)).workbook_path
    book = load_workbook(path)
    students, classes = book["Students"], book["Classes"]
    for sid, first, last, grade, status in STUDENTS:
        selected = sid.startswith("SUM")
        students.append(
            [sid, first, last, int(grade), "North", status, None, None, None, None, selected]
        )
    for cid, title, grade in CLASSES:
        classes.append([cid, title, "SCI" + grade, "North", "2026-27", "T1", "active", False])
    book.save(path)
    frames = XlsxWorkbook(path, load_template()).read(["Students", "Classes"]).frames
    lms = MockLMS(path.parent / "lms.sqlite")
    try:
        lms.seed(system, {name: frame.drop(columns=[ROW]) for name, frame in frames.items()})
    finally:
        lms.close()


def edit(config: Path, step: str, **cells: object) -> None:
    """Set staff cells of a Checklist row, as a coordinator types them (``Run_on`` is the
    Run on column)."""
    path = load_config(str(config)).workbook_path
    book = load_workbook(path)
    sheet = book["Checklist"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == step:
            for name, value in cells.items():
                row[headers.index(name.replace("_", " "))].value = value
    book.save(path)


def add_step(config: Path, **cells: object) -> None:
    path = load_config(str(config)).workbook_path
    book = load_workbook(path)
    sheet = book["Checklist"]
    headers = [c.value for c in sheet[1]]
    sheet.append([cells.get(h.replace(" ", "_")) for h in headers])
    book.save(path)


def run_on(config: Path, day: date, at: time = time(9)) -> None:
    """One `run --once` on ``day``."""
    with on(day, at):
        assert main(["run", "--once", "--config", str(config)]) == 0


def checklist(config: Path) -> dict[str, dict[str, str]]:
    frame = tab(config, "Checklist")
    return {r["Step ID"]: r for r in frame.to_dict("records")}


def tab(config: Path, name: str) -> pd.DataFrame:
    path = load_config(str(config)).workbook_path
    return XlsxWorkbook(path, load_template()).read([name]).frames[name]


def lms_settings(config: Path, system: str, day: date) -> dict[str, str]:
    """What the mock LMS reports on ``day``."""
    with on(day):
        lms = MockLMS(load_config(str(config)).lms_path)
        try:
            return lms.settings(system)
        finally:
            lms.close()
