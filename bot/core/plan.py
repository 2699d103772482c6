"""Plans: what a step will do, and the fingerprint an approval binds to."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd

from bot.core.values import format_count, shown

EXAMPLE_CHARACTERS = 100
WHERE_CHARACTERS = 300


@dataclass(frozen=True)
class Plan:
    step_id: str
    system: str
    action: str
    scope: str
    parameters: str
    record_ids: tuple[str, ...]
    summary: str
    destructive: bool
    fingerprint: str
    judged: pd.DataFrame | None = field(default=None, compare=False, hash=False, repr=False)
    """For a plan made against the LMS's state: each selected record's fate and target
    (``bot.core.targets.judge``); execution sends the ones that will change."""


def fingerprint(
    system: str,
    action: str,
    scope: str,
    parameters: str,
    record_ids: tuple[str, ...],
    owner: str = "",
) -> str:
    """A short hash of everything an approval vouches for; any change gives another one.

    The owner is part of it too, so that handing a step to its approver voids the approval.
    """
    payload = json.dumps(
        {
            "system": system.casefold(),
            "action": action.casefold(),
            "scope": scope,
            "parameters": parameters,
            "records": sorted(record_ids),
            "owner": owner.strip().casefold(),
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def summarize(
    verb: str, noun: str, selected: int, total: int, where: str, examples: list[str]
) -> str:
    """``Will archive 312 of 2,140 active students (North High, grade 12); e.g. ...``; the
    scope's wording and each example are cut short when a cell made them long."""
    text = f"Will {verb} {format_count(selected)} of {format_count(total)} {noun}"
    if where:
        text += f" ({shown(where, WHERE_CHARACTERS, quote=False)})"
    if examples:
        more = selected - len(examples)
        cut = [shown(e, EXAMPLE_CHARACTERS, quote=False) for e in examples]
        text += "; e.g. " + ", ".join(cut) + (f" and {format_count(more)} more" if more else "")
    return text


def make_plan(
    step_id: str,
    system: str,
    action: str,
    scope: str,
    parameters: str,
    record_ids: tuple[str, ...],
    summary: str,
    destructive: bool,
    owner: str = "",
) -> Plan:
    return Plan(
        step_id=step_id,
        system=system,
        action=action,
        scope=scope,
        parameters=parameters,
        record_ids=record_ids,
        summary=summary,
        destructive=destructive,
        fingerprint=fingerprint(system, action, scope, parameters, record_ids, owner),
    )
