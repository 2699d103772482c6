"""Playbooks: the vendors' procedures as ready Checklist rows (``sheets_templates/playbooks``).

Due dates are written relative to the rollover date (``rollover-14d``, ``rollover-1bd``) and
become dates when a workbook is made; Run on dates stay relative (``rollover-1bd``), so that
moving the rollover date moves them."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from bot.core.checklist import split_ids
from bot.core.values import DateAnchors, parse_date
from bot.errors import TemplateError
from bot.templates import templates_dir

RELATIVE = ("rollover", "today")


def playbooks_dir() -> Path:
    return templates_dir() / "playbooks"


def playbook_names() -> list[str]:
    return sorted(p.stem for p in playbooks_dir().glob("*.csv"))


def resolve_due(text: str, anchors: DateAnchors) -> str:
    """``rollover-21d`` (or ``rollover-1bd``: business days) as the date it stands for."""
    if not text.strip().casefold().startswith(RELATIVE):
        return text
    return parse_date(text, anchors).isoformat()


def read_playbook(name: str) -> list[dict[str, str]]:
    """The playbook's rows as written (relative dates kept)."""
    path = playbooks_dir() / f"{name}.csv"
    if not path.is_file():
        raise TemplateError(f"no playbook {name!r} (available: {', '.join(playbook_names())})")
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: v or "" for k, v in row.items() if k} for row in csv.DictReader(handle)]


def load_playbook(name: str, rollover: date | DateAnchors) -> list[dict[str, str]]:
    """The playbook's rows in the vendor's order, due dates resolved (``rollover``: the
    rollover date, or anchors with the district's business days), Run unticked."""
    anchors = rollover if isinstance(rollover, DateAnchors) else DateAnchors(rollover, rollover)
    rows = read_playbook(name)
    for row in rows:
        row["Due"] = resolve_due(row.get("Due", ""), anchors)
        row["Run"] = "FALSE"
    return rows


def combine(playbooks: list[list[dict[str, str]]]) -> list[dict[str, str]]:
    """Several playbooks as one Checklist, in the order given: Step IDs numbered anew
    (``S-001`` on) and each Depends on pointing at the same step as before."""
    out: list[dict[str, str]] = []
    for rows in playbooks:
        renamed: dict[str, str] = {}
        for row in rows:
            renamed[row["Step ID"].strip().upper()] = f"S-{len(out) + len(renamed) + 1:03d}"
        for row in rows:
            deps = [renamed.get(d, d) for d in split_ids(row.get("Depends on", ""))]
            out.append(
                row
                | {
                    "Step ID": renamed[row["Step ID"].strip().upper()],
                    "Depends on": ", ".join(deps),
                }
            )
    return out
