"""SchoolStatus Connect actions (seed 001: end of year guide)."""

from __future__ import annotations

import json
from functools import partial

import pandas as pd

from bot.actions.base import (
    Action,
    CustomAction,
    CustomSetting,
    PlanContext,
    SettingAction,
    WorkItem,
)
from bot.actions.edgenuity import OVER_THRESHOLD
from bot.actions.shared import ids_text
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.values import format_count
from bot.core.wording import agree, count
from bot.templates import load_template

SYSTEM = "SchoolStatus"
DEFAULT_THRESHOLD = 10.0
FEED_FIELDS = ("first_name", "last_name", "birth_date", "email", "grade", "school")


def _student(record: dict[str, str]) -> str:
    return f"{record.get('First name', '')} {record.get('Last name', '')}".strip()


def _staff(record: dict[str, str]) -> str:
    return f"{record.get('Name', '')} ({record.get('Status', '')})"


def _classroom(record: dict[str, str]) -> str:
    return f"{record.get('Title', '')} ({record.get('Term', '')})"


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


def _threshold(ctx: PlanContext) -> float:
    return float(ctx.settings.get("deletion_threshold") or DEFAULT_THRESHOLD)


def sync_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """The roster in scope as the sync feed; the plan says what the sync will do, and that it
    will fail its archiving if that is over the deletion threshold."""
    fields = load_template().require("Students").fields
    to_feed = {column: name for column, name in fields.items() if name in FEED_FIELDS}
    feed = ctx.selected.rename(columns=to_feed).assign(id=ctx.selected["Student ID"].str.strip())
    feed = feed[["id", *FEED_FIELDS]]
    lms = ctx.lms_records
    active = lms[lms["status"] == "active"] if not lms.empty else lms
    known = set(lms["id"]) if not lms.empty else set()
    new = int((~feed["id"].isin(known)).sum())
    gone = int((~active["id"].isin(feed["id"])).sum()) if not active.empty else 0
    threshold = _threshold(ctx)
    summary = (
        f"Will sync {count(len(feed), 'student')} to {SYSTEM}: {format_count(new)} new, "
        f"{format_count(gone)} to archive of {format_count(len(active))} active"
    )
    if gone and gone * 100 > threshold * len(active):
        share = gone * 100 / len(active)
        summary += (
            f"; {share:.1f}% is over the deletion threshold of {threshold:g}%: the sync will fail "
            "its archiving (creates and updates still apply) unless the threshold is raised"
        )
    item = WorkItem("students", {"feed": json.dumps(feed.to_dict("records"))})
    return [item], summary


def merge_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """Duplicate students (same name and birth date, or same email) touching the scope, each
    merged into a survivor: the roster's own ID, else the lowest ID."""
    pairs = duplicate_pairs(ctx.lms_records, set(ctx.tab("Students").get("Student ID", [])))
    scope = set(ctx.selected["Student ID"].str.strip()) if not ctx.selected.empty else set()
    pairs = [p for p in pairs if p[0] in scope or p[1] in scope]
    items = [WorkItem(dup, {"survivor": keep}) for dup, keep, _ in pairs]
    if not pairs:
        return [], f"No duplicate students found among {format_count(len(scope))} in scope"
    shown = [f"{dup} into {keep} ({why})" for dup, keep, why in pairs]
    return items, (
        f"Will merge {format_count(len(pairs))} duplicate students (the survivor keeps every "
        f"enrollment): {ids_text(shown)}"
    )


def duplicate_pairs(lms: pd.DataFrame, roster: set[str]) -> list[tuple[str, str, str]]:
    """(duplicate, survivor, why) for active students sharing name and birth date, or email."""
    if lms.empty:
        return []
    active = lms[lms["status"] == "active"].fillna("")
    text = {
        c: active.get(c, pd.Series("", index=active.index)).str.strip().str.casefold()
        for c in ("first_name", "last_name", "birth_date", "email")
    }
    keys = {
        "same name and birth date": (
            text["first_name"] + "|" + text["last_name"] + "|" + text["birth_date"]
        ).where(text["birth_date"] != ""),
        "same email": text["email"].where(text["email"] != ""),
    }
    survivor_of: dict[str, tuple[str, str]] = {}
    for why, key in keys.items():
        grouped = active.assign(key=key).dropna(subset=["key"]).groupby("key")["id"]
        for ids in grouped.apply(list):
            if len(ids) < 2:
                continue
            keep = sorted(ids, key=lambda i: (i not in roster, i))[0]
            for dup in ids:
                if dup != keep and dup not in survivor_of:
                    survivor_of[dup] = (keep, why)
    return [
        (dup, keep, why)
        for dup, (keep, why) in sorted(survivor_of.items())
        if keep not in survivor_of
    ]


