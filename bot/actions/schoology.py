"""Schoology with PowerSchool actions (seed 004: new school year).

Each plan compares what the step asks with what Schoology holds: a setting already at the
value, a school that has the grading period with those dates already, is not sent again; a
corrected value (another year, other dates) is a new target and is sent. Checking the acting
user is a read: the plan reads the user and the setting, and nothing is sent. Making users
inactive is planned against Schoology's users: a user already inactive is at target and is
not sent again.

The PowerSchool app's sync mode and active year have no API on a real Schoology: the playbook
makes them people's steps (``manual`` with ``setting=``), which the bot checks where it can
read the app's settings. The actions that set them stay for the in-process model and the
fakes' stand-in of the app.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd

from bot.actions.base import ALLOW_OVER, Action, CustomSetting, PlanContext, WorkItem
from bot.actions.schoology_rosters import ACTIONS as ROSTER_ACTIONS
from bot.actions.shared import describe_student, ids_text
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.targets import Rule
from bot.core.wording import agree, count
from bot.errors import Unreadable

SYSTEM = "Schoology"
ADMIN_ROLE = "system admin"


def _educators(ctx: PlanContext) -> pd.DataFrame:
    """Schoology's staff users: the action's own records, or those it also reads."""
    return ctx.more_records.get("educators", ctx.lms_records)


def user_problem(ctx: PlanContext, email: str) -> str:
    """Why ``email`` may not be the acting user (an active System Admin); blank if it may."""
    if not email:
        return "no acting user is set for the PowerSchool app"
    users = _educators(ctx)
    if users.empty:
        return f"acting user {email} is not a member of the organization in {SYSTEM}"
    found = users[users.get("email", users["id"]).fillna("").str.casefold() == email.casefold()]
    if found.empty:
        return f"acting user {email} is not a member of the organization in {SYSTEM}"
    user = found.iloc[0]
    if user["status"] != "active":
        return f"acting user {email} is {user['status']}, not a current member"
    role = str(user.get("role", "") or "")
    if role.strip().casefold() != ADMIN_ROLE:
        return f"acting user {email} has role {role!r}, not System Admin"
    return ""


NO_ACTING_USER = (
    f"{SYSTEM}'s API cannot read the PowerSchool app's acting user: look it up in the app "
    "(System Settings > Integration > SIS Integration > PowerSchool) and give it as "
    "user=EMAIL; the bot then checks that user is an active System Admin"
)


def acting_user(ctx: PlanContext) -> str:
    """The acting user to check: the step's ``user`` (as the app shows it, for a Schoology
    whose API cannot read the app's settings, the real one), else the app's setting.
    Raises Unreadable when neither can be had."""
    given = str(ctx.params.get("user") or "").strip()
    return given or ctx.settings.get("acting_user", "")


def acting_user_ok(ctx: PlanContext) -> list[Problem]:
    """The acting user is a current member with the System Admin role."""
    try:
        user = acting_user(ctx)
    except Unreadable:
        return [Problem("Parameters", NO_ACTING_USER)]
    problem = user_problem(ctx, user)
    return [Problem("Action", problem)] if problem else []


def acting_user_ok_where_readable(ctx: PlanContext) -> list[Problem]:
    """As ``acting_user_ok`` where the PowerSchool app's settings can be read; a Schoology
    whose API cannot read them (the real one) leaves it to the people's steps: the API's
    writes are made by the user whose keys the bot holds."""
    try:
        ctx.settings.get("acting_user")
    except Unreadable:
        return []
    return acting_user_ok(ctx)


def new_user_ok(ctx: PlanContext) -> list[Problem]:
    problem = user_problem(ctx, str(ctx.params.get("user", "")))
    return [Problem("Parameters", problem)] if problem else []


def _mode(ctx: PlanContext) -> str:
    return ctx.settings.get("sync_mode", "automatic")


def sync_is_manual(ctx: PlanContext) -> list[Problem]:
    """The active year is set only while sync is Manual (and not at all when Schoology has
    that year already: nothing is sent)."""
    mode = _mode(ctx)
    if mode == "manual" or ctx.settings.get("active_year", "") == str(ctx.params.get("year")):
        return []
    return [
        Problem(
            "Action", f"sync is {mode}: set the sync mode to manual before setting the active year"
        )
    ]


def check_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """A read: the plan's checks read the acting user in Schoology; nothing is sent."""
    user = acting_user(ctx)
    return [WorkItem("acting_user", {"user": user})], (
        f"The acting user of the PowerSchool app, {user}, is an active System Admin "
        f"(read from {SYSTEM}; nothing is changed)"
    )


