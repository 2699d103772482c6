"""`undo STEP`: put back what a destructive step changed, from the snapshot taken before it."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from bot.core.approvals import refusal
from bot.core.checklist import step_key
from bot.core.wording import count
from bot.errors import (
    ApprovalRefused,
    LMSError,
    LMSUnavailable,
    RolloverError,
    RuleViolation,
    WorkbookError,
)
from bot.lms.mock.lms import RESTORE
from bot.lms.mock.shared import fields_of
from bot.progress import Progress
from bot.services import Services
from bot.steps.row import read_step, unknown_step
from bot.structures import Operation, OpResult, Outcome, SnapshotRecord

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
    changed = [
        record
        for record in snapshot
        if current[(record.system, record.kind)].get(record.record_id)
        != (record.status, json.loads(record.data))
    ]
    found = _found_restored(services, step_id, who.strip(), snapshot, changed)
    restored, failures = _restore(services, step_id, who.strip(), changed)
    restored += found
    run = state.run_for(step_id)
    text = (
        f"Restored {restored:,} of {count(len(snapshot), 'record')} from the snapshot "
        f"(by {who.strip()})"
    )
    if found:
        text += f" ({found:,} of them found restored by an undo that stopped before logging them)"
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


def _found_restored(
    services: Services,
    step_id: str,
    who: str,
    snapshot: list[SnapshotRecord],
    changed: list[SnapshotRecord],
) -> int:
    """Records an undo put back but did not live to record (killed between the LMS's answer
    and its ledger write): as the snapshot saw them now, while the ledger's last word on them
    is the step's change. Each is recorded restored now, once, so the Log has its row."""
    last: dict[str, str] = {}
    for outcome in services.state.outcomes(step_id):
        last[outcome.record_id] = outcome.outcome
    sending = {r.record_id for r in changed}
    back = [
        r for r in snapshot if r.record_id not in sending and last.get(r.record_id) == "applied"
    ]
    if back:
        at = services.clock.now().isoformat(sep=" ", timespec="seconds")
        said = "found as the snapshot saw it: restored by an undo that stopped before logging it"
        services.state.record_outcomes(
            [
                Outcome(
                    step_id, r.record_id, "undo", r.kind, "restored", said, r.status, at, by=who
                )
                for r in back
            ]
        )
    return len(back)


def _restore(
    services: Services, step_id: str, who: str, records: list[SnapshotRecord]
) -> tuple[int, list[str]]:
    """Put ``records`` back, a bulk request's worth at a time (one record at a time on an LMS
    that takes no bulk requests), each batch's outcomes in the ledger in one durable write as
    it comes back. Returns how many were restored, and the failures named."""
    restored = 0
    failures: list[str] = []
    by_system: dict[str, list[SnapshotRecord]] = defaultdict(list)
    for record in records:
        by_system[record.system].append(record)
    with Progress(f"{step_id} undo", len(records)) as progress:
        for system, pending in by_system.items():
            size = max(1, services.lms.bulk_size(system))
            for start in range(0, len(pending), size):
                batch = pending[start : start + size]
                outcomes = _send(services, step_id, who, batch)
                services.state.record_outcomes(outcomes)
                for record, outcome in zip(batch, outcomes, strict=True):
                    if outcome.outcome == "restored":
                        restored += 1
                    else:
                        said = outcome.message
                        named = said.startswith(f"{record.record_id}:")
                        failures.append(said if named else f"{record.record_id} ({said})")
                progress.advance(len(batch))
    return restored, failures


def _send(services: Services, step_id: str, who: str, batch: list[SnapshotRecord]) -> list[Outcome]:
    """One batch of restores in one call of the LMS (its bulk requests): each record's
    outcome, restored or failed (refused, or not applied). An error that is no one record's
    (a fault in the bot, credentials refused) is raised."""
    ops = [
        Operation(
            r.system, RESTORE, r.kind, r.record_id, params={"status": r.status, "data": r.data}
        )
        for r in batch
    ]
    results: list[OpResult | LMSError]
    try:
        results = services.lms.execute_many(ops)
    except (RuleViolation, LMSUnavailable) as exc:
        results = [exc] * len(ops)
    if len(results) != len(ops):
        system = batch[0].system
        raise LMSError(f"{system} answered {len(results)} outcomes for {len(ops)} records")
    at = services.clock.now().isoformat(sep=" ", timespec="seconds")
    return [
        _outcome(step_id, record, result, at, who)
        for record, result in zip(batch, results, strict=True)
    ]


def _outcome(
    step_id: str, record: SnapshotRecord, result: OpResult | LMSError, at: str, who: str
) -> Outcome:
    """One record's outcome, for the ledger (the Log's By column names ``who``)."""
    if isinstance(result, OpResult):
        said, status, outcome = result.message, result.status, "restored"
    else:
        said, status, outcome = str(result), "", "failed"
    return Outcome(
        step_id, record.record_id, "undo", record.kind, outcome, said, status, at, by=who
    )


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
