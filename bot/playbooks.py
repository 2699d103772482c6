"""Playbooks: the vendors' procedures as ready Checklist rows (``sheets_templates/playbooks``)."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path

from bot.errors import TemplateError
from bot.templates import templates_dir

_RELATIVE_DUE = re.compile(r"^rollover\s*([+-])\s*(\d+)d$", re.IGNORECASE)


def playbooks_dir() -> Path:
    return templates_dir() / "playbooks"


def playbook_names() -> list[str]:
    return sorted(p.stem for p in playbooks_dir().glob("*.csv"))


def resolve_due(text: str, rollover: date) -> str:
    """``rollover-21d`` becomes the date 21 days before the rollover date."""
    match = _RELATIVE_DUE.match(text.strip())
    if not match:
        return text
    days = int(match.group(2)) * (1 if match.group(1) == "+" else -1)
    return (rollover + timedelta(days=days)).isoformat()


def load_playbook(name: str, rollover: date) -> list[dict[str, str]]:
    """The playbook's rows in the vendor's order, due dates resolved, Run unticked."""
    path = playbooks_dir() / f"{name}.csv"
    if not path.is_file():
        raise TemplateError(f"no playbook {name!r} (available: {', '.join(playbook_names())})")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["Due"] = resolve_due(row.get("Due", ""), rollover)
        row["Run"] = "FALSE"
    return rows