def read_only(ctx: PlanContext, item: WorkItem) -> bool:
    """A check changes nothing: its item is at target once the plan's checks pass."""
    return True


def set_user_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    user = str(ctx.params["user"]).strip()
    item = WorkItem("acting_user", {"user": user})
    if user_set(ctx, item):
        return [item], f"Nothing to do: {user} is the acting user of the PowerSchool app already"
    before = ctx.settings.get("acting_user") or "none"
    return [item], f"Will make {user} the acting user of the PowerSchool app (now {before})"


def user_set(ctx: PlanContext, item: WorkItem) -> bool:
    now = ctx.settings.get("acting_user", "")
    return now.casefold() == item.params["user"].casefold()


def mode_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    mode = str(ctx.params["mode"])
    item = WorkItem("sync_mode", {"mode": mode})
    if mode_set(ctx, item):
        return [item], f"Nothing to do: the PowerSchool sync is {mode} already"
    return [item], f"Will set the PowerSchool sync to {mode} (now {_mode(ctx)})"


def mode_set(ctx: PlanContext, item: WorkItem) -> bool:
    return _mode(ctx) == item.params["mode"]


def year_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    year = str(ctx.params["year"])
    item = WorkItem("active_year", {"year": year})
    if year_set(ctx, item):
        return [item], f"Nothing to do: the PowerSchool active year is {year} already"
    now = ctx.settings.get("active_year") or "none set"
    return [item], (
        f"Will set the PowerSchool active year to {year} (now {now}): changes from earlier "
        "years stop syncing; nothing synced before is removed"
    )


def year_set(ctx: PlanContext, item: WorkItem) -> bool:
    return ctx.settings.get("active_year", "") == item.params["year"]


def _schools(ctx: PlanContext) -> list[str]:
    given = str(ctx.params.get("schools") or "")
    if given:
        return [s.strip() for s in given.split(",") if s.strip()]
    lms = ctx.lms_records
    return sorted(lms.loc[lms["status"] == "active", "id"]) if not lms.empty else []


def schools_known(ctx: PlanContext) -> list[Problem]:
    known = set(ctx.lms_records["id"]) if not ctx.lms_records.empty else set()
    unknown = [s for s in _schools(ctx) if s not in known]
    if not _schools(ctx):
        return [Problem("Parameters", f"no schools in {SYSTEM}: give schools=A, B")]
    if unknown:
        return [
            Problem(
                "Parameters",
                f"{count(len(unknown), 'unknown school')} in {SYSTEM}: {ids_text(unknown)}",
            )
        ]
    return []


def period_dates(params: dict[str, object], today: date) -> list[Problem]:
    start, end = params.get("start_date"), params.get("end_date")
    if isinstance(start, date) and isinstance(end, date) and end <= start:
        return [Problem("Parameters", f"end_date {end} must be after start_date {start}")]
    return []


def _period(ctx: PlanContext, school: str, name: str) -> dict[str, str] | None:
    """The grading period ``name`` of ``school`` as Schoology holds it, if it has one."""
    periods = ctx.records("grading_periods")
    found = periods[periods["id"] == f"{school}: {name}"] if not periods.empty else periods
    if found.empty:
        return None
    return {k: str(v) for k, v in found.iloc[0].fillna("").items()}


def period_there(ctx: PlanContext, item: WorkItem) -> bool:
    """The school has the grading period with those dates already: nothing is sent."""
    found = _period(ctx, item.record_id, item.params["name"])
    return found is not None and all(
        found.get(k, "") == item.params[k] for k in ("start_date", "end_date")
    )


