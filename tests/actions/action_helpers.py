"""Plan and run one step against a mock LMS without the workbook: what the cycle does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from bot.actions import registry
from bot.actions.base import Action, PlanContext, lms_records
from bot.core.checklist import Step
from bot.core.plan import Plan
from bot.core.problems import Problem
from bot.core.scope import select
from bot.core.validate import validate_step
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
    lms: MockLMS,
    system: str,
    action: str,
    frames: dict[str, pd.DataFrame],
    scope: str = "",
    params: str = "",
    due: str = "",
    today: date = TODAY,
    step_id: str = "S-001",
) -> Planned:
    step = Step(step_id, 2, system, action, scope, params, due=due, run=True)
    checked, problems = validate_step(step, registry().catalogue, TEMPLATE, {step_id}, None, today)
    if checked is None:
        return Planned(None, None, None, problems)
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


def seeded(tmp_path: Path, system: str, frames: dict[str, pd.DataFrame]) -> MockLMS:
    lms = MockLMS(tmp_path / "lms.sqlite")
    lms.seed(system, frames)
    return lms
