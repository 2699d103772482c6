"""Executing a plan against the LMS, a bulk request's worth of records at a time (one record
at a time on an LMS that takes no bulk requests), each batch's outcomes in the ledger in one
durable write as it comes back; a snapshot first for a destructive step. Used by the cycle for
an ``Execute``."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import pandas as pd

from bot.actions.base import Action, PlanContext, SettingAction, WorkItem
from bot.core.plan import Plan
from bot.core.status import Status, finished_label
from bot.core.step_results import Failure, judged_result, outcome_result, records_result
from bot.core.targets import FATE, ID, STATUS, TO, Fate
from bot.core.wording import past_participle, past_tense
from bot.errors import LMSError, RuleViolation
from bot.progress import Progress
from bot.services import Services
from bot.steps.failure import log_failure
from bot.structures import OnceKey, Operation, OpResult, Outcome, Settlement, SnapshotRecord


@dataclass
class Tally:
    """How far a step's execution got: counts, the failures named, the records in flight."""

    applied: int = 0
    already: int = 0
    total: int = 0
    failures: list[Failure] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    """The records this run changed (not those found at target after a crash)."""
    current: list[str] = field(default_factory=list)


class Execution:
    """One step's plan executed: ``run`` returns its status and result."""

    def __init__(
        self,
        services: Services,
        fatal: tuple[type[BaseException], ...],
        stop: threading.Event,
        stamp: str,
        rollover: str,
    ) -> None:
        self.svc = services
        self.fatal = fatal
        self.stop = stop
        self.stamp = stamp
        self.rollover = rollover

    def run(
        self, step_id: str, action: Action, ctx: PlanContext, plan: Plan, inputs: str
    ) -> tuple[str, str]:
        """Apply the plan, a batch of records at a time. An error that is not one record's (a
        report file gone, a fault in the bot) ends the step Failed, with what was done before
        it."""
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
        failures = tally.failures
        if plan.judged is not None:
            items, targets = changes(action, ctx, plan.judged)
            done_before: set[str] = set()
            tally.already = self._resolve(step_id, action, plan, tally)
            already_as = f"already {past_participle(spec.verb)}"
            state.intend(step_id, plan.fingerprint, [i.record_id for i in items])
        else:
            items, targets = action.work(ctx), {}
            done_before = state.applied(step_id)
            already_as = "already done by this step"
        tally.total = len(items) + (tally.already if plan.judged is not None else 0)
        pending = [i for i in items if i.record_id not in done_before]
        tally.already += len(items) - len(pending)
        if spec.destructive:
            self._snapshot(step_id, action, ctx, [i.record_id for i in pending])
        progress = Progress(f"{step_id} {spec.verb}", len(items))
        progress.advance(len(items) - len(pending))
        for batch in batches(pending, self.svc.lms.bulk_size(spec.system)):
            if self.stop.is_set():
                progress.close()
                return _stopped(tally.applied + tally.already, tally.total, failures)
            self._send(step_id, action, batch, targets, tally)
            progress.advance(len(batch))
        progress.close()
        if action.resets_baseline and (tally.applied or tally.already):
            self._rebase(action)
        applied, already = tally.applied, tally.already
        _, label = finished_label(applied + already, len(failures))
        setting = isinstance(action, SettingAction)
        if setting and not items and not failures:
            text = plan.summary  # nothing sent: the plan says what the LMS holds already
        elif setting or self.svc.template.tab_of_kind(action.kind) is None:
            text = outcome_result(
                spec.verb, spec.noun, tally.messages, failures, len(items), prefix=not setting
            )
            if not tally.messages and not failures and already:
                text = _nothing_sent(plan, spec.system)
        elif plan.judged is not None:
            named = tally.changed if action.explain is None else []
            text = judged_result(
                spec.verb, spec.noun, spec.system, plan.judged, applied, named, already, failures
            )
        else:
            text = records_result(spec.verb, spec.noun, applied, already, failures, already_as)
            if not applied and not already and not failures and plan.judged is not None:
                text = _nothing_sent(plan, spec.system)
        state.finish_run(step_id, plan.fingerprint, label, text, self.stamp)
        return label, text

    def _rebase(self, action: Action) -> None:
        """The threshold's base after a roster sync: the LMS's active records now."""
        system, kind = action.spec.system, action.resets_baseline
        records = self.svc.lms.records(system, kind)
        active = int((records["status"] == "active").sum()) if not records.empty else 0
        self.svc.state.reset_baseline(self.rollover, system, kind, active)

    def _resolve(self, step_id: str, action: Action, plan: Plan, tally: Tally) -> int:
        """An interrupted run's calls whose outcome was never recorded: those the LMS now holds
        at target were applied (recorded now, so the Log has them once); the others are sent
        again with this run. Returns how many records were at target before this run."""
        assert plan.judged is not None
        judged = plan.judged
        at_target = judged.loc[judged[FATE] == Fate.AT_TARGET.value, ID]
        landed = sorted(set(at_target) & self.svc.state.unresolved(step_id, plan.fingerprint))
        at = self.svc.clock.now().isoformat(sep=" ", timespec="seconds")
        spec = action.spec
        status = judged.drop_duplicates(ID).set_index(ID)[STATUS]
        outcomes = [
            Outcome(
                step_id,
                record_id,
                spec.name,
                action.kind,
                "applied",
                "found at its target after the run was interrupted",
                str(status.get(record_id, "")),
                at,
            )
            for record_id in landed
        ]
        key = self._once(action)
        if outcomes:
            settled = Settlement(key, frozenset(landed)) if key is not None else None
            self.svc.state.record_outcomes(outcomes, settled)
        tally.applied += len(landed)
        return len(at_target) - len(landed)

    def _send(
        self,
        step_id: str,
        action: Action,
        batch: list[WorkItem],
        targets: dict[str, dict[str, str]],
        tally: Tally,
    ) -> None:
        """One batch of records in one call of the LMS (its bulk requests): a change made
        once per rollover is recorded for every record of the batch before the call (one
        durable write), the outcomes and those records' settlements after it (one more)."""
        state = self.svc.state
        key = self._once(action)
        if key is not None:
            wanted = {i.record_id: targets.get(i.record_id, {}) for i in batch}
            held = state.intend_once_many(key, step_id, wanted)
            tally.already += sum(1 for i in batch if i.record_id not in held)
            batch = [i for i in batch if i.record_id in held]
        if not batch:
            return
        spec = action.spec
        ops = [
            Operation(spec.system, spec.name, action.kind, i.record_id, params=i.params)
            for i in batch
        ]
        tally.current = [i.record_id for i in batch]
        results = self.svc.lms.execute_many(ops)
        if len(results) != len(ops):
            raise LMSError(f"{spec.system} answered {len(results)} outcomes for {len(ops)} records")
        at = self.svc.clock.now().isoformat(sep=" ", timespec="seconds")
        outcomes = [
            self._outcome(step_id, action, item, targets.get(item.record_id, {}), result, at, tally)
            for item, result in zip(batch, results, strict=True)
        ]
        settled = None
        if key is not None:
            settled = Settlement(
                key,
                applied=frozenset(
                    i.record_id
                    for i, r in zip(batch, results, strict=True)
                    if isinstance(r, OpResult)
                ),
                dropped=frozenset(
                    i.record_id
                    for i, r in zip(batch, results, strict=True)
                    if isinstance(r, RuleViolation)
                ),
            )
        state.record_outcomes(outcomes, settled)
        tally.current = []

    def _outcome(
        self,
        step_id: str,
        action: Action,
        item: WorkItem,
        target: dict[str, str],
        result: OpResult | LMSError,
        at: str,
        tally: Tally,
    ) -> Outcome:
        """One record's outcome, for the ledger."""
        spec = action.spec
        if not isinstance(result, OpResult):
            tally.failures.append((item.record_id, str(result)))
            return Outcome(
                step_id, item.record_id, spec.name, action.kind, "failed", str(result), "", at
            )
        tally.applied += 1
        tally.changed.append(item.record_id)
        tally.messages.append(result.message)
        shown_as = ", ".join(
            [
                result.status,
                *(f"{k.replace('_', ' ')} {v}" for k, v in target.items() if k != "status"),
            ]
        )
        return Outcome(
            step_id,
            item.record_id,
            spec.name,
            action.kind,
            "applied",
            result.message,
            shown_as if target else result.status,
            at,
        )

    def _once(self, action: Action) -> OnceKey | None:
        """The rollover ledger's key of the action's change made once per rollover (none for
        a change idempotent by state)."""
        if action.rule is None or not action.rule.once:
            return None
        return OnceKey(self.rollover, action.spec.system, action.kind, action.rule.once)

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
            self.svc.state.record_outcomes(
                [
                    Outcome(step_id, record, spec.name, action.kind, "failed", reason, "", at)
                    for record in tally.current
                ]
            )
            first, *more = tally.current
            text = f"Failed on record {first}: {reason}"
            if more:
                sent = f"{len(tally.current):,} sent at once"
                text = f"Failed on records {first} to {more[-1]} ({sent}): {reason}"
        if tally.applied or tally.already or tally.failures:
            done = records_result(
                spec.verb, spec.noun, tally.applied, tally.already, tally.failures
            )
            text += f". Before it stopped: {done}"
        else:
            text += f". Nothing was {past_tense(spec.verb).lower()} before it stopped"
        left = tally.total - tally.applied - tally.already - len(tally.failures)
        left -= len(tally.current)
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


