"""`undo STEP`: put back what a destructive step changed, from the snapshot taken before it."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from bot.core.approvals import refusal
from bot.core.checklist import step_key
from bot.core.wording import count
from bot.errors import ApprovalRefused, LMSUnavailable, RolloverError, RuleViolation, WorkbookError
from bot.lms.mock.lms import RESTORE
from bot.lms.mock.shared import fields_of
from bot.services import Services
from bot.steps.row import read_step, unknown_step
from bot.structures import Operation, Outcome

UNDONE = "Undone"


@dataclass(frozen=True)
class UndoReport:
    """What an undo did: ``text`` says it; ``restored`` records were put back."""

    text: str
    restored: int = 0
    failed: int = 0


def undo(services: Services, step_id: str, who: str) -> UndoReport:
    """Restore every record of the step's snapshot whose LMS state (status or any field: a
    promotion changes the grade, not the status) has changed since.

    Only an admin may undo. Records already as the snapshot saw them are left alone, so an
    interrupted undo can simply be run again.
    """
    step_id = step_key(step_id)
    why = refusal(services.policy, who, owner="")
    if why:
        raise ApprovalRefused(f"undo {step_id}: {why}")
    state = services.state
    snapshot = state.snapshot(step_id)
    if not snapshot:
        raise _nothing_kept(services, step_id)
    current: dict[tuple[str, str], dict[str, tuple[str, dict[str, str]]]] = defaultdict(dict)
    for system, kind in {(r.system, r.kind) for r in snapshot}:
        frame = services.lms.records(system, kind)
        current[(system, kind)] = {
            str(r["id"]): (str(r["status"]), fields_of(r)) for r in frame.to_dict("records")
        }
    restored = 0
    failures: list[str] = []
    for record in snapshot:
        now = current[(record.system, record.kind)].get(record.record_id)
        if now == (record.status, json.loads(record.data)):
            continue
        op = Operation(
            record.system,
            RESTORE,
            record.kind,
            record.record_id,
            params={"status": record.status, "data": record.data},
        )
        at = services.clock.now().isoformat(sep=" ", timespec="seconds")
        try:
            result = services.lms.execute(op)
        except (RuleViolation, LMSUnavailable) as exc:
            failures.append(f"{record.record_id} ({exc})")
            state.record_outcome(
                Outcome(
                    step_id,
                    record.record_id,
                    "undo",
                    record.kind,
                    "failed",
                    str(exc),
                    "",
                    at,
                    by=who.strip(),
                )
            )
            continue
        restored += 1
        state.record_outcome(
            Outcome(
                step_id,
                record.record_id,
                "undo",
                record.kind,
                "restored",
                result.message,
                result.status,
                at,
                by=who.strip(),
            )
        )
    run = state.run_for(step_id)
    text = (
        f"Restored {restored:,} of {count(len(snapshot), 'record')} from the snapshot "
        f"(by {who.strip()})"
    )
    if failures:
        text += f"; {len(failures):,} failed: " + ", ".join(failures[:3])
    if run is not None and restored:
        at = services.clock.now().isoformat(sep=" ", timespec="seconds")
        state.finish_run(step_id, run.fingerprint, UNDONE, text, at)
        # Ticked again, the step asks anew: an approval was for changes since undone; and
        # what it did once per rollover (promotions) may be done again.
        state.reset_approvals(step_id, at)
        state.drop_once(step_id)
    if not restored and not failures:
        return UndoReport(f"Nothing to undo: {step_id}'s records are as they were before it ran")
    return UndoReport(text, restored, len(failures))


def _nothing_kept(services: Services, step_id: str) -> RolloverError:
    """Why a step without a snapshot cannot be undone: no such step, it has not run, or it
    is not destructive (only destructive steps keep one)."""
    try:
        row = read_step(services.workbook, step_id)
    except WorkbookError:
        row = {}
    if row is None:
        return unknown_step(step_id)
    if services.state.run_for(step_id) is None and not services.state.outcomes(step_id):
        return RolloverError(f"{step_id} has not run: there is nothing to undo")
    return RolloverError(
        f"{step_id} changed nothing that can be undone: only a destructive step (archive, "
        "disable, complete, promote, ...) keeps a snapshot of the records it changes"
    )
