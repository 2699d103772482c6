"""What the cycle knows of a step before the life cycle decides: its validation, the steps
it waits on (its own Depends on and the vendors' order rules), and its plan against the LMS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from bot.actions.base import Action, PlanContext, lms_records, more_records
from bot.actions.context import ReadOnce
from bot.core.approvals import ApprovalRecord, Decision
from bot.core.calendar import DistrictCalendar
from bot.core.checklist import Step
from bot.core.plan import Plan, fingerprint
from bot.core.problems import Problem
from bot.core.scope import select
from bot.core.status import Status, StepView, status_of
from bot.core.step_facts import LastRun, Request
from bot.core.validate import CheckedStep
from bot.services import Services
from bot.structures import Run
from bot.workbook.tab_frames import TabFrames

APPROVE = Decision.APPROVE


@dataclass(frozen=True)
class Planned:
    """A step's plan (or why there is none) and what the action needs to execute it."""

    action: Action
    ctx: PlanContext
    plan: Plan | None
    problems: tuple[Problem, ...]


def plan_step(
    services: Services,
    frames: TabFrames,
    checked: CheckedStep,
    today: date,
    period: str,
    calendar: DistrictCalendar | None = None,
    rollover: date | None = None,
    run_day: date | None = None,
) -> Planned:
    """Select the step's records and let its action plan them against the LMS; the action
    sees the district ``calendar``, its ``rollover`` date and the step's ``run_day`` (its
    Run-on date when still to come), and the ledger of the rollover named ``period``."""
    planned = context_of(services, frames, checked, today, period, calendar, rollover, run_day)
    if planned.problems:
        return planned
    plan, problems = planned.action.plan(planned.ctx)
    return replace(planned, plan=plan, problems=tuple(problems))


def context_of(
    services: Services,
    frames: TabFrames,
    checked: CheckedStep,
    today: date,
    period: str,
    calendar: DistrictCalendar | None = None,
    rollover: date | None = None,
    run_day: date | None = None,
) -> Planned:
    """What the step's action sees: its selected rows, the LMS's records and settings, this
    rollover's ledger of its once-changes, and the threshold's base (not yet a plan)."""
    spec = checked.spec
    action = services.actions.action(spec)
    selected = pd.DataFrame()
    unusable: list[Problem] = []
    if spec.tab and checked.scope is not None:
        frame = frames.get(spec.tab)
        if frame is None:
            why = frames.broken.get(spec.tab, f"the workbook has no {spec.tab} tab")
            unusable.append(Problem("Scope", why))
        else:
            selected = frame[select(checked.scope, frame, services.template, today)]
    records = lms_records(services.lms, action)
    state = services.state
    once = action.rule.once if action.rule is not None else ""
    ctx = PlanContext(
        checked=checked,
        selected=selected,
        lms_records=records,
        today=today,
        settings=ReadOnce(lambda: services.lms.settings(spec.system)),
        applied=frozenset(state.applied(checked.step.step_id)),
        id_column=action.id_column,
        max_change_percent=services.config.max_change_percent,
        frames=frames,  # other tabs (Calendar, Matches) for plan-time rules
        ledger=state.once_entries(period, spec.system, action.kind, once) if once else {},
        baseline=baseline(services, period, spec.system, action.kind, records),
        calendar=calendar,
        rollover=rollover,
        run_day=run_day,
        more_records=more_records(services.lms, action),
    )
    return Planned(action, ctx, None, tuple(unusable))


def baseline(
    services: Services, rollover: str, system: str, kind: str, records: pd.DataFrame
) -> int:
    """The active records of ``kind`` at the start of the rollover: kept the first time a plan
    sees any (so the threshold's base does not shrink as steps archive)."""
    kept = services.state.baseline(rollover, system, kind)
    if kept:
        return kept
    active = int((records["status"] == "active").sum()) if not records.empty else 0
    return services.state.set_baseline(rollover, system, kind, active) if active else 0


def inputs_of(checked: CheckedStep) -> str:
    """The step's own Action, Scope and Parameters (not the records it selects, not its
    owner): a finished step is planned again only when these change (or it is ticked again)."""
    scope = checked.scope.canonical() if checked.scope else ""
    spec = checked.spec
    return fingerprint(spec.system, spec.name, scope, checked.params_text, ())


def last_run(
    run: Run | None, inputs: str = "", decision: ApprovalRecord | None = None
) -> LastRun | None:
    """The run as the life cycle sees it; ``decision``, the step's latest, names the approval
    it ran under when that was for its plan."""
    if run is None:
        return None
    finished = run.state == "finished"
    same = bool(inputs) and run.inputs == inputs
    approval = ""
    if decision and decision.fingerprint == run.fingerprint and decision.decision is APPROVE:
        approval = f"Approved by {decision.by} {decision.at}"
    return LastRun(run.fingerprint, finished, run.status, run.result, run.finished, same, approval)


def request_of(services: Services, step: Step) -> Request | None:
    """The step's latest approval request, with its thread as a link and whether it is lost."""
    asked = services.state.approval_request(step.step_id)
    if asked is None:
        return None
    notifier = services.notifier
    return Request(
        asked.fingerprint,
        asked.requested_at,
        asked.thread,
        notifier.link(asked.thread, step.thread),
        notifier.lost(asked.thread),
    )


def waiting_on(
    step: Step, implicit: list[tuple[str, str]], views: Mapping[str, StepView]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The steps ``step`` still waits on (not Done), and the vendor rules that make it wait."""

    def done(step_id: str) -> bool:
        view = views.get(step_id)
        return view is not None and status_of(view.status) is Status.DONE

    waiting = [d for d in step.depends_on if not done(d)]
    waiting += [d for d, _ in implicit if not done(d) and d not in waiting]
    reasons = tuple(sorted({r for d, r in implicit if d in waiting and r}))
    return tuple(waiting), reasons


def implicit_dependencies(
    services: Services, steps: list[Step], graph: Mapping[str, tuple[str, ...]]
) -> dict[str, list[tuple[str, str]]]:
    """Vendor order rules (promote after archiving seniors, create after promoting) as
    dependencies on ticked steps of the same system above it in the sheet, unless that
    would make a cycle."""
    catalogue = services.actions.catalogue
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


def _reaches(graph: Mapping[str, tuple[str, ...]], start: str, goal: str) -> bool:
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