def periods_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """One item per school: the period with its dates (created, or its dates corrected when
    the school has it with others: ``update_existing``)."""
    keys = ("name", "start_date", "end_date")
    params = {k: str(ctx.params[k]) for k in keys if k in ctx.params}
    params["update_existing"] = "1"
    items = [WorkItem(s, params) for s in _schools(ctx)]
    name = params["name"]
    dates = f"{params.get('start_date', '?')} to {params.get('end_date', '?')}"
    there = [i.record_id for i in items if period_there(ctx, i)]
    found = {i.record_id: _period(ctx, i.record_id, name) for i in items}
    redated = [
        f"{s} (now {p.get('start_date', '?')} to {p.get('end_date', '?')})"
        for s, p in found.items()
        if p is not None and s not in there
    ]
    new = [s for s, p in found.items() if p is None]
    parts = []
    if new:
        parts.append(
            f"create grading period {name} ({dates}) in {count(len(new), 'school')}: "
            f"{ids_text(new)}"
        )
    if redated:
        parts.append(
            f"change the dates of grading period {name} to {dates} in "
            f"{count(len(redated), 'school')}: {ids_text(redated)}"
        )
    if not parts:
        return items, (
            f"Nothing to do: grading period {name} ({dates}) is in "
            f"{count(len(there), 'school')} already: {ids_text(there)}"
        )
    summary = "Will " + "; ".join(parts)
    if there:
        summary += (
            f"; {count(len(there), 'school')} {agree(len(there), 'has', 'have')} it already: "
            f"{ids_text(there)}"
        )
    return items, summary


_spec = partial(ActionSpec, SYSTEM)

ACTIONS: list[Action] = [
    CustomSetting(
        _spec(
            "check acting user",
            "check",
            "acting user",
            None,
            False,
            "Confirm the PowerSchool app's acting user is an active System Admin.",
            params=(
                ParamSpec(
                    "user",
                    help="the acting user's email as the app shows it (needed where Schoology's "
                    "API cannot read the app's settings)",
                ),
            ),
        ),
        kind="settings",
        reads="educators",
        build=check_work,
        checks=(acting_user_ok,),
        at_target=read_only,
    ),
    CustomSetting(
        _spec(
            "set acting user",
            "set",
            "acting user",
            None,
            False,
            "Designate one active System Admin as the PowerSchool app's acting user.",
            params=(ParamSpec("user", required=True, help="the System Admin's email"),),
        ),
        kind="settings",
        reads="educators",
        build=set_user_work,
        checks=(new_user_ok,),
        at_target=user_set,
    ),
    CustomSetting(
        _spec(
            "set sync mode",
            "set",
            "sync mode",
            None,
            False,
            "Set PowerSchool syncing to manual (at year end) or automatic (no API on a real "
            "Schoology: there, a people's step).",
            params=(ParamSpec("mode", "choice", True, ("manual", "automatic")),),
        ),
        kind="settings",
        reads="educators",
        build=mode_work,
        checks=(acting_user_ok,),
        at_target=mode_set,
    ),
    CustomSetting(
        _spec(
            "set active year",
            "set",
            "active year",
            None,
            False,
            "Set the PowerSchool active year (only while sync is manual); nothing is removed (no "
            "API on a real Schoology: there, a people's step).",
            params=(ParamSpec("year", required=True, help="e.g. 2027-2028"),),
            after=("set sync mode",),
            after_reason="set sync to manual first",
        ),
        kind="settings",
        reads="educators",
        build=year_work,
        checks=(acting_user_ok, sync_is_manual),
        at_target=year_set,
    ),
    Action(
        _spec(
            "deactivate users",
            "deactivate",
            "students",
            "Students",
            True,
            "Mark students inactive (graduated, left): they can no longer sign in; their "
            "accounts are kept and can be made active again.",
            params=(
                ParamSpec(
                    ALLOW_OVER, "bool", help="yes to act on more than safety.max_change_percent"
                ),
            ),
        ),
        describe_record=describe_student,
        rule=Rule(to_status="deactivated"),
    ),
    CustomSetting(
        _spec(
            "create grading periods",
            "create",
            "grading periods",
            None,
            False,
            "Create the new year's grading period in each school (Terms tab).",
            params=(
                ParamSpec("name", required=True, help="e.g. 2027-2028 S1"),
                ParamSpec("start_date", "date", True),
                ParamSpec("end_date", "date", True),
                ParamSpec("schools", help="comma separated; default every school"),
            ),
            param_check=period_dates,
            after=("set active year",),
            after_reason="set the active year first",
        ),
        kind="grading_periods",
        reads="schools",
        build=periods_work,
        checks=(schools_known, acting_user_ok_where_readable),
        at_target=period_there,
        also_reads=("grading_periods", "educators"),
    ),
]
ACTIONS += ROSTER_ACTIONS
"""Users created and updated, enrollments archived (``schoology_rosters``): for a district
rostered by CSV; not in the playbook, where the PowerSchool app's sync does it."""
