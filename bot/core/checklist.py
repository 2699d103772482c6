"""The Checklist tab as steps: one per non-blank row, each with a stable Step ID."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

from bot.core.id_fill import IdFill
from bot.core.values import is_checked

CHECKLIST = "Checklist"
ROW = "_row"
STEP_ID = re.compile(r"^S-(\d+)$", re.IGNORECASE | re.ASCII)
ID_CHARACTERS = frozenset("-_.")
MAX_ID_LENGTH = 40
COUNTED_DIGITS = 18
STAFF_FIELDS = (
    "Phase",
    "System",
    "Action",
    "Scope",
    "Parameters",
    "Depends on",
    "Owner",
    "Due",
    "Run on",
)


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
    run_on: str = ""
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


def step_id_problem(step_id: str) -> str:
    """Why ``step_id`` cannot be a Step ID (``""`` when it can): at most ``MAX_ID_LENGTH``
    letters, digits, ``-``, ``_`` or ``.``, so that Depends on can name it."""
    if len(step_id) > MAX_ID_LENGTH:
        return f"is too long for a Step ID (at most {MAX_ID_LENGTH} characters, such as S-012)"
    if not all(ch.isalnum() or ch in ID_CHARACTERS for ch in step_id):
        return (
            "is not a Step ID: use letters, digits, '-', '_' and '.' only, such as S-012 "
            "(Depends on could not name it)"
        )
    return ""


def free_numbers(ids: list[str]) -> Iterator[int]:
    """The numbers after the highest ``S-<number>`` in ``ids``, skipping any of theirs.

    Numbers are compared as digit strings (an absurd ``S-`` and 5,000 digits is never turned
    into an integer); only those of at most ``COUNTED_DIGITS`` digits raise the start."""
    taken = {m.group(1).lstrip("0") or "0" for m in map(STEP_ID.match, ids) if m}
    number = max((int(d) for d in taken if len(d) <= COUNTED_DIGITS), default=0)
    while True:
        number += 1
        if str(number) not in taken:
            yield number


def step_key(text: object) -> str:
    """A Step ID as the bot compares it: trimmed, in upper case (``s-7 `` is ``S-7``)."""
    return str(text or "").strip().upper()


def split_ids(text: str) -> tuple[str, ...]:
    parts = re.split(r"[,;\s]+", str(text or "").strip())
    return tuple(step_key(p) for p in parts if p)


def _cell(record: Mapping[str, object], column: str) -> str:
    value = record.get(column, "")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def signature_of(record: Mapping[str, object]) -> tuple[str, ...]:
    return tuple(_cell(record, c).strip() for c in STAFF_FIELDS)


def parse_checklist(
    frame: pd.DataFrame, issued: Iterable[str] = ()
) -> tuple[list[Step], list[IdFill]]:
    """Steps in sheet order; rows with every staff field blank are skipped.

    A blank Step ID gets the next free ``S-NNN`` (never one in the sheet, nor one ``issued``
    before, whose row may since have been deleted: a Step ID is never reused), to be written
    to the row that still holds the same staff values (``IdFill``); a Step ID used by
    several rows marks each of those steps ``duplicate_id``.
    """
    records = [r for r in frame.to_dict("records") if any(signature_of(r)) or _cell(r, "Step ID")]
    ids = [step_key(_cell(r, "Step ID")) for r in records]
    numbers = free_numbers([*ids, *(step_key(i) for i in issued)])
    counts = pd.Series([i for i in ids if i]).value_counts().to_dict() if any(ids) else {}
    steps: list[Step] = []
    fills: list[IdFill] = []
    for record, step_id in zip(records, ids, strict=True):
        blank = not step_id
        signature = signature_of(record)
        row = int(str(record.get(ROW, 0) or 0))
        if blank:
            step_id = f"S-{next(numbers):03d}"
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
                run_on=_cell(record, "Run on").strip(),
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
