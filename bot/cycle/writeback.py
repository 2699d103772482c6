"""What a cycle writes back, in one batch: each step's columns that changed, the Step IDs it
filled, rows for other tabs, and the ledger's outcomes not yet in the Log (with the roster
rows' LMS status and Last action)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.checklist import CHECKLIST, Step
from bot.core.id_fill import IdFill
from bot.core.manual import KIND as MANUAL_KIND
from bot.core.status import StepView
from bot.structures import CellWrite, Outcome, WriteBatch
from bot.templates import WorkbookTemplate


def step_cells(steps: list[Step], fills: list[IdFill], views: Mapping[str, StepView]) -> WriteBatch:
    """The bot's columns of each step that differ from the sheet (all of them on a row whose
    Step ID the bot fills), and the fills."""
    batch = WriteBatch(id_fills=list(fills))
    written: set[str] = set()
    for step in steps:
        view = views.get(step.step_id)
        if view is None or step.step_id in written:
            continue
        written.add(step.step_id)
        current = StepView.of(step).cells()
        for column, value in view.cells().items():
            if current[column] != value or step.id_was_blank:
                batch.cells.append(CellWrite(CHECKLIST, step.step_id, column, value))
    return batch


def add_outcomes(batch: WriteBatch, outcomes: list[Outcome], template: WorkbookTemplate) -> None:
    """Roster rows' LMS status / Last action and the Log rows of not-yet-logged outcomes (a
    person's claim is logged By its owner)."""
    for outcome in outcomes:
        roster = template.tab_of_kind(outcome.kind)
        if roster is not None:
            tab = roster.name
            if outcome.lms_status:
                batch.cells.append(
                    CellWrite(tab, outcome.record_id, "LMS status", outcome.lms_status)
                )
            last = f"{outcome.step_id} {outcome.action}: {outcome.outcome} {outcome.at[:10]}"
            batch.cells.append(CellWrite(tab, outcome.record_id, "Last action", last))
        batch.log_rows.append(
            {
                "Time": outcome.at,
                "Step": outcome.step_id,
                "Action": outcome.action,
                "Record": outcome.record_id,
                "Outcome": outcome.outcome,
                "Message": outcome.message,
                "By": outcome.by
                or (outcome.record_id if outcome.kind == MANUAL_KIND else "rollover-bot"),
            }
        )
