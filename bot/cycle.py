"""One cycle of the bot: read the workbook, move every step along its life cycle, execute
what may run, and write status and results back in one batch."""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

import pandas as pd

from bot.actions.base import Action, PlanContext, SettingAction, lms_records
from bot.bulk import gc_paused
from bot.cell_limit import fit_batch
from bot.core.approvals import ApprovalRecord, Decision, standing
from bot.core.checklist import IdFill, Step, parse_checklist
from bot.core.lifecycle import FINISHED, Status, finished_label, status_of
from bot.core.ordering import execution_order, in_cycle
from bot.core.plan import Plan, fingerprint
from bot.core.problems import Problem, describe
from bot.core.scope import select
from bot.core.step_results import Failure, outcome_result, records_result
from bot.core.validate import CheckedStep, validate_step
from bot.errors import LMSUnavailable, RuleViolation, WorkbookError
from bot.progress import Progress
from bot.services import Services
from bot.structures import (
    ApprovalRequest,
    CellWrite,
    Message,
    Operation,
    Outcome,
    SnapshotRecord,
    WriteBatch,
    WriteReport,
)
from bot.workbook.tab_frames import TabFrames

KIND_TABS = {
    "students": ("Students", "Student ID"),
    "educators": ("Educators", "Educator ID"),
    "courses": ("Courses", "Course ID"),
    "classes": ("Classes", "Class ID"),
    "enrollments": ("Enrollments", "Enrollment ID"),
}
CHECKLIST = "Checklist"
OUTPUT_LOG = "step log"

log = logging.getLogger(__name__)


@dataclass
class StepView:
    """What the bot shows for a step in its columns of the Checklist."""

    status: str
    plan: str = ""
    approval: str = ""
    result: str = ""
    last_run: str = ""
    thread: str = ""

    def cells(self) -> dict[str, str]:
        return {
            "Status": self.status,
            "Plan": self.plan,
            "Approval": self.approval,
            "Result": self.result,
            "Last run": self.last_run,
            "Thread": self.thread,
        }


@dataclass
class CycleReport:
    started: str
    finished: str = ""
    views: dict[str, StepView] = field(default_factory=dict)
    executed: list[str] = field(default_factory=list)
    messages: int = 0
    write: WriteReport = field(default_factory=WriteReport)

    def counts(self) -> Counter[str]:
        return Counter(status_of(v.status).value for v in self.views.values())

    def summary(self) -> str:
        parts = [f"{n} {s}" for s, n in sorted(self.counts().items())]
        return ", ".join(parts) or "no steps"


