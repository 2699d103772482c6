"""How an action plans and executes: the shared machinery behind every system's actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from bot.abc import LMS
from bot.core.calendar import DistrictCalendar
from bot.core.catalogue import ActionSpec, Catalogue
from bot.core.plan import Plan, make_plan, summarize
from bot.core.problems import Problem
from bot.core.validate import CheckedStep
from bot.core.wording import count
from bot.templates import WorkbookTemplate

EXAMPLES = 3
GUARDED_VERBS = frozenset({"archive", "disable", "delete", "remove"})
ALLOW_OVER = "allow_over_threshold"


@dataclass
class PlanContext:
    """What an action sees when it plans: the step, its rows in the sheet, the LMS's view."""

    checked: CheckedStep
    selected: pd.DataFrame
    lms_records: pd.DataFrame
    today: date
    settings: dict[str, str] = field(default_factory=dict)
    applied: frozenset[str] = frozenset()
    id_column: str = ""
    max_change_percent: float = 100.0
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    calendar: DistrictCalendar | None = None
    """The district calendar (the config's national holidays and the Calendar tab); None:
    the Calendar tab's alone."""
    rollover: date | None = None
    """The district's rollover date (config or Calendar), when it has one."""
    run_day: date | None = None
    """The step's Run-on date when it is still to come (the step runs then, not today)."""

    @property
    def when(self) -> date:
        """The day the step will run: its Run-on date, else today."""
        return self.run_day or self.today

    def tab(self, name: str) -> pd.DataFrame:
        """Another tab of the workbook as read this cycle (empty when the cycle did not pass it)."""
        return self.frames.get(name, pd.DataFrame())

    @property
    def pending(self) -> pd.DataFrame:
        """Selected rows this step has not applied yet (rules are checked on these only)."""
        if not self.applied or not self.id_column:
            return self.selected
        return self.selected[~self.selected[self.id_column].str.strip().isin(self.applied)]

    @property
    def params(self) -> dict[str, object]:
        return self.checked.params

    def lms_status(self, ids: pd.Series) -> pd.Series:
        """The LMS status of each ID (``not in LMS`` when absent), aligned with ``ids``."""
        if self.lms_records.empty:
            return pd.Series("not in LMS", index=ids.index, dtype=object)
        lookup = self.lms_records.set_index("id")["status"]
        return ids.map(lookup).fillna("not in LMS")


Check = Callable[[PlanContext], list[Problem]]


@dataclass(frozen=True)
class WorkItem:
    record_id: str
    params: dict[str, str]


