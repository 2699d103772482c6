"""SchoolStatus's rules a plan checks (seed 001): the reports downloaded before anything is
archived or deleted, staff removed only once they left, the sync not paused, one row per
student, a deletion threshold that is a share; and the settings' work, read back: the
threshold SchoolStatus has, reports that hold its data as it is."""

from __future__ import annotations

import json
from datetime import date

from bot.actions.context import PlanContext, WorkItem
from bot.actions.shared import ids_text
from bot.core.problems import Problem
from bot.core.wording import agree, count, listed
from bot.structures import ROW

SYSTEM = "SchoolStatus"
DEFAULT_THRESHOLD = 10.0


def reports_first(ctx: PlanContext) -> list[Problem]:
    """Reports are downloaded (snapshotted) before anything is archived or deleted."""
    if ctx.settings.get("reports"):
        return []
    return [
        Problem(
            "Action",
            f"download the Connect reports first: nothing is archived, removed or deleted in "
            f"{SYSTEM} before they are saved (add a 'download reports' step)",
        )
    ]


def staff_who_left(ctx: PlanContext) -> list[Problem]:
    """Remove only staff who left: rows whose Status is still active are refused."""
    active = ctx.pending[ctx.pending["Status"].str.strip().str.casefold() == "active"]
    if active.empty:
        return []
    return [
        Problem(
            "Scope",
            f"{count(len(active), 'staff member')} in scope "
            f"{agree(len(active), 'is', 'are')} still active "
            f"({ids_text(active['Educator ID'])}); remove only staff who left",
        )
    ]


def one_row_per_student(ctx: PlanContext) -> list[Problem]:
    """A student on two rows of the scope: which row would the sync send? Not acted on until
    the Students tab says (naming the rows)."""
    if ctx.selected.empty:
        return []
    ids = ctx.selected["Student ID"].map(str).str.strip()
    twice = ctx.selected[ids.duplicated(keep=False) & (ids != "")]
    if twice.empty:
        return []
    if ROW in twice:
        rows = twice.groupby(ids[twice.index], sort=True)[ROW].apply(list)
        named = [f"{i} (rows {', '.join(str(r) for r in at)})" for i, at in rows.items()]
    else:
        named = sorted(set(ids[twice.index]))
    return [
        Problem(
            "Scope",
            f"{count(len(named), 'Student ID')} on more than one row of Students: "
            f"{listed(named)}; keep one row per student",
        )
    ]


def sync_on(ctx: PlanContext) -> list[Problem]:
    """SchoolStatus refuses a sync while it is paused."""
    if ctx.settings.get("sync", "on") != "paused":
        return []
    return [
        Problem(
            "Action",
            f"the sync is paused in {SYSTEM}: resume it (a 'resume sync' step) before syncing "
            "the roster",
        )
    ]


def threshold_now(ctx: PlanContext) -> float:
    return float(ctx.settings.get("deletion_threshold") or DEFAULT_THRESHOLD)


def percent_in_range(params: dict[str, object], today: date) -> list[Problem]:
    """The deletion threshold is a share of the active students: more than 0, at most 100."""
    percent = params.get("percent")
    if isinstance(percent, int | float) and not 0 < percent <= 100:
        return [
            Problem(
                "Parameters",
                f"percent={percent:g} is not a share of the active students: give a number "
                "more than 0 and at most 100",
            )
        ]
    return []


def _percent(ctx: PlanContext) -> str:
    return f"{float(str(ctx.params['percent'])):g}"


def threshold_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """The threshold the step gives, against the one SchoolStatus has now."""
    percent = _percent(ctx)
    now = f"{threshold_now(ctx):g}"
    summary = f"Will set the {SYSTEM} deletion threshold to {percent}% (now {now}%)"
    if now == percent:
        summary = f"Nothing to do: the {SYSTEM} deletion threshold is already {now}%"
    return [WorkItem("deletion_threshold", {"percent": percent})], summary


def threshold_set(ctx: PlanContext, item: WorkItem) -> bool:
    return f"{threshold_now(ctx):g}" == item.params["percent"]


def reports_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """The Connect reports as SchoolStatus's data is now; when the last ones hold it already
    (no record changed since), nothing is downloaded again."""
    item = WorkItem("reports", {"on": ctx.today.isoformat()})
    if reports_current(ctx, item):
        names = json.loads(ctx.settings["reports"]).values()
        return [item], (
            f"Nothing to download: the Connect reports saved last ({', '.join(names)}) hold "
            f"{SYSTEM} as it is now"
        )
    return [item], (
        f"Will download the Connect reports (students, staff, classrooms) from {SYSTEM} to the "
        "district's reports folder"
    )


def reports_current(ctx: PlanContext, item: WorkItem) -> bool:
    """The last reports were saved after SchoolStatus's latest change to a record."""
    settings = ctx.settings
    version = settings.get("data_version", "")
    return (
        bool(settings.get("reports"))
        and bool(version)
        and (settings.get("reports_as_of") == version)
    )
