"""What the mock vendor models share: failures that keep their changes, the reports folder."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from bot.errors import RuleViolation
from bot.lms.mock.store import MockStore
from bot.structures import Operation

Handler = Callable[[MockStore, Operation], tuple[str, str]]
Seeder = Callable[[MockStore, dict[str, pd.DataFrame]], None]
SettingsView = Callable[[dict[str, str], date], dict[str, str]]
"""A system's stored settings as it reports them on a date."""


class KeptChanges(RuleViolation):
    """The vendor reports a failure but keeps what it did before failing (a sync that
    applies creates and updates, then fails on its deletions): the mock commits, then raises."""


def reports_dir(store: MockStore) -> Path:
    """The district's reports folder: ``reports/`` beside the mock's database."""
    folder = Path(store.path).parent / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def status_of(store: MockStore, system: str, kind: str, record_id: str) -> str:
    found = store.get(system, kind, record_id)
    return "" if found is None else found[0]


def fields_of(row: dict[str, object]) -> dict[str, str]:
    """A ``store.frame`` row back as record data (no id, status or missing fields)."""
    return {k: v for k, v in row.items() if k not in ("id", "status") and isinstance(v, str)}
