"""Plans made against the LMS's state (DESIGN section 3): the action's ``Rule`` and targets
judge each selected record (``bot.core.targets.judge``); the plan says what will change,
what is already at target, what is not allowed and what is not in the LMS, and binds its
approval to the (record, target) operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import pandas as pd

from bot.actions.context import Check, PlanContext, Refuse, Targets, WorkItem
from bot.core.catalogue import ActionSpec
from bot.core.plan import Plan
from bot.core.problems import Problem
from bot.core.targets import (
    FATE,
    ID,
    STATUS,
    TO,
    TO_STATUS,
    WHY,
    Fate,
    Rule,
    changes_text,
    counts,
    judge,
    left_alone,
    operations_fingerprint,
)
from bot.core.values import shown
from bot.core.wording import count, listed, past_participle, singular

EXAMPLES = 3
GUARDED_VERBS = frozenset({"archive", "deactivate", "disable", "delete", "remove"})
ALLOW_OVER = "allow_over_threshold"


Explain = Callable[[PlanContext, pd.DataFrame], str]
"""More words for a plan, from its judged records (each educator's permission changes)."""


class Action(Protocol):
    """What of an action its plan against the LMS uses (``bot.actions.base.Action``)."""

    spec: ActionSpec
    id_column: str
    universe_status: str
    checks: tuple[Check, ...]
    rule: Rule | None
    targets: Targets | None
    refuse: Refuse | None
    explain: Explain | None

    def example(self, record: dict[str, str]) -> str: ...


def selected_ids(action: Action, ctx: PlanContext) -> pd.Series:
    """The selected rows' record IDs, trimmed (blank IDs left out), in sheet order."""
    if ctx.selected.empty:
        return pd.Series([], dtype=object)
    ids = ctx.selected[action.id_column].map(str).str.strip()
    return ids[ids != ""]


def duplicates(action: Action, ctx: PlanContext) -> list[Problem]:
    """A selected record whose ID is on more than one row of the tab (selected or not):
    which row is the record, and which row shows its LMS status? The step is not acted on
    until the tab says (naming the rows)."""
    column = action.id_column
    if ctx.selected.empty or not column:
        return []
    whole = ctx.tab(action.spec.tab) if action.spec.tab else ctx.selected
    rows = whole if column in whole else ctx.selected
    ids = rows[column].map(str).str.strip()
    chosen = ctx.selected[column].map(str).str.strip()
    twice = rows[ids.duplicated(keep=False) & (ids != "") & ids.isin(chosen)]
    if twice.empty:
        return []
    where = (
        twice.groupby(ids[twice.index], sort=True)["_row"].apply(list) if "_row" in twice else {}
    )
    named = [f"{i} (rows {', '.join(str(r) for r in found)})" for i, found in where.items()]
    tab = action.spec.tab or "the tab"
    return [
        Problem(
            "Scope",
            f"{count(len(named), column)} on more than one row of {tab}: "
            f"{listed(named)}; keep one row per record",
        )
    ]


def judged(action: Action, ctx: PlanContext) -> pd.DataFrame:
    """Each selected record's fate and target against the LMS."""
    assert action.rule is not None
    rows = ctx.selected[ctx.selected[action.id_column].map(str).str.strip() != ""]
    ids = rows[action.id_column].map(str).str.strip()
    fields = action.targets(ctx, rows) if action.targets is not None else None
    refused = action.refuse(ctx, rows) if action.refuse is not None else None
    return judge(
        ids,
        ctx.lms_records,
        action.rule,
        fields,
        refused,
        ctx.ledger,
        ctx.checked.step.step_id,
        singular(action.spec.noun),
    )


def excess(action: Action, ctx: PlanContext, changing: int) -> str:
    """How far ``changing`` records go past ``max_change_percent`` of the active records at
    the start of the rollover ("would archive 40 of 60 active students (66.7% > 10%)"), or
    that the LMS has none; empty when the plan is within it."""
    if action.spec.verb not in GUARDED_VERBS:
        return ""
    base = ctx.baseline
    if not base:
        return (
            f"the LMS has no active {action.spec.noun}: seed it or check the connection "
            f"to {action.spec.system}"
        )
    if changing * 100 <= ctx.max_change_percent * base:
        return ""
    share = changing * 100 / base
    return (
        f"would {action.spec.verb} {changing:,} of {base:,} active {action.spec.noun} "
        f"({share:.1f}% > {ctx.max_change_percent:g}%)"
    )


def plan_against_lms(action: Action, ctx: PlanContext) -> tuple[Plan | None, list[Problem]]:
    """The plan of a record action: every selected record judged against the LMS."""
    problems = [p for check in action.checks for p in check(ctx)]
    problems += truncated_input(ctx, action.spec.tab)
    problems += duplicates(action, ctx)
    if problems:
        return None, problems
    table = judged(action, ctx)
    changing = int((table[FATE] == Fate.CHANGE.value).sum()) if not table.empty else 0
    over = excess(action, ctx, changing)
    if over and (ctx.params.get(ALLOW_OVER) is not True or not ctx.baseline):
        hint = f"; check the scope, or add {ALLOW_OVER}=yes to Parameters" if ctx.baseline else ""
        return None, [Problem("Scope", over + hint)]
    ops = table[table[FATE].isin([Fate.CHANGE.value, Fate.AT_TARGET.value])]
    return judged_plan(action, ctx, table, ops[ID], summary(action, ctx, table)), []


def summary(action: Action, ctx: PlanContext, table: pd.DataFrame) -> str:
    """``Will archive 9 of 2,140 active students (grade 12); e.g. ...; 3 already archived;
    2 not in Edgenuity; 1 left alone: student 7 is graduated, not active``; a change of
    fields says it (``: target date 2027-05-17 -> 2027-05-20``)."""
    spec = action.spec
    n = counts(table)
    one, many = singular(spec.noun), spec.noun
    universe = action.universe_status
    lms = ctx.lms_records
    total = int((lms["status"] == universe).sum()) if universe and not lms.empty else 0
    of = f" of {total:,} {universe} {many}" if universe and total else f" {many}"
    text = f"Will {spec.verb} {n[Fate.CHANGE]:,}{of}"
    if not (universe and total):
        text = f"Will {spec.verb} {count(n[Fate.CHANGE], one, many)}"
    if not n[Fate.CHANGE]:
        text = f"Nothing to {spec.verb.split(' ')[0]}: no {one} in scope needs it"
    scope = ctx.checked.scope
    if scope is not None and scope.describe():
        text += f" ({shown(scope.describe(), 300, quote=False)})"
    changing = table[table[FATE] == Fate.CHANGE.value]
    changed = changes_text(table) if action.explain is None else ""
    if changed:
        text += f": {changed}"
    if not changing.empty:
        rows = ctx.selected[
            ctx.selected[action.id_column].map(str).str.strip().isin(changing[ID].head(EXAMPLES))
        ]
        examples = [shown(action.example(r), 100, quote=False) for r in rows.to_dict("records")]
        more = n[Fate.CHANGE] - len(examples)
        text += "; e.g. " + ", ".join(examples) + (f" and {more:,} more" if more > 0 else "")
    if action.explain is not None and not changing.empty:
        text += "; " + action.explain(ctx, changing)
    if n[Fate.AT_TARGET]:
        text += f"; {n[Fate.AT_TARGET]:,} already {past_participle(spec.verb)}"
    return "; ".join([text, *left_alone(table, spec.verb, spec.system)])


def plan_items(
    action: Action,
    ctx: PlanContext,
    items: list[WorkItem],
    summary: str,
    at_target: Callable[[PlanContext, WorkItem], bool] | None = None,
) -> Plan:
    """The plan of an action whose work is computed (a setting, a sync, a merge): each item's
    parameters are its target, so a corrected parameter is a new plan; an item the LMS holds
    already (``at_target``) is not sent again."""
    done = [bool(at_target and at_target(ctx, i)) for i in items]
    names = sorted({k for i in items for k in i.params})
    table = pd.DataFrame(
        {
            ID: [i.record_id for i in items],
            STATUS: "",
            TO_STATUS: "",
            **{TO + n: [i.params.get(n, "") for i in items] for n in names},
            FATE: [Fate.AT_TARGET.value if d else Fate.CHANGE.value for d in done],
            WHY: "",
            "by": "",
        },
        dtype=object,
    )
    return judged_plan(action, ctx, table, table[ID], summary)


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


def judged_plan(
    action: Action, ctx: PlanContext, table: pd.DataFrame, ids: pd.Series, said: str
) -> Plan:
    """The plan of ``table`` (each record's fate and target): its fingerprint binds the
    approval to the operations, the parameters and the owner; ``ids``: the records it
    covers; ``said``: its summary."""
    checked = ctx.checked
    return Plan(
        step_id=checked.step.step_id,
        system=action.spec.system,
        action=action.spec.name,
        scope=checked.scope.canonical() if checked.scope else "",
        parameters=checked.params_text,
        record_ids=tuple(sorted(ids)),
        summary=said,
        destructive=action.spec.destructive,
        fingerprint=operations_fingerprint(
            table,
            action.spec.system.casefold(),
            action.spec.name.casefold(),
            checked.params_text,
            checked.step.owner.strip().casefold(),
        ),
        judged=table,
    )