@dataclass
class Action:
    """An action over records of one roster tab; one LMS operation per record.

    The LMS kind and the ID column are those of the action's tab in the workbook template,
    filled in when the registry takes the action in (``on``); ``kind`` is given only by an
    action with no tab or one whose kind differs from its tab's (a setting, reports, a
    transfer, a sync).
    """

    spec: ActionSpec
    kind: str = ""
    universe_status: str = "active"
    describe_record: Callable[[dict[str, str]], str] = field(default=lambda r: "")
    record_params: Callable[[dict[str, str], dict[str, object]], dict[str, str]] = field(
        default=lambda record, params: {k: str(v) for k, v in params.items()}
    )
    checks: tuple[Check, ...] = ()
    id_column: str = field(init=False, default="")

    def on(self, template: WorkbookTemplate) -> Action:
        """This action with the LMS kind (unless it gives one) and the ID column of its tab."""
        bound = self
        if self.spec.tab:
            tab = template.require(self.spec.tab)
            bound = replace(self, kind=self.kind or tab.kind)
            bound.id_column = tab.key
        if not bound.kind:
            raise ValueError(
                f"action {self.spec.name!r} of {self.spec.system}: its tab holds no LMS kind "
                "in the workbook template, so the action must give kind="
            )
        return bound

    def work(self, ctx: PlanContext) -> list[WorkItem]:
        records = ctx.selected.to_dict("records")
        return [
            WorkItem(str(r[self.id_column]).strip(), self.record_params(r, ctx.params))
            for r in records
            if str(r[self.id_column]).strip()
        ]

    def record_ids(self, ctx: PlanContext) -> tuple[str, ...]:
        """The record IDs ``work`` acts on, sorted, without building each work item."""
        if type(self).work is not Action.work:
            return tuple(sorted({i.record_id for i in self.work(ctx)}))
        if ctx.selected.empty:
            return ()
        ids = ctx.selected[self.id_column].map(str).str.strip()
        return tuple(sorted(set(ids[ids != ""])))

    def plan(self, ctx: PlanContext) -> tuple[Plan | None, list[Problem]]:
        problems = [p for check in self.checks for p in check(ctx)]
        problems += self.threshold(ctx)
        problems += truncated_input(ctx, self.spec.tab)
        if problems:
            return None, problems
        ids = self.record_ids(ctx)
        if self.universe_status and not ctx.lms_records.empty:
            total = int((ctx.lms_records["status"] == self.universe_status).sum())
            noun = f"{self.universe_status} {self.spec.noun}"
        else:
            total, noun = len(ctx.selected), self.spec.noun
        rows = ctx.selected.head(EXAMPLES).to_dict("records")
        examples = [self.example(r) for r in rows]
        scope = ctx.checked.scope
        summary = summarize(
            self.spec.verb,
            noun,
            len(ids),
            max(total, len(ids)),
            scope.describe() if scope else "",
            examples,
        )
        plan = make_plan(
            ctx.checked.step.step_id,
            self.spec.system,
            self.spec.name,
            scope.canonical() if scope else "",
            ctx.checked.params_text,
            ids,
            summary,
            self.spec.destructive,
            ctx.checked.step.owner,
        )
        return plan, []

    def threshold(self, ctx: PlanContext) -> list[Problem]:
        """Block archiving, disabling or deleting more than ``max_change_percent`` of the
        active records, unless the step says ``allow_over_threshold=yes`` (DESIGN section 7)."""
        if ctx.params.get(ALLOW_OVER) is True:
            return []
        excess = self.excess(ctx)
        if not excess:
            return []
        return [
            Problem("Scope", f"{excess}; check the scope, or add {ALLOW_OVER}=yes to Parameters")
        ]

    def excess(self, ctx: PlanContext) -> str:
        """How far the plan goes past ``max_change_percent`` of the active records ("would
        archive 40 of 60 active students (66.7% > 10%)"); empty when it does not."""
        if self.spec.verb not in GUARDED_VERBS or ctx.lms_records.empty:
            return ""
        active = int((ctx.lms_records["status"] == "active").sum())
        changing = len(ctx.pending)
        if not active or changing * 100 <= ctx.max_change_percent * active:
            return ""
        share = changing * 100 / active
        return (
            f"would {self.spec.verb} {changing:,} of {active:,} active {self.spec.noun} "
            f"({share:.1f}% > {ctx.max_change_percent:g}%)"
        )

    def output_rows(self, lms: LMS, ctx: PlanContext) -> dict[str, list[dict[str, str]]]:
        """Rows for other tabs (Matches, Log) once the step has run; none by default."""
        return {}

    def example(self, record: dict[str, str]) -> str:
        detail = self.describe_record(record)
        record_id = str(record.get(self.id_column, ""))
        return f"{record_id} {detail}".strip()


@dataclass
class SettingAction(Action):
    """An action on a system setting (pause imports): one operation, no records."""

    setting: str = ""

    def work(self, ctx: PlanContext) -> list[WorkItem]:
        return [WorkItem(self.setting, {k: str(v) for k, v in ctx.params.items()})]

    def plan(self, ctx: PlanContext) -> tuple[Plan | None, list[Problem]]:
        problems = [p for check in self.checks for p in check(ctx)]
        if problems:
            return None, problems
        current = ctx.settings.get(self.setting, "on")
        summary = f"Will {self.spec.verb} {self.spec.noun} in {self.spec.system} (now {current})"
        plan = make_plan(
            ctx.checked.step.step_id,
            self.spec.system,
            self.spec.name,
            "",
            ctx.checked.params_text,
            (self.setting,),
            summary,
            self.spec.destructive,
        )
        return plan, []


Build = Callable[[PlanContext], tuple[list[WorkItem], str]]
Outputs = Callable[[LMS, PlanContext], dict[str, list[dict[str, str]]]]