class Cycle:
    """One pass over the workbook. ``execute=False`` validates and plans only (``check``)."""

    def __init__(
        self, services: Services, execute: bool = True, stop: threading.Event | None = None
    ) -> None:
        """``stop``, once set, ends execution after the record in flight (shutdown); the step
        stays Running and the next cycle resumes it."""
        self.svc = services
        self.execute = execute
        self.stop = stop or threading.Event()
        self.now: datetime = services.clock.now()
        self.stamp = self.now.isoformat(sep=" ", timespec="seconds")
        self.today = self.now.date()
        self.report = CycleReport(started=self.stamp)
        self.frames: TabFrames | None = None
        self.output_cells: list[CellWrite] = []
        self.output_rows: list[tuple[str, dict[str, str]]] = []

    @gc_paused
    def run(self) -> CycleReport:
        snapshot = self.svc.workbook.read([CHECKLIST])
        if CHECKLIST not in snapshot.frames:
            raise WorkbookError("the workbook has no Checklist tab (run `rollover-bot init`)")
        steps, fills = parse_checklist(snapshot.frames[CHECKLIST])
        self.frames = TabFrames(self.svc.workbook, snapshot.frames)
        self.frames.load(self._tabs_needed(steps))
        views = self._evaluate(steps)
        batch = self._batch(steps, fills, views)
        batch.cells += self.output_cells
        batch.new_rows += self.output_rows
        outcomes = self.svc.state.unlogged()
        self._add_outcomes(batch, outcomes)
        self.report.write = self.svc.workbook.write(fit_batch(batch, self.svc.template))
        self.svc.state.mark_logged([o.seq for o in outcomes])
        self.report.views = views
        self.report.finished = self.svc.clock.now().isoformat(sep=" ", timespec="seconds")
        self.svc.state.record_cycle(
            self.report.started, self.report.finished, self.report.summary()
        )
        return self.report

    def _tabs_needed(self, steps: list[Step]) -> list[str]:
        """What ticked steps plan against, read in one pass: their scope tabs and, when any
        is ticked, the small tabs (Calendar, Training, Matches). A tab an action looks at
        besides these is read when it asks (``TabFrames``); nothing ticked reads nothing."""
        catalogue = self.svc.actions.catalogue
        specs = [catalogue.get(s.system, s.action) for s in steps if s.run]
        scopes = [spec.tab for spec in specs if spec is not None and spec.tab]
        if not any(specs):
            return []
        small = [
            t.name
            for t in self.svc.template.tabs
            if not t.roster and not t.append_only and t.name != CHECKLIST
        ]
        return [*scopes, *small]

    def _evaluate(self, steps: list[Step]) -> dict[str, StepView]:
        first: dict[str, Step] = {}
        for step in steps:
            first.setdefault(step.step_id, step)
        graph = {sid: step.depends_on for sid, step in first.items()}
        cycles = in_cycle(graph)
        implicit = self._implicit_dependencies(list(first.values()), graph)
        full = {sid: (*graph[sid], *(d for d, _ in implicit.get(sid, []))) for sid in graph}
        views: dict[str, StepView] = {}
        order = execution_order(full)
        checking = Progress("Checking the steps", len(order), unit="step")
        for sid in order:
            step = first[sid]
            views[sid] = self._step(step, set(first), cycles.get(sid), implicit.get(sid, []), views)
            checking.advance()
        return views

    def _implicit_dependencies(
        self, steps: list[Step], graph: dict[str, tuple[str, ...]]
    ) -> dict[str, list[tuple[str, str]]]:
        """Vendor order rules (promote after archiving seniors, create after promoting) as
        dependencies on ticked steps of the same system above it in the sheet, unless that
        would make a cycle."""
        catalogue = self.svc.actions.catalogue
        out: dict[str, list[tuple[str, str]]] = {}
        for position, step in enumerate(steps):
            spec = catalogue.get(step.system, step.action) if step.run else None
            if spec is None or not spec.after:
                continue
            for other in steps[:position]:
                other_spec = catalogue.get(other.system, other.action)
                if (
                    other.run
                    and other_spec is not None
                    and other_spec.system == spec.system
                    and other_spec.name in spec.after
                    and other.step_id != step.step_id
                    and not _reaches(graph, other.step_id, step.step_id)
                ):
                    out.setdefault(step.step_id, []).append((other.step_id, spec.after_reason))
        return out

    def _step(
        self,
        step: Step,
        known: set[str],
        cycle: list[str] | None,
        implicit: list[tuple[str, str]],
        views: dict[str, StepView],
    ) -> StepView:
        kept = StepView(
            status=step.status,
            plan=step.plan,
            approval=step.approval,
            result=step.result,
            last_run=step.last_run,
            thread=step.thread,
        )
        if not step.run:
            run = self.svc.state.run_for(step.step_id)
            if run is not None and run.state == "finished":
                self.svc.state.reset_runs(step.step_id)
            return replace(kept, status=Status.IDLE.value)
        checked, problems = validate_step(
            step, self.svc.actions.catalogue, self.svc.template, known, cycle, self.today
        )
        if checked is None:
            return replace(kept, status=Status.INVALID.value, plan="", result=describe(problems))
        waiting = [d for d in step.depends_on if _status(views, d) is not Status.DONE]
        waiting += [
            d for d, _ in implicit if _status(views, d) is not Status.DONE and d not in waiting
        ]
        if waiting:
            reasons = sorted({r for d, r in implicit if d in waiting and r})
            why = f"waiting for {', '.join(waiting)} to be Done" + (
                f" ({'; '.join(reasons)})" if reasons else ""
            )
            return replace(kept, status=f"Waiting on {', '.join(waiting)}", result=why)
        action = self.svc.actions.action(checked.spec)
        ctx, plan, problems = self._plan(checked, action)
        if plan is None:
            run = self.svc.state.run_for(step.step_id)
            if run is not None and run.state == "finished" and run.inputs == _inputs(checked):
                # What the step did itself (a code used, seniors archived) must not make a
                # finished step Invalid: unchanged, it keeps its result.
                return replace(kept, status=run.status, result=run.result)
            return replace(kept, status=Status.INVALID.value, plan="", result=describe(problems))
        return self._advance(step, action, ctx, plan, kept)

    def _plan(
        self, checked: CheckedStep, action: Action
    ) -> tuple[PlanContext, Plan | None, list[Problem]]:
        assert self.frames is not None
        spec = checked.spec
        selected = pd.DataFrame()
        unusable: list[Problem] = []
        if spec.tab and checked.scope is not None:
            frame = self.frames.get(spec.tab)
            if frame is None:
                why = self.frames.broken.get(spec.tab, f"the workbook has no {spec.tab} tab")
                unusable.append(Problem("Scope", why))
            else:
                selected = frame[select(checked.scope, frame, self.svc.template, self.today)]
        ctx = PlanContext(
            checked=checked,
            selected=selected,
            lms_records=lms_records(self.svc.lms, action),
            today=self.today,
            settings=self.svc.lms.settings(spec.system),
            applied=frozenset(self.svc.state.applied(checked.step.step_id)),
            id_column=action.id_column,
            max_change_percent=self.svc.config.max_change_percent,
            frames=self.frames,  # other tabs (Calendar, Matches) for plan-time rules
        )
        if unusable:
            return ctx, None, unusable
        plan, problems = action.plan(ctx)
        return ctx, plan, problems

    def _advance(
        self, step: Step, action: Action, ctx: PlanContext, plan: Plan, kept: StepView
    ) -> StepView:
        state = self.svc.state
        run = state.run_for(step.step_id)
        approval = ""
        thread = kept.thread
        if plan.destructive:
            decision = state.decision(step.step_id)
            request = state.approval_request(step.step_id)
            thread = (
                request.thread if request and request.fingerprint == plan.fingerprint else thread
            )
            standing_now = standing(decision, plan.fingerprint)
            if standing_now == "rejected" and decision is not None:
                why = f": {decision.reason}" if decision.reason else ""
                return StepView(
                    f"Rejected by {decision.by}{why}",
                    plan.summary,
                    f"Rejected by {decision.by} {decision.at}",
                    _last_result(kept),
                    kept.last_run,
                    thread,
                )
            if standing_now != "approved":
                return self._await(step, plan, decision, standing_now, kept)
            assert decision is not None
            approval = f"Approved by {decision.by} {decision.at}"
        if run is not None and run.fingerprint == plan.fingerprint and run.state == "finished":
            shown = kept.plan or plan.summary
            self._outputs(step, action, ctx)
            return StepView(run.status, shown, approval, run.result, run.finished, thread)
        if not self.execute or self.stop.is_set():
            return StepView(
                Status.PLANNED.value,
                plan.summary,
                approval,
                _last_result(kept),
                kept.last_run,
                thread,
            )
        status, result = self._execute(step, action, ctx, plan, approval)
        self._outputs(step, action, ctx)
        if plan.destructive and thread and status != Status.RUNNING.value:
            self._send(
                Message("result", f"{step.step_id} {status}: {result}", step.step_id, thread=thread)
            )
        return StepView(status, plan.summary, approval, result, self.stamp, thread)

    def _await(
        self,
        step: Step,
        plan: Plan,
        decision: ApprovalRecord | None,
        standing_now: str,
        kept: StepView,
    ) -> StepView:
        state = self.svc.state
        note = ""
        if standing_now == "void" and decision is not None:
            if decision.decision is not Decision.VOID:
                state.decide(
                    ApprovalRecord(
                        step.step_id,
                        decision.fingerprint,
                        Decision.VOID,
                        "bot",
                        "step changed after the decision",
                        self.stamp,
                    )
                )
                note = f"Void: the step changed after {decision.by} decided; "
                self._voided(step, decision)
            else:
                note = "Void: the step changed after approval; "
        request = ApprovalRequest(
            step.step_id, plan.fingerprint, plan.summary, step.owner, self.stamp
        )
        if state.request_approval(request):
            text = approval_text(step, plan)
            thread = self._send(
                Message(
                    "approval_request",
                    text,
                    step.step_id,
                    recipients=tuple(sorted(self.svc.policy.admins)),
                )
            )
            state.set_thread(step.step_id, plan.fingerprint, thread)
        current = state.approval_request(step.step_id)
        assert current is not None
        how = (
            f"`rollover-bot approve {step.step_id} --as EMAIL`"
            if self.svc.config.slack.mode == "console"
            else "`approve` in the step's Slack thread"
        )
        approval = f"{note}requested {current.requested_at}; an admin approves with {how}"
        return StepView(
            Status.AWAITING_APPROVAL.value,
            plan.summary,
            approval,
            _last_result(kept),
            kept.last_run,
            current.thread,
        )

    def _voided(self, step: Step, decision: ApprovalRecord) -> None:
        """Say why a decision no longer holds: in the Log (its Record is the plan), and in the
        thread it was given in."""
        why = (
            f"the {decision.decision.value} by {decision.by} ({decision.at}) is void: the step "
            "changed since (action, scope, parameters, selected records or owner); "
            "a new approval is needed"
        )
        self.svc.state.record_outcome(
            Outcome(
                step.step_id, decision.fingerprint, "approval", "plan", "void", why, "", self.stamp
            )
        )
        request = self.svc.state.approval_request(step.step_id)
        if request is not None and request.fingerprint == decision.fingerprint and request.thread:
            self._send(Message("void", f"{step.step_id}: {why}.", step.step_id, request.thread))

    def _execute(
        self, step: Step, action: Action, ctx: PlanContext, plan: Plan, approval: str
    ) -> tuple[str, str]:
        state = self.svc.state
        spec = action.spec
        state.start_run(step.step_id, plan.fingerprint, self.stamp, _inputs(ctx.checked))
        done_before = state.applied(step.step_id)
        applied = already = 0
        failures: list[Failure] = []
        messages: list[str] = []
        items = action.work(ctx)
        if spec.destructive:
            pending = [i.record_id for i in items if i.record_id not in done_before]
            self._snapshot(step.step_id, action, ctx, pending)
        progress = Progress(f"{step.step_id} {spec.verb}", len(items))
        for item in items:
            if item.record_id in done_before:
                already += 1
                continue
            if self.stop.is_set():
                progress.close()
                return self._stopped(step, applied + already, len(items), failures)
            op = Operation(
                spec.system,
                spec.name,
                action.kind,
                item.record_id,
                key=f"{step.step_id}:{spec.system}:{spec.name}:{item.record_id}",
                params=item.params,
            )
            at = self.svc.clock.now().isoformat(sep=" ", timespec="seconds")
            try:
                result = self.svc.lms.execute(op)
            except (RuleViolation, LMSUnavailable) as exc:
                failures.append((item.record_id, str(exc)))
                outcome = Outcome(
                    step.step_id, item.record_id, spec.name, action.kind, "failed", str(exc), "", at
                )
            else:
                applied += 1
                messages.append(result.message)
                outcome = Outcome(
                    step.step_id,
                    item.record_id,
                    spec.name,
                    action.kind,
                    "applied",
                    result.message,
                    result.status,
                    at,
                )
            state.record_outcome(outcome)
            progress.update(applied + already + len(failures))
        progress.close()
        _, label = finished_label(applied + already, len(failures))
        if isinstance(action, SettingAction) or action.kind not in KIND_TABS:
            setting = isinstance(action, SettingAction)
            text = outcome_result(
                spec.verb, spec.noun, messages, failures, len(items), prefix=not setting
            )
        else:
            text = records_result(spec.verb, spec.noun, applied, already, failures)
        state.finish_run(step.step_id, plan.fingerprint, label, text, self.stamp)
        self.report.executed.append(step.step_id)
        return label, text

    def _stopped(
        self, step: Step, done: int, total: int, failures: list[Failure]
    ) -> tuple[str, str]:
        """Shutdown mid-step: the run stays open, so the next cycle carries on from here."""
        failed = f", {len(failures):,} failed" if failures else ""
        text = (
            f"Stopped at shutdown after {done:,} of {total:,} records{failed}; "
            "the next cycle carries on."
        )
        self.report.executed.append(step.step_id)
        return Status.RUNNING.value, text

    def _outputs(self, step: Step, action: Action, ctx: PlanContext) -> None:
        """Rows a finished step gives other tabs: Matches kept in line with the LMS (only
        what differs is written; staff columns of existing rows are never touched), and a
        per-record log recorded once in the ledger, so it reaches the Log tab once."""
        for tab_name, rows in action.output_rows(self.svc.lms, ctx).items():
            if tab_name == "Log":
                self._record_log_rows(step.step_id, rows)
            else:
                self._keep_rows(tab_name, rows)

    def _record_log_rows(self, step_id: str, rows: list[dict[str, str]]) -> None:
        seen = {
            (o.record_id, o.outcome)
            for o in self.svc.state.outcomes(step_id)
            if o.kind == OUTPUT_LOG
        }
        for row in rows:
            if (row.get("Record", ""), row.get("Outcome", "")) in seen:
                continue
            self.svc.state.record_outcome(
                Outcome(
                    step_id,
                    row.get("Record", ""),
                    row.get("Action", ""),
                    OUTPUT_LOG,
                    row.get("Outcome", ""),
                    row.get("Message", ""),
                    "",
                    self.stamp,
                )
            )

    def _keep_rows(self, tab_name: str, rows: list[dict[str, str]]) -> None:
        assert self.frames is not None
        tab = self.svc.template.require(tab_name)
        frame = self.frames.get(tab.name)
        if frame is None or not tab.key:
            return
        current = frame.drop_duplicates(tab.key).set_index(tab.key).to_dict("index")
        for row in rows:
            key = row.get(tab.key, "")
            have = current.get(key)
            if have is None:
                self.output_rows.append((tab.name, row))
                continue
            self.output_cells += [
                CellWrite(tab.name, key, column, value)
                for column, value in row.items()
                if column in tab.bot_columns and column != tab.key and have.get(column) != value
            ]

    def _snapshot(self, step_id: str, action: Action, ctx: PlanContext, ids: list[str]) -> None:
        """Keep the LMS state of the records a destructive step is about to change."""
        kind = getattr(action, "reads", "") or action.kind
        if kind != action.kind or kind not in KIND_TABS or ctx.lms_records.empty or not ids:
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

    def _send(self, message: Message) -> str:
        self.report.messages += 1
        return self.svc.notifier.send(message)

    def _batch(
        self, steps: list[Step], fills: list[IdFill], views: dict[str, StepView]
    ) -> WriteBatch:
        batch = WriteBatch(id_fills=list(fills))
        written: set[str] = set()
        for step in steps:
            view = views.get(step.step_id)
            if view is None or step.step_id in written:
                continue
            written.add(step.step_id)
            current = StepView(
                step.status, step.plan, step.approval, step.result, step.last_run, step.thread
            ).cells()
            for column, value in view.cells().items():
                if current[column] != value or step.id_was_blank:
                    batch.cells.append(CellWrite("Checklist", step.step_id, column, value))
        return batch

    def _add_outcomes(self, batch: WriteBatch, outcomes: list[Outcome]) -> None:
        """Roster rows' LMS status / Last action and the Log rows of not-yet-logged outcomes."""
        for outcome in outcomes:
            tab_key = KIND_TABS.get(outcome.kind)
            if tab_key is not None:
                tab = tab_key[0]
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
                    "By": outcome.by or "rollover-bot",
                }
            )


