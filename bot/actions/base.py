"""How an action plans and executes: the shared machinery behind every system's actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from bot.abc import LMS
from bot.actions.context import Check, PlanContext, Refuse, Targets, WorkItem
from bot.actions.targeted import (
    ALLOW_OVER,
    GUARDED_VERBS,
    Explain,
    plan_against_lms,
    plan_items,
    truncated_input,
)
from bot.core.catalogue import ActionSpec, Catalogue
from bot.core.plan import Plan, make_plan, summarize
from bot.core.problems import Problem
from bot.core.targets import Rule
from bot.templates import WorkbookTemplate

EXAMPLES = 3


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
    rule: Rule | None = None
    """How the action moves a record; given, the plan is made against the LMS's state."""
    targets: Targets | None = None
    """Each selected row's target field values (a frame, one row per row, in order)."""
    refuse: Refuse | None = None
    """Why the action's own rule refuses each selected row ("" where it does not)."""
    explain: Explain | None = None
    """More words for the plan, from the records that will change."""
    resets_baseline: str = ""
    """The LMS kind whose threshold base the action starts anew once it ran (a roster sync:
    DESIGN section 7, the active count at the start of the rollover or the last sync)."""
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
        if self.rule is not None:
            return plan_against_lms(self, ctx)
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

    @property
    def has_outputs(self) -> bool:
        """Whether the action gives rows for other tabs (``output_rows``)."""
        return False

    def example(self, record: dict[str, str]) -> str:
        detail = self.describe_record(record)
        record_id = str(record.get(self.id_column, ""))
        return f"{record_id} {detail}".strip()


@dataclass
class SettingAction(Action):
    """An action on a system setting (pause imports): one operation, no records."""

    setting: str = ""
    value: str = ""
    """The value the step gives the setting: already there, nothing is sent."""

    def work(self, ctx: PlanContext) -> list[WorkItem]:
        return [WorkItem(self.setting, {k: str(v) for k, v in ctx.params.items()})]

    def plan(self, ctx: PlanContext) -> tuple[Plan | None, list[Problem]]:
        problems = [p for check in self.checks for p in check(ctx)]
        if problems:
            return None, problems
        current = ctx.settings.get(self.setting, "on")
        summary = f"Will {self.spec.verb} {self.spec.noun} in {self.spec.system} (now {current})"
        if self.value and current == self.value:
            summary = f"Nothing to do: {self.spec.noun} in {self.spec.system} already {current}"
        items = self.work(ctx)
        return plan_items(self, ctx, items, summary, self.already), []

    def already(self, ctx: PlanContext, item: WorkItem) -> bool:
        """Whether the LMS holds the setting's value already (``value``, when given)."""
        return bool(self.value) and ctx.settings.get(self.setting, "on") == self.value


Build = Callable[[PlanContext], tuple[list[WorkItem], str]]
AtTarget = Callable[[PlanContext, WorkItem], bool]
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
    at_target: AtTarget | None = None
    """Whether the LMS holds an item's target already (then nothing is sent for it)."""
    also_reads: tuple[str, ...] = ()
    """Other LMS kinds the plan looks at (``PlanContext.records``)."""

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
        return plan_items(self, ctx, items, summary, self.at_target), []

    def output_rows(self, lms: LMS, ctx: PlanContext) -> dict[str, list[dict[str, str]]]:
        return self.outputs(lms, ctx) if self.outputs is not None else {}

    @property
    def has_outputs(self) -> bool:
        return self.outputs is not None


@dataclass
class CustomSetting(CustomAction, SettingAction):
    """A computed action with no scope tab (the district calendar, a transfer code)."""


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


def more_records(lms: LMS, action: Action) -> dict[str, pd.DataFrame]:
    """The other LMS kinds a computed action's plan looks at (``CustomAction.also_reads``)."""
    kinds = action.also_reads if isinstance(action, CustomAction) else ()
    return {kind: lms.records(action.spec.system, kind) for kind in kinds}
