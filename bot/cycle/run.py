"""One cycle of the bot: read the workbook, move every step along its life cycle, execute
what may run, and write status and results back in one batch.

The cycle gathers what is known of each step (``facts``), asks the pure life cycle
(``bot.core.lifecycle.advance``) what the step's view is and what to do, and carries that
out: approval requests and voids (``requests``), execution (``execute``), rows for other
tabs (``outputs``), and the write-back (``writeback``)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.actions.base import ALLOW_OVER
from bot.bulk import gc_paused
from bot.core.catalogue import MANUAL
from bot.core.checklist import CHECKLIST, Step, parse_checklist
from bot.core.lifecycle import advance, awaiting, finished
from bot.core.ordering import execution_order, in_cycle
from bot.core.rollover import school_year
from bot.core.status import Status, StepView, status_of
from bot.core.step_facts import (
    Execute,
    KeepOutputs,
    Manual,
    PostResult,
    RecordDone,
    RequestApproval,
    ResetRuns,
    StepFacts,
    Verdict,
    Void,
)
from bot.core.validate import CheckedStep, validate_step
from bot.cycle import requests
from bot.cycle.district import DistrictDays
from bot.cycle.execute import Execution
from bot.cycle.facts import (
    Planned,
    context_of,
    implicit_dependencies,
    inputs_of,
    last_run,
    plan_step,
    request_of,
    waiting_on,
)
from bot.cycle.manual import manual_facts, message_for, record_done
from bot.cycle.outputs import Outputs
from bot.cycle.writeback import add_outcomes, step_cells
from bot.errors import WorkbookError
from bot.progress import Progress
from bot.services import Services
from bot.steps.failure import CYCLE_FAILURES, log_failure
from bot.structures import Message, WriteReport
from bot.templates import normalize_header
from bot.workbook.cell_limit import fit_batch
from bot.workbook.tab_frames import TabFrames

log = logging.getLogger(__name__)


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
        self.frames = TabFrames(services.workbook, {})
        self.days = DistrictDays(services.config, self.frames, self.today)
        self.outputs = Outputs(services.state, services.template, self.frames, self.stamp)
        self.fatal = (*CYCLE_FAILURES, *services.state.failures)
        self.approve_how = (
            "`rollover-bot approve STEP --as EMAIL`"
            if services.config.slack.mode == "console"
            else "`approve` in the step's Slack thread"
        )

    @gc_paused
    def run(self) -> CycleReport:
        snapshot = self.svc.workbook.read([CHECKLIST])
        if CHECKLIST not in snapshot.frames:
            raise WorkbookError("the workbook has no Checklist tab (run `rollover-bot init`)")
        issued = self.svc.state.issued_step_ids()
        steps, fills = parse_checklist(snapshot.frames[CHECKLIST], issued)
        new_ids = {s.step_id for s in steps} - issued
        if new_ids:
            self.svc.state.issue_step_ids(sorted(new_ids))
        self.frames = TabFrames(self.svc.workbook, snapshot.frames)
        self.days = DistrictDays(self.svc.config, self.frames, self.today)
        self.frames.load(self._tabs_needed(steps))
        self.outputs = Outputs(self.svc.state, self.svc.template, self.frames, self.stamp)
        views = self._evaluate(steps)
        batch = step_cells(steps, fills, views)
        batch.cells += self.outputs.cells
        batch.new_rows += self.outputs.rows
        outcomes = self.svc.state.unlogged()
        first = len(batch.log_rows)
        add_outcomes(batch, outcomes, self.svc.template)
        self.report.write = self.svc.workbook.write(fit_batch(batch, self.svc.template))
        in_log = set(self.report.write.logged)
        self.svc.state.mark_logged([o.seq for i, o in enumerate(outcomes, first) if i in in_log])
        for tab in self.report.write.tabs_created:
            log.warning("the workbook had no %s tab: made it again, with its header", tab)
        if self.days.rollover_note():
            log.warning("the rollover date: %s", self.days.rollover_note())
        self.report.views = views
        self.report.finished = self.svc.clock.now().isoformat(sep=" ", timespec="seconds")
        self.svc.state.record_cycle(
            self.report.started, self.report.finished, self.report.summary()
        )
        return self.report

    @property
    def rollover(self) -> str:
        """The name of the rollover this cycle belongs to, for the ledger of changes made
        once per rollover (the district's rollover, else the school year of today); found
        when first needed: a cycle with nothing ticked reads nothing but the Checklist."""
        found = self.days.rollover
        return found.name if found is not None else school_year(self.today)

    def _plan(self, checked: CheckedStep) -> Planned:
        run_day = checked.run_on if checked.run_on and checked.run_on > self.today else None
        return plan_step(
            self.svc,
            self.frames,
            checked,
            self.today,
            self.rollover,
            calendar=self.days.calendar,
            rollover=self.days.rollover.day if self.days.rollover else None,
            run_day=run_day,
        )

    def _context(self, checked: CheckedStep) -> Planned:
        return context_of(
            self.svc,
            self.frames,
            checked,
            self.today,
            self.rollover,
            calendar=self.days.calendar,
            rollover=self.days.rollover.day if self.days.rollover else None,
        )

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
        implicit = implicit_dependencies(self.svc, list(first.values()), graph)
        full = {sid: (*graph[sid], *(d for d, _ in implicit.get(sid, []))) for sid in graph}
        views: dict[str, StepView] = {}
        order = execution_order(full)
        checking = Progress("Checking the steps", len(order), unit="step")
        for sid in order:
            step = first[sid]
            known = StepFacts(step, now=self.stamp, approve_how=self.approve_how)
            try:
                facts, planned = self._facts(known, set(first), cycles.get(sid), implicit, views)
                views[sid] = self._carry_out(facts, advance(facts), planned)
            except self.fatal:
                raise
            except Exception as exc:
                reason = log_failure(step.step_id, "checking and planning it", exc)
                run = last_run(self.svc.state.run_for(step.step_id))
                views[sid] = advance(replace(known, error=reason, run=run)).view
            checking.advance()
        return views

    def _facts(
        self,
        facts: StepFacts,
        known: set[str],
        cycle: list[str] | None,
        implicit: dict[str, list[tuple[str, str]]],
        views: dict[str, StepView],
    ) -> tuple[StepFacts, Planned | None]:
        """What the life cycle needs to know of the step, found only as far as it needs it:
        an unticked step is not validated, an invalid or waiting one not planned."""
        step = facts.step
        state = self.svc.state
        manual = self._manual(step)
        facts = replace(facts, manual=manual)
        if not step.run:
            return replace(facts, run=last_run(state.run_for(step.step_id))), None
        checked, problems = validate_step(
            step,
            self.svc.actions.catalogue,
            self.svc.template,
            known,
            cycle,
            self.today,
            self.days.anchors,
        )
        if checked is None:
            return replace(facts, problems=tuple(problems)), None
        waiting, reasons = waiting_on(step, implicit.get(step.step_id, []), views)
        if waiting:
            return replace(facts, waiting_on=waiting, waiting_reasons=reasons), None
        if manual is not None:
            task = manual_facts(self.svc, self.frames, checked, manual.message)
            return replace(facts, manual=task, run=last_run(state.run_for(step.step_id))), None
        run = last_run(state.run_for(step.step_id), inputs_of(checked))
        if run is not None and run.finished and run.same_inputs:
            if checked.spec.destructive:
                run = last_run(
                    state.run_for(step.step_id), inputs_of(checked), state.decision(step.step_id)
                )
            # Done stays Done: a finished step is not planned again until its Action, Scope
            # or Parameters change or its Run box is ticked again (unticked, then ticked);
            # only its rows for other tabs (Matches) are kept in line.
            action = self.svc.actions.action(checked.spec)
            kept = self._context(checked) if action.has_outputs else None
            return replace(facts, run=run), kept
        planned = self._plan(checked)
        plan = planned.plan
        facts = replace(
            facts,
            plan=plan,
            plan_problems=planned.problems,
            run=run,
            executing=self.execute and not self.stop.is_set(),
            runs_on=checked.run_on.isoformat()
            if checked.run_on and checked.run_on > self.today
            else "",
        )
        if plan is None or not plan.destructive:
            return facts, planned
        over = ""
        if planned.ctx.params.get(ALLOW_OVER) is True:
            over = planned.action.excess(planned.ctx)
        return (
            replace(
                facts,
                request=request_of(self.svc, step),
                decision=state.decision(step.step_id),
                over_threshold=over,
            ),
            planned,
        )

    def _manual(self, step: Step) -> Manual | None:
        """A person's task (Action ``manual``) with its message filled in; None for others."""
        if normalize_header(step.action) != MANUAL:
            return None
        return Manual("", message_for(step, self.days, self.svc.config.district))

    def _carry_out(self, facts: StepFacts, verdict: Verdict, planned: Planned | None) -> StepView:
        """Do what the life cycle said, in order; return the step's view after it."""
        step = facts.step
        view = verdict.view
        for effect in verdict.effects:
            if isinstance(effect, ResetRuns):
                self.svc.state.reset_runs(step.step_id)
            elif isinstance(effect, RecordDone):
                record_done(self.svc, step, effect, self.stamp)
            elif isinstance(effect, Void):
                requests.void(self.svc, self._send, step, effect.decision, self.stamp)
            elif isinstance(effect, RequestApproval):
                asked = requests.request(self.svc, self._send, step, effect, self.stamp)
                link = self.svc.notifier.link(asked.thread, step.thread)
                view = awaiting(facts, effect.plan, asked.requested_at, link)
            elif isinstance(effect, KeepOutputs) and planned is not None:
                view = self._with_outputs(step.step_id, planned, view)
            elif isinstance(effect, Execute) and planned is not None:
                view = self._execute(facts, effect, planned)
        return view

    def _execute(self, facts: StepFacts, effect: Execute, planned: Planned) -> StepView:
        step = facts.step
        run = Execution(self.svc, self.fatal, self.stop, self.stamp, self.rollover)
        status, result = run.run(
            step.step_id, planned.action, planned.ctx, effect.plan, inputs_of(planned.ctx.checked)
        )
        self.report.executed.append(step.step_id)
        view = StepView(status, effect.plan.summary, effect.approval, result, self.stamp)
        view = self._with_outputs(step.step_id, planned, view)
        verdict = finished(facts, effect.plan, effect.approval, view.status, view.result)
        for posted in verdict.effects:
            if isinstance(posted, PostResult):
                self._send(Message("result", posted.text, step.step_id, thread=posted.thread))
        return verdict.view

    def _with_outputs(self, step_id: str, planned: Planned, view: StepView) -> StepView:
        """``view`` once the step's rows for other tabs are made; Failed, saying why, when
        they cannot be (they are made again every cycle, so they land once it is fixed)."""
        try:
            self.outputs.add(step_id, planned.action.output_rows(self.svc.lms, planned.ctx))
        except self.fatal:
            raise
        except Exception as exc:
            reason = log_failure(step_id, "making its rows for other tabs", exc)
            result = (
                f"Failed: it ran, but its rows for other tabs (Log, Matches) could not be made: "
                f"{reason}; they are written once this is fixed. It ran: {view.result}"
            )
            return replace(view, status=Status.FAILED.value, result=result)
        return view

    def _send(self, message: Message) -> str:
        self.report.messages += 1
        return self.svc.notifier.send(message)
