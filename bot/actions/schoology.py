"""Schoology with PowerSchool actions (seed 004: new school year)."""

from __future__ import annotations

from datetime import date
from functools import partial

from bot.actions.base import Action, CustomSetting, PlanContext, WorkItem
from bot.actions.shared import ids_text
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.wording import count

SYSTEM = "Schoology"
ADMIN_ROLE = "system admin"


def user_problem(ctx: PlanContext, email: str) -> str:
    """Why ``email`` may not be the acting user (an active System Admin); blank if it may."""
    if not email:
        return "no acting user is set for the PowerSchool app"
    users = ctx.lms_records
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


def acting_user_ok(ctx: PlanContext) -> list[Problem]:
    """The acting user is a current member with the System Admin role."""
    problem = user_problem(ctx, ctx.settings.get("acting_user", ""))
    return [Problem("Action", problem)] if problem else []


def new_user_ok(ctx: PlanContext) -> list[Problem]:
    problem = user_problem(ctx, str(ctx.params.get("user", "")))
    return [Problem("Parameters", problem)] if problem else []


def sync_is_manual(ctx: PlanContext) -> list[Problem]:
    """The active year is set only while sync is Manual."""
    mode = ctx.settings.get("sync_mode", "automatic")
    if mode == "manual":
        return []
    return [
        Problem(
            "Action", f"sync is {mode}: set the sync mode to manual before setting the active year"
        )
    ]


def check_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    user = ctx.settings.get("acting_user", "")
    return [WorkItem("acting_user", {})], (
        f"Will confirm the acting user of the PowerSchool app, {user}, is an active System Admin"
    )


def set_user_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    user = str(ctx.params["user"])
    before = ctx.settings.get("acting_user", "-")
    return [WorkItem("acting_user", {"user": user})], (
        f"Will make {user} the acting user of the PowerSchool app (now {before})"
    )


def mode_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    mode = str(ctx.params["mode"])
    now = ctx.settings.get("sync_mode", "automatic")
    return [WorkItem("sync_mode", {"mode": mode})], (
        f"Will set the PowerSchool sync to {mode} (now {now})"
    )


def year_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    year = str(ctx.params["year"])
    now = ctx.settings.get("active_year") or "none set"
    return [WorkItem("active_year", {"year": year})], (
        f"Will set the PowerSchool active year to {year} (now {now}): changes from earlier "
        "years stop syncing; nothing synced before is removed"
    )


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


def periods_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    keys = ("name", "start_date", "end_date")
    params = {k: str(ctx.params[k]) for k in keys if k in ctx.params}
    schools = _schools(ctx)
    return [WorkItem(s, params) for s in schools], (
        f"Will create grading period {params['name']} ({params.get('start_date', '?')} to "
        f"{params.get('end_date', '?')}) in {count(len(schools), 'school')}: {ids_text(schools)}"
    )


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
        ),
        kind="settings",
        reads="educators",
        build=check_work,
        checks=(acting_user_ok,),
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
    ),
    CustomSetting(
        _spec(
            "set sync mode",
            "set",
            "sync mode",
            None,
            False,
            "Set PowerSchool syncing to manual (at year end) or automatic.",
            params=(ParamSpec("mode", "choice", True, ("manual", "automatic")),),
        ),
        kind="settings",
        reads="educators",
        build=mode_work,
        checks=(acting_user_ok,),
    ),
    CustomSetting(
        _spec(
            "set active year",
            "set",
            "active year",
            None,
            False,
            "Set the PowerSchool active year (only while sync is manual); nothing is removed.",
            params=(ParamSpec("year", required=True, help="e.g. 2027-2028"),),
            after=("set sync mode",),
            after_reason="set sync to manual first",
        ),
        kind="settings",
        reads="educators",
        build=year_work,
        checks=(acting_user_ok, sync_is_manual),
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
        checks=(schools_known,),
    ),
]
