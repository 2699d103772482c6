"""A step's row of the Checklist as the sheet has it now, found by its Step ID."""

from __future__ import annotations

import pandas as pd

from bot.abc import Workbook
from bot.core.checklist import step_key
from bot.errors import RolloverError, WorkbookError
from bot.structures import ROW

CHECKLIST = "Checklist"


class UnknownStep(RolloverError):
    """A Step ID the Checklist does not have."""


def find_row(frame: pd.DataFrame, step_id: str) -> dict[str, str] | None:
    """The first Checklist row with this Step ID (its cells as text), or None."""
    if frame.empty or "Step ID" not in frame:
        return None
    hits = frame[frame["Step ID"].map(step_key) == step_key(step_id)]
    if hits.empty:
        return None
    row: dict[str, str] = {str(k): str(v) for k, v in hits.iloc[0].items() if k != ROW}
    return row


def read_step(workbook: Workbook, step_id: str) -> dict[str, str] | None:
    """The step's row, or None when the Checklist has no such step; raises WorkbookError
    when the workbook or its Checklist tab cannot be read."""
    snapshot = workbook.read([CHECKLIST])
    if CHECKLIST not in snapshot.frames:
        raise WorkbookError(f"the workbook has no {CHECKLIST} tab")
    return find_row(snapshot.frames[CHECKLIST], step_id)


def unknown_step(step_id: str) -> UnknownStep:
    return UnknownStep(
        f"there is no step {step_key(step_id)} in the Checklist: check its Step ID column "
        "(`rollover-bot status` lists the steps)"
    )
