"""Executing a plan against the LMS, record by record, each outcome in the ledger as it
happens; a snapshot first for a destructive step. Used by the cycle for an ``Execute``."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from bot.actions.base import Action, PlanContext, SettingAction
from bot.core.lifecycle import Status, finished_label
from bot.core.plan import Plan
from bot.core.step_results import Failure, outcome_result, records_result
from bot.core.wording import past_tense
from bot.errors import LMSUnavailable, RuleViolation
from bot.progress import Progress
from bot.services import Services
from bot.step_failure import log_failure
from bot.structures import Operation, Outcome, SnapshotRecord


@dataclass
class Tally:
    """How far a step's execution got: counts, the failures named, the record in flight."""

    applied: int = 0
    already: int = 0
    total: int = 0
    failures: list[Failure] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    current: str = ""


class Execution:
    """One step's plan executed: ``run`` returns its status and result."""

    def __init__(
        self,
        services: Services,
        fatal: tuple[type[BaseException], ...],
        stop: threading.Event,
        stamp: str,
    ) -> None:
        self.svc = services
        self.fatal = fatal
        self.stop = stop
        self.stamp = stamp

    def run(
        self, step_id: str, action: Action, ctx: PlanContext, plan: Plan, inputs: str
    ) -> tuple[str, str]:
        """Apply the plan record by record. An error that is not one record's (a report file
        gone, a fault in the bot) ends the step Failed, with what was done before it."""
        self.svc.state.start_run(step_id, plan.fingerprint, self.stamp, inputs)
        tally = Tally()
        try:
            return self._work(step_id, action, ctx, plan, tally)
        except self.fatal:
            raise
        except Exception as exc:
            return self._broke_off(step_id, action, plan, tally, exc)

    def _work(
        self, step_id: str, action: Action, ctx: PlanContext, plan: Plan, tally: Tally
    ) -> tuple[str, str]:
        state = self.svc.state
        spec = action.spec
        done_before = state.applied(step_id)
        failures = tally.failures
        items = action.work(ctx)
        tally.total = len(items)
        if spec.destructive:
            pending = [i.record_id for i in items if i.record_id not in done_before]
            self._snapshot(step_id, action, ctx, pending)
        progress = Progress(f"{step_id} {spec.verb}", len(items))
        for item in items:
            if item.record_id in done_before:
                tally.already += 1
                continue
            if self.stop.is_set():
                progress.close()
                return _stopped(tally.applied + tally.already, len(items), failures)
            op = Operation(
                spec.system,
                spec.name,
                action.kind,
                item.record_id,
                key=f"{step_id}:{spec.system}:{spec.name}:{item.record_id}",
                params=item.params,
            )
            at = self.svc.clock.now().isoformat(sep=" ", timespec="seconds")
            tally.current = item.record_id
            try:
                result = self.svc.lms.execute(op)
            except (RuleViolation, LMSUnavailable) as exc:
                failures.append((item.record_id, str(exc)))
                outcome = Outcome(
                    step_id, item.record_id, spec.name, action.kind, "failed", str(exc), "", at
                )
            else:
                tally.applied += 1
                tally.messages.append(result.message)
                outcome = Outcome(
                    step_id,
                    item.record_id,
                    spec.name,
                    action.kind,
                    "applied",
                    result.message,
                    result.status,
                    at,
                )
            state.record_outcome(outcome)
            tally.current = ""
            progress.update(tally.applied + tally.already + len(failures))
        progress.close()
        applied, already = tally.applied, tally.already
        _, label = finished_label(applied + already, len(failures))
        setting = isinstance(action, SettingAction)
        if setting or self.svc.template.tab_of_kind(action.kind) is None:
            text = outcome_result(
                spec.verb, spec.noun, tally.messages, failures, len(items), prefix=not setting
            )
        else:
            text = records_result(spec.verb, spec.noun, applied, already, failures)
        state.finish_run(step_id, plan.fingerprint, label, text, self.stamp)
        return label, text

    def _broke_off(
        self, step_id: str, action: Action, plan: Plan, tally: Tally, exc: Exception
    ) -> tuple[str, str]:
        """The step ends Failed: the record in flight is logged failed, what was applied before
        stays applied (in the ledger, so in the Log, and never redone), and the run is finished
        so that the next cycle does not start it again on its own."""
        reason = log_failure(step_id, "executing it", exc)
        spec = action.spec
        at = self.svc.clock.now().isoformat(sep=" ", timespec="seconds")
        text = f"Failed: {reason}"
        if tally.current:
            self.svc.state.record_outcome(
                Outcome(step_id, tally.current, spec.name, action.kind, "failed", reason, "", at)
            )
            text = f"Failed on record {tally.current}: {reason}"
        if tally.applied or tally.already or tally.failures:
            done = records_result(
                spec.verb, spec.noun, tally.applied, tally.already, tally.failures
            )
            text += f". Before it stopped: {done}"
        else:
            text += f". Nothing was {past_tense(spec.verb).lower()} before it stopped"
        left = tally.total - tally.applied - tally.already - len(tally.failures)
        left -= 1 if tally.current else 0
        if left > 0:
            text += f"; {left:,} not tried"
        text += ". Once the cause is fixed, untick and tick Run to carry on"
        self.svc.state.finish_run(step_id, plan.fingerprint, Status.FAILED.value, text, self.stamp)
        return Status.FAILED.value, text

    def _snapshot(self, step_id: str, action: Action, ctx: PlanContext, ids: list[str]) -> None:
        """Keep the LMS state of the records a destructive step is about to change."""
        kind = getattr(action, "reads", "") or action.kind
        roster = self.svc.template.tab_of_kind(kind)
        if kind != action.kind or roster is None or ctx.lms_records.empty or not ids:
            return
        frame = ctx.lms_records[ctx.lms_records["id"].isin(ids)]
        records = [
            SnapshotRecord(
                action.spec.system,
                kind,
                str(r["id"]),
                str(r["status"]),
                json.dumps(
                    {
                        k: v
                        for k, v in r.items()
                        if k not in ("id", "status") and isinstance(v, str)
                    },
                    ensure_ascii=False,
                ),
            )
            for r in frame.to_dict("records")
        ]
        self.svc.state.save_snapshot(step_id, records)


def _fields(record: dict[str, object]) -> dict[str, str]:
    return {k: v for k, v in record.items() if k not in ("id", "status") and isinstance(v, str)}


def _stopped(done: int, total: int, failures: list[Failure]) -> tuple[str, str]:
    """Shutdown mid-step: the run stays open, so the next cycle carries on from here."""
    failed = f", {len(failures):,} failed" if failures else ""
    text = (
        f"Stopped at shutdown after {done:,} of {total:,} records{failed}; "
        "the next cycle carries on."
    )
    return Status.RUNNING.value, text