def approval_text(step: Step, plan: Plan) -> str:
    lines = [
        f"Approval needed: {step.step_id} {plan.system} / {plan.action}",
        plan.summary,
        f"Scope: {plan.scope or '-'}   Parameters: {plan.parameters or '-'}",
        f"Owner: {step.owner or '-'}   Due: {step.due or '-'}   Plan {plan.fingerprint}",
        f"Reply `approve` or `reject <reason>` (CLI: rollover-bot approve {step.step_id} "
        "--as EMAIL [--reject REASON])",
    ]
    return "\n".join(lines)


def _inputs(checked: CheckedStep) -> str:
    """The step as staff wrote it (not the records it selects): a finished run with the same
    inputs is the same step."""
    scope = checked.scope.canonical() if checked.scope else ""
    spec = checked.spec
    return fingerprint(spec.system, spec.name, scope, checked.params_text, (), checked.step.owner)


def _last_result(view: StepView) -> str:
    """The Result of the last run, kept while a new plan waits; other notes are dropped."""
    return view.result if status_of(view.status) in FINISHED else ""


def _status(views: dict[str, StepView], step_id: str) -> Status | None:
    view = views.get(step_id)
    return None if view is None else status_of(view.status)


def _reaches(graph: dict[str, tuple[str, ...]], start: str, goal: str) -> bool:
    """Whether ``start`` depends, directly or not, on ``goal``."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node in seen:
            continue
        seen.add(node)
        todo.extend(graph.get(node, ()))
    return False
