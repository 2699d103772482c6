"""The Checklist tab as steps: one per non-blank row, each with a stable Step ID."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from bot.core.id_fill import IdFill
from bot.core.values import is_checked

CHECKLIST = "Checklist"
ROW = "_row"
STEP_ID = re.compile(r"^S-(\d+)$", re.IGNORECASE)
STAFF_FIELDS = ("Phase", "System", "Action", "Scope", "Parameters", "Depends on", "Owner", "Due")


@dataclass(frozen=True)
class Step:
    step_id: str
    row: int
    system: str
    action: str
    scope: str = ""
    parameters: str = ""
    depends_on: tuple[str, ...] = ()
    owner: str = ""
    due: str = ""
    run: bool = False
    phase: str = ""
    notes: str = ""
    status: str = ""
    plan: str = ""
    approval: str = ""
    result: str = ""
    last_run: str = ""
    thread: str = ""
    id_was_blank: bool = False
    duplicate_id: bool = False
    signature: tuple[str, ...] = field(default=(), compare=False)


def split_ids(text: str) -> tuple[str, ...]:
    parts = re.split(r"[,;\s]+", str(text or "").strip())
    return tuple(p.upper() for p in parts if p)


def _cell(record: Mapping[str, object], column: str) -> str:
    value = record.get(column, "")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def signature_of(record: Mapping[str, object]) -> tuple[str, ...]:
    return tuple(_cell(record, c).strip() for c in STAFF_FIELDS)


def parse_checklist(frame: pd.DataFrame) -> tuple[list[Step], list[IdFill]]:
    """Steps in sheet order; rows with every staff field blank are skipped.

    A blank Step ID gets the next free ``S-NNN`` (numbers never reused within the sheet),
    to be written to the row that still holds the same staff values (``IdFill``);
    a Step ID used by several rows marks each of those steps ``duplicate_id``.
    """
    records = [r for r in frame.to_dict("records") if any(signature_of(r)) or _cell(r, "Step ID")]
    ids = [_cell(r, "Step ID").strip().upper() for r in records]
    numbers = [int(m.group(1)) for m in (STEP_ID.match(i) for i in ids) if m]
    next_number = max(numbers, default=0) + 1
    counts = pd.Series([i for i in ids if i]).value_counts().to_dict() if any(ids) else {}
    steps: list[Step] = []
    fills: list[IdFill] = []
    for record, step_id in zip(records, ids, strict=True):
        blank = not step_id
        signature = signature_of(record)
        row = int(str(record.get(ROW, 0) or 0))
        if blank:
            step_id = f"S-{next_number:03d}"
            next_number += 1
            match = tuple(zip(STAFF_FIELDS, signature, strict=True))
            fills.append(IdFill(tab=CHECKLIST, row=row, value=step_id, match=match))
        steps.append(
            Step(
                step_id=step_id,
                row=row,
                phase=_cell(record, "Phase").strip(),
                system=_cell(record, "System").strip(),
                action=_cell(record, "Action").strip(),
                scope=_cell(record, "Scope").strip(),
                parameters=_cell(record, "Parameters").strip(),
                depends_on=split_ids(_cell(record, "Depends on")),
                owner=_cell(record, "Owner").strip(),
                due=_cell(record, "Due").strip(),
                run=is_checked(_cell(record, "Run")),
                notes=_cell(record, "Notes"),
                status=_cell(record, "Status"),
                plan=_cell(record, "Plan"),
                approval=_cell(record, "Approval"),
                result=_cell(record, "Result"),
                last_run=_cell(record, "Last run"),
                thread=_cell(record, "Thread"),
                id_was_blank=blank,
                duplicate_id=counts.get(step_id, 0) > 1,
                signature=signature,
            )
        )
    return steps, fills