def threshold_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    percent = float(str(ctx.params["percent"]))
    now = ctx.settings.get("deletion_threshold") or f"{DEFAULT_THRESHOLD:g}"
    summary = f"Will set the {SYSTEM} deletion threshold to {percent:g}% (now {now}%)"
    return [WorkItem("deletion_threshold", {"percent": f"{percent:g}"})], summary


def reports_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    return [WorkItem("reports", {"on": ctx.today.isoformat()})], (
        f"Will download the Connect reports (students, staff, classrooms) from {SYSTEM} to the "
        "district's reports folder"
    )


_spec = partial(ActionSpec, SYSTEM)
AFTER = ("download reports",)
AFTER_WHY = "download the reports before archiving or deleting"

ACTIONS: list[Action] = [
    SettingAction(
        _spec(
            "pause sync",
            "pause",
            "sync",
            None,
            False,
            "Pause the Clever / ClassLink / OneRoster sync during the transition.",
        ),
        kind="settings",
        setting="sync",
    ),
    SettingAction(
        _spec(
            "resume sync",
            "resume",
            "sync",
            None,
            False,
            "Turn the roster sync back on from the SIS Rostering page.",
        ),
        kind="settings",
        setting="sync",
    ),
    CustomSetting(
        _spec(
            "set deletion threshold",
            "set",
            "deletion threshold",
            None,
            False,
            "Raise (or lower) the share of records a sync may archive before it fails.",
            params=(ParamSpec("percent", "number", required=True, help="e.g. 25"),),
        ),
        kind="settings",
        build=threshold_work,
    ),
    CustomAction(
        _spec(
            "sync roster",
            "sync",
            "roster",
            "Students",
            True,
            "Roll the roster over: create, update, and archive students no longer in it.",
            params=OVER_THRESHOLD,
        ),
        kind="sync",
        reads="students",
        build=sync_work,
    ),
    CustomSetting(
        _spec(
            "download reports",
            "download",
            "Connect reports",
            None,
            False,
            "Save the Connect reports to the reports folder before anything is archived.",
        ),
        kind="reports",
        build=reports_work,
    ),
    Action(
        _spec(
            "remove inactive staff",
            "remove",
            "staff",
            "Educators",
            True,
            "Remove the access of staff members who left.",
            params=OVER_THRESHOLD,
            after=AFTER,
            after_reason=AFTER_WHY,
        ),
        describe_record=_staff,
        checks=(reports_first, staff_who_left),
    ),
    Action(
        _spec(
            "archive classrooms",
            "archive",
            "classrooms",
            "Classes",
            True,
            "Archive previous school years' classrooms.",
            params=OVER_THRESHOLD,
            after=AFTER,
            after_reason=AFTER_WHY,
        ),
        describe_record=_classroom,
        checks=(reports_first,),
    ),
    Action(
        _spec(
            "archive students",
            "archive",
            "students",
            "Students",
            True,
            "Archive non-returning students (or all, before a fresh upload).",
            params=OVER_THRESHOLD,
            after=AFTER,
            after_reason=AFTER_WHY,
        ),
        describe_record=_student,
        checks=(reports_first,),
    ),
    Action(
        _spec(
            "delete students",
            "delete",
            "students",
            "Students",
            True,
            "Delete non-returning students; only once the reports hold them, with approval.",
            params=OVER_THRESHOLD,
            after=AFTER,
            after_reason=AFTER_WHY,
        ),
        universe_status="",
        describe_record=_student,
        checks=(reports_first,),
    ),
    CustomAction(
        _spec(
            "merge duplicate students",
            "merge",
            "duplicate students",
            "Students",
            True,
            "Find students with the same name and birth date, or email, and merge them.",
        ),
        build=merge_work,
    ),
]
