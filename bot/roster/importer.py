"""``import-roster``: read a bundle, check it, merge it into the workbook (or only say what
would change), and optionally seed an empty mock LMS from the result. A pull from a OneRoster
API (``bot.roster.rest``) arrives as a bundle too and goes the same way."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as XlWorkbook

from bot.config import Config
from bot.core.wording import agree, count
from bot.errors import WorkbookError
from bot.lms.mock import MockLMS
from bot.progress import Progress, big_file, phase
from bot.roster.bundle import Bundle, open_bundle
from bot.roster.errors import Findings, Problem, RosterError, render
from bot.roster.long_values import fit_cells
from bot.roster.mapping import read_bundle
from bot.roster.merge import TabChanges, guard, plan
from bot.roster.references import check_references
from bot.roster.values import DELETED
from bot.roster.writer import apply_changes
from bot.structures import ROW
from bot.templates import WorkbookTemplate, load_template
from bot.workbook import path_setting
from bot.workbook.base import frame_from_grid
from bot.workbook.xlsx import XlsxWorkbook, missing_workbook

LMS_SYSTEM = "Edgenuity"


@dataclass
class ImportReport:
    source: str
    format: str
    changes: dict[str, TabChanges]
    notes: list[Problem] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    forced: str = ""
    refused: str = ""
    seeded: str = ""
    kind: str = "bundle"
    pulled: list[str] = field(default_factory=list)

    def counts(self, tab: str) -> dict[str, int]:
        c = self.changes[tab]
        return {
            "added": len(c.added),
            "updated": c.updated,
            "to be deleted": c.to_delete,
            "unchanged": c.unchanged,
            "absent": len(c.absent),
        }

    def render(self) -> str:
        lines = [f"{self.source}: {self.format} {self.kind}", *self.pulled]
        for tab, c in self.changes.items():
            counts = ", ".join(f"{n} {label}" for label, n in self.counts(tab).items())
            lines.append(f"  {tab:<12} ({c.mode}) {counts}")
            if c.absent:
                shown = ", ".join(c.absent[:10]) + (" ..." if len(c.absent) > 10 else "")
                lines.append(f"    not in the bundle (kept, not deleted): {shown}")
            if c.skipped_deleted:
                lines.append(
                    f"    {count(c.skipped_deleted, 'row')} marked deleted "
                    f"{agree(c.skipped_deleted, 'is', 'are')} not in the workbook (not added)"
                )
        if self.notes:
            lines.append(f"Notes ({len(self.notes)}):")
            lines.append(render(self.notes))
        if self.forced:
            lines.append(self.forced)
        if self.refused:
            lines.append(f"An import would be {self.refused}")
        if self.dry_run:
            lines.append("Dry run: the workbook was not changed.")
        elif self.written:
            lines.append("Workbook updated.")
        else:
            lines.append(f"Nothing to change: the workbook already matches the {self.kind}.")
        if self.seeded:
            lines.append(self.seeded)
        return "\n".join(lines)


def _load(path: Path, setting: str = "") -> XlWorkbook:
    if not path.exists():
        raise missing_workbook(path, setting)
    try:
        return load_workbook(path)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise WorkbookError(f"cannot read workbook {path}: {exc}") from exc


def _open_big(config: Config) -> XlWorkbook:
    """The workbook, loaded whole (what takes longest in an import: say so when big)."""
    path = config.workbook_path
    size = path.stat().st_size if path.exists() else 0
    with phase(f"Opening {path.name} ({size / 1e6:.1f} MB)", big_file(size)):
        return _load(path, path_setting(config))


def _frames(book: XlWorkbook, template: WorkbookTemplate) -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    tabs = [t for t in template.roster_tabs if t.name in book.sheetnames]
    rows = sum(book[t.name].max_row for t in tabs)
    with Progress("Reading the roster tabs", rows, "row") as reading:
        for tab in template.roster_tabs:
            if tab.name not in book.sheetnames:
                raise WorkbookError(f"the workbook has no {tab.name} tab")
            grid = list(reading.track(book[tab.name].iter_rows(values_only=True)))
            frames[tab.name] = frame_from_grid(tab, grid)
    return frames


def import_roster(
    config: Config,
    path: Path,
    dry_run: bool = False,
    force: bool = False,
    template: WorkbookTemplate | None = None,
) -> ImportReport:
    """Import the bundle at ``path``; the workbook is untouched if it is refused or a dry run."""
    return import_bundle(config, open_bundle(path), Findings(), dry_run, force, template)


def import_bundle(
    config: Config,
    bundle: Bundle,
    findings: Findings,
    dry_run: bool = False,
    force: bool = False,
    template: WorkbookTemplate | None = None,
    kind: str = "bundle",
) -> ImportReport:
    """Merge ``bundle`` into the workbook (``findings`` collects what it has to say)."""
    template = template or load_template()
    size = sum(len(raw) for raw in bundle.files.values())
    with phase(f"Reading {bundle.source} ({size / 1e6:.1f} MB)", big_file(size)):
        data = read_bundle(bundle, findings)
    fit_cells(data, {tab.name: tab.key for tab in template.roster_tabs}, findings)
    findings.raise_if_errors(bundle.source)
    book = _open_big(config)
    existing = _frames(book, template)
    with phase("Comparing the bundle with the workbook", big_file(size)):
        check_references(data, existing, findings)
        changes = plan(template, existing, data)
    report = ImportReport(
        bundle.source, data.format, changes, findings.notes, dry_run=dry_run, kind=kind
    )
    try:
        report.forced = guard(changes, config.max_change_percent, force)
    except RosterError as exc:
        if not dry_run:
            raise
        report.refused = str(exc)
    if not dry_run and any(c.changed for c in changes.values()):
        with phase(f"Writing {config.workbook_path.name}", big_file(size)):
            apply_changes(book, config.workbook_path, template, changes)
        report.written = True
    return report


def seed_lms(config: Config, template: WorkbookTemplate | None = None) -> str:
    """Seed the mock LMS from the roster tabs, only if it holds nothing yet (seeding replaces).
    Rows marked tobedeleted are left out, and so are the enrollments of students or classes
    left out."""
    template = template or load_template()
    lms = MockLMS(config.lms_path)
    try:
        if not lms.is_empty(LMS_SYSTEM):
            return (
                f"Mock LMS not seeded: {config.lms_path} already holds {LMS_SYSTEM} records "
                "and seeding would overwrite them (it only fills an empty LMS)."
            )
        snapshot = XlsxWorkbook(config.workbook_path, template).read()
        frames = {}
        for tab in template.roster_tabs:
            frame = snapshot.frames[tab.name].drop(columns=[ROW])
            frames[tab.name] = frame[frame["Status"].str.strip().str.casefold() != DELETED]
        enrollments = frames["Enrollments"]
        frames["Enrollments"] = enrollments[
            enrollments["Student ID"].str.strip().isin(frames["Students"]["Student ID"].str.strip())
            & enrollments["Class ID"].str.strip().isin(frames["Classes"]["Class ID"].str.strip())
        ]
        seeded = lms.seed(LMS_SYSTEM, frames)
        return f"Mock LMS seeded with {count(seeded, 'record')} ({config.lms_path})."
    finally:
        lms.close()
