"""Plan and run one step against a mock LMS without the workbook: what the cycle does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from bot.abc import LMS, Clock
from bot.actions import registry
from bot.actions.base import Action, PlanContext, lms_records, more_records
from bot.calendar.holidays import national_holidays
from bot.core.calendar import CalendarRules, DistrictCalendar
from bot.core.checklist import Step
from bot.core.plan import Plan
from bot.core.problems import Problem
from bot.core.rollover import pick_rollover
from bot.core.scope import select
from bot.core.targets import FATE, ID, Done, Fate
from bot.core.validate import validate_step
from bot.core.values import DateAnchors
from bot.cycle.execute import changes
from bot.errors import RuleViolation
from bot.lms.mock import MockLMS
from bot.structures import Operation
from bot.templates import load_template

TEMPLATE = load_template()
TODAY = date(2027, 5, 20)


def tab(name: str, rows: list[dict[str, str]]) -> pd.DataFrame:
    """A tab as the workbook reads it: every template column, as text."""
    headers = TEMPLATE.require(name).headers
    return pd.DataFrame([{h: str(r.get(h, "")) for h in headers} for r in rows], columns=headers)


@dataclass
class Planned:
    action: Action | None
    ctx: PlanContext | None
    plan: Plan | None
    problems: list[Problem]

    @property
    def why(self) -> str:
        return "; ".join(str(p) for p in self.problems)


def plan(
    lms: LMS,
    system: str,
    action: str,
    frames: dict[str, pd.DataFrame],
    scope: str = "",
    params: str = "",
    due: str = "",
    today: date = TODAY,
    step_id: str = "S-001",
    run_on: str = "",
    country: str = "",
    ledger: Mapping[str, Done] | None = None,
) -> Planned:
    """As the cycle plans: the district calendar of the Calendar tab (with ``country``'s
    national holidays), its rollover row, the step's Run-on date when still to come, and
    ``ledger``, the rollover's once-changes of the action's kind (none by default)."""
    step = Step(step_id, 2, system, action, scope, params, due=due, run=True, run_on=run_on)
    years = {today.year - 1, today.year, today.year + 1}
    rules = CalendarRules(national_holidays=national_holidays(country, "", years))
    calendar = DistrictCalendar.from_frame(frames.get("Calendar", pd.DataFrame()), rules)
    rollover = pick_rollover(None, "", calendar.rows, today)
    anchors = DateAnchors(today, rollover.day if rollover else None, calendar.add_business_days)
    checked, problems = validate_step(
        step, registry().catalogue, TEMPLATE, {step_id}, None, today, anchors
    )
    if checked is None:
        return Planned(None, None, None, problems)
    run_day = checked.run_on if checked.run_on and checked.run_on > today else None
    act = registry().action(checked.spec)
    selected = pd.DataFrame()
    if checked.spec.tab and checked.scope is not None:
        frame = frames[checked.spec.tab]
        selected = frame[select(checked.scope, frame, TEMPLATE, today)]
    records = lms_records(lms, act)
    ctx = PlanContext(
        checked=checked,
        selected=selected,
        lms_records=records,
        baseline=int((records["status"] == "active").sum()) if not records.empty else 0,
        today=today,
        settings=lms.settings(checked.spec.system),
        id_column=act.id_column,
        max_change_percent=10.0,
        frames=frames,
        calendar=calendar,
        rollover=anchors.rollover,
        run_day=run_day,
        ledger=ledger or {},
        more_records=more_records(lms, act),
    )
    made, problems = act.plan(ctx)
    return Planned(act, ctx, made, problems)


def execute(lms: MockLMS, planned: Planned, step_id: str = "S-001") -> dict[str, str]:
    """Run every work item; each record's outcome (the LMS message, or ``failed: why``)."""
    assert planned.action and planned.ctx and planned.plan, planned.why
    spec = planned.action.spec
    outcomes = {}
    judged = planned.plan.judged
    if judged is not None:
        items = changes(planned.action, planned.ctx, judged)[0]
    else:
        items = planned.action.work(planned.ctx)
    for item in items:
        op = Operation(spec.system, spec.name, planned.action.kind, item.record_id, item.params)
        try:
            outcomes[item.record_id] = lms.execute(op).message
        except RuleViolation as exc:
            outcomes[item.record_id] = f"failed: {exc}"
    return outcomes


def seeded(
    tmp_path: Path, system: str, frames: dict[str, pd.DataFrame], clock: Clock | None = None
) -> MockLMS:
    """The mock LMS seeded from ``frames``; ``clock`` is its own time (default: the wall
    clock)."""
    lms = MockLMS(tmp_path / "lms.sqlite", clock=clock)
    lms.seed(system, frames)
    return lms


CHANGE, AT_TARGET = Fate.CHANGE.value, Fate.AT_TARGET.value


def fates(planned: Planned) -> dict[str, str]:
    """Each item's fate in the plan."""
    assert planned.plan and planned.plan.judged is not None, planned.why
    judged = planned.plan.judged
    return dict(zip(judged[ID], judged[FATE], strict=True))


def calls(lms: MockLMS, system: str, action: str) -> int:
    """How many calls of ``action`` the vendor received (its history keeps every one)."""
    return sum(1 for h in lms.store.history(system) if h[2] == action)