def changes(
    action: Action, ctx: PlanContext, judged: pd.DataFrame
) -> tuple[list[WorkItem], dict[str, dict[str, str]]]:
    """The work of a plan made against the LMS: one item per record that will change (what
    the action sends for its row), and each one's target fields."""
    change = judged[judged[FATE] == Fate.CHANGE.value]
    if change.empty:
        return [], {}
    names = [c for c in change.columns if c.startswith(TO)]
    targets = {
        str(r[ID]): {c[len(TO) :]: str(r[c]) for c in names} for r in change.to_dict("records")
    }
    rows = {
        str(r[action.id_column]).strip(): r
        for r in ctx.selected.to_dict("records")
        if str(r[action.id_column]).strip() in targets
    }
    items = [
        WorkItem(i, {**action.record_params(rows.get(i, {}), ctx.params), **targets[i]})
        for i in change[ID]
    ]
    return items, targets


def batches(items: list[WorkItem], size: int) -> list[list[WorkItem]]:
    """``items`` in order, ``size`` at a time (at least one)."""
    size = max(1, size)
    return [items[start : start + size] for start in range(0, len(items), size)]


def _nothing_sent(plan: Plan, system: str) -> str:
    """The Result of a step that sent nothing, every item held by the LMS already or done
    this rollover by another step: its plan said so."""
    if plan.summary.startswith("Nothing to"):
        return plan.summary
    return f"Nothing to do: {system} already holds what the step asks"


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