@dataclass
class CustomAction(Action):
    """An action whose work items and plan wording are computed (a sync, a merge, a transfer).

    ``build`` returns the work items and the plan summary; ``reads`` names the LMS kind the
    plan looks at (default ``kind``); ``outputs`` gives rows for other tabs after a run.
    """

    build: Build | None = None
    reads: str = ""
    outputs: Outputs | None = None

    def work(self, ctx: PlanContext) -> list[WorkItem]:
        assert self.build is not None
        return self.build(ctx)[0]

    def plan(self, ctx: PlanContext) -> tuple[Plan | None, list[Problem]]:
        problems = [p for check in self.checks for p in check(ctx)]
        if self.spec.tab:
            problems += self.threshold(ctx) + truncated_input(ctx, self.spec.tab)
        if problems:
            return None, problems
        assert self.build is not None
        items, summary = self.build(ctx)
        scope = ctx.checked.scope
        plan = make_plan(
            ctx.checked.step.step_id,
            self.spec.system,
            self.spec.name,
            scope.canonical() if scope else "",
            ctx.checked.params_text,
            tuple(sorted({i.record_id for i in items})),
            summary,
            self.spec.destructive,
            ctx.checked.step.owner,
        )
        return plan, []

    def output_rows(self, lms: LMS, ctx: PlanContext) -> dict[str, list[dict[str, str]]]:
        return self.outputs(lms, ctx) if self.outputs is not None else {}


@dataclass
class CustomSetting(CustomAction, SettingAction):
    """A computed action with no scope tab (the district calendar, a transfer code)."""


def truncated_input(ctx: PlanContext, tab: str | None) -> list[Problem]:
    """DESIGN section 7: a roster tab that is empty, header-only, or shrank past the threshold
    (fewer rows than the LMS's active records of that type, by more than
    ``max_change_percent``) is not acted on, unless the step allows it. Needs ``ctx.frames``."""
    if not tab or tab not in ctx.frames:
        return []
    rows = len(ctx.frames[tab])
    if rows == 0:
        return [Problem("Scope", f"the {tab} tab is empty (header only): not acted on")]
    if ctx.lms_records.empty or "status" not in ctx.lms_records or ctx.params.get(ALLOW_OVER):
        return []
    active = int((ctx.lms_records["status"] == "active").sum())
    if not active or rows * 100 >= (100 - ctx.max_change_percent) * active:
        return []
    shrank = (active - rows) * 100 / active
    return [
        Problem(
            "Scope",
            f"the {tab} tab has {count(rows, 'row')} but the LMS has "
            f"{count(active, 'active record')} "
            f"({shrank:.1f}% fewer > {ctx.max_change_percent:g}%): it looks truncated, "
            f"not acted on (if the roster really shrank, add {ALLOW_OVER}=yes)",
        )
    ]


class Registry:
    """Actions by (system, name), each with its tab's LMS kind and ID column from
    ``template``, and the catalogue of their specs the core validates with."""

    def __init__(
        self,
        actions: list[Action],
        template: WorkbookTemplate,
        manual: list[ActionSpec] | None = None,
        messages: frozenset[str] = frozenset(),
    ) -> None:
        """``manual``: the people's-task specs (``bot.actions.manual``); ``messages``: the
        message templates' names."""
        self.catalogue = Catalogue()
        self._actions: dict[tuple[str, str], Action] = {}
        for action in actions:
            self.catalogue.add(action.spec)
            self._actions[action.spec.key] = action.on(template)
        for spec in manual or []:
            self.catalogue.add_manual(spec)
        self.catalogue.messages = messages

    def action(self, spec: ActionSpec) -> Action:
        return self._actions[spec.key]

    def __len__(self) -> int:
        return len(self._actions)


def lms_records(lms: LMS, action: Action) -> pd.DataFrame:
    """The LMS records an action plans against (none for a setting action)."""
    if isinstance(action, CustomAction):
        return lms.records(action.spec.system, action.reads or action.kind)
    if isinstance(action, SettingAction):
        return pd.DataFrame({"id": [], "status": []}, dtype=object)
    return lms.records(action.spec.system, action.kind)
