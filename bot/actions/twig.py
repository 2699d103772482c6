"""Twig Science actions (seed 002: end of year rostering), planned against the LMS: users are
created once per rollover (the rollover ledger), classes archived by their ``Rule``, and the
roster pause read back, so that a repeat sends nothing."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from bot.actions.base import Action, CustomSetting, PlanContext, WorkItem
from bot.actions.edgenuity import OVER_THRESHOLD
from bot.actions.freeze import freezes, not_frozen
from bot.actions.shared import (
    calendar_of,
    describe_student,
    new_student_fields,
    new_user_ids,
)
from bot.core.catalogue import ActionSpec
from bot.core.freeze import Freeze
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.targets import Rule

SYSTEM = "Twig Science"


def _class(record: dict[str, str]) -> str:
    return f"{record.get('Title', '')} ({record.get('Term', '')}, {record.get('School', '')})"


def rollover_date(ctx: PlanContext) -> date | None:
    """The step's rollover_date, else the district's (config or Calendar)."""
    given = ctx.params.get("rollover_date")
    if isinstance(given, date):
        return given
    return ctx.rollover or calendar_of(ctx).first_day("rollover")


def pause_day(ctx: PlanContext) -> date | None:
    """The roster pause date: one business day before the rollover date, by the district
    calendar (national holidays included: a pause that would fall on one moves earlier)."""
    rollover = rollover_date(ctx)
    return None if rollover is None else calendar_of(ctx).business_day_before(rollover)


def vendor_freezes(ctx: PlanContext) -> list[Freeze]:
    """Twig Science's roster pause: from the pause date to the day before the rollover."""
    rollover, pause = rollover_date(ctx), pause_day(ctx)
    if rollover is None or pause is None:
        return []
    source = f"{SYSTEM}'s roster pause, one business day before the rollover date {rollover}"
    return [Freeze(SYSTEM, pause, rollover - timedelta(days=1), source)]


def pause_date_rule(ctx: PlanContext) -> list[Problem]:
    """The pause date is one business day before the rollover date; a step dated otherwise
    (its pause_date, else its Run on) is refused, naming the right date."""
    rollover = rollover_date(ctx)
    right = pause_day(ctx)
    if rollover is None or right is None:
        return [
            Problem(
                "Parameters",
                "no rollover date: set [calendar] rollover_date in the config, add a "
                "'rollover' row to the Calendar tab, or give rollover_date=YYYY-MM-DD",
            )
        ]
    given = ctx.params.get("pause_date")
    column = "Parameters"
    if not isinstance(given, date):
        column, given = "Run on", ctx.checked.run_on
    if isinstance(given, date) and given != right:
        return [
            Problem(
                column,
                f"the pause date {given} is not one business day before the rollover date "
                f"{rollover}: it must be {right} (a longer pause is arranged with your CSM)",
            )
        ]
    return []


def pause_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    rollover, right = rollover_date(ctx), pause_day(ctx)
    assert rollover is not None and right is not None
    now = ctx.settings.get("rostering", "on")
    summary = (
        f"Will pause rostering in {SYSTEM} from {right}, one business day before the rollover "
        f"date {rollover} (rostering now {now})"
    )
    params = {"rollover_date": rollover.isoformat(), "pause_date": right.isoformat()}
    item = WorkItem("rostering", params)
    if paused_as_planned(ctx, item):
        since = ctx.settings.get("pause_date", "")
        summary = (
            f"Nothing to do: rostering in {SYSTEM} is paused from {since} for the rollover "
            f"date {rollover} already"
        )
        if not _in_force(ctx):
            summary = (
                f"Nothing to do: rostering in {SYSTEM} was paused from {since} for the "
                f"rollover date {rollover}, which has come (the pause is over)"
            )
    return [item], summary


def _in_force(ctx: PlanContext) -> bool:
    """A pause is in effect, or set ahead to take effect on its date."""
    return ctx.settings.get("rostering") == "paused" or bool(ctx.settings.get("pause_scheduled"))


def paused_as_planned(ctx: PlanContext, item: WorkItem) -> bool:
    """Twig Science holds the pause for this rollover date from the item's pause date (or,
    when it received it late, from a later day that has come: sending it again would only
    move the pause later), in force or over once the rollover date has come: sent again
    then, it would pause rostering anew."""
    settings = ctx.settings
    if settings.get("rollover_date") != item.params["rollover_date"]:
        return False
    today = ctx.today.isoformat()
    since, wanted = settings.get("pause_date", ""), item.params["pause_date"]
    if not (since == wanted or wanted < since <= today):
        return False
    return _in_force(ctx) or today >= item.params["rollover_date"]


def resume_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    item = WorkItem("rostering", {})
    scheduled = ctx.settings.get("pause_scheduled", "")
    if resumed(ctx, item):
        return [item], f"Nothing to do: rostering in {SYSTEM} is on already"
    now = f"paused from {scheduled}" if scheduled else ctx.settings.get("rostering", "on")
    return [item], f"Will resume rostering in {SYSTEM} (rostering now {now})"


def resumed(ctx: PlanContext, item: WorkItem) -> bool:
    """Rostering is on, with no pause set ahead to take effect later."""
    settings = ctx.settings
    return settings.get("rostering", "on") == "on" and not settings.get("pause_scheduled")


def lms_paused(ctx: PlanContext) -> str:
    """Why the LMS refuses roster data now (blank: it does not)."""
    if ctx.settings.get("rostering") != "paused":
        return ""
    since = ctx.settings.get("pause_date", "")
    return f"rostering is paused in {SYSTEM}{' since ' + since if since else ''}"


def before_pause(ctx: PlanContext) -> list[Problem]:
    """Summer school rosters are imported before the pause: not once it has begun (while a
    freeze window lasts, the freeze check names it; this rule holds after it too)."""
    windows = [f for f in freezes(ctx, vendor_freezes) if f.applies_to(SYSTEM)]
    if any(f.covers(ctx.when) for f in windows):
        return []
    paused = lms_paused(ctx)
    if paused:
        return [Problem("Action", f"{paused}: import the summer school roster before the pause")]
    starts = [f.start for f in windows if f.start <= ctx.when]
    if not starts:
        return []
    return [
        Problem(
            "Run on" if ctx.run_day else "Action",
            f"the roster pause began on {max(starts)}: summer school rosters must be "
            "imported before the pause",
        )
    ]


def not_paused(ctx: PlanContext) -> list[Problem]:
    """No roster data is processed during the pause."""
    paused = lms_paused(ctx)
    if not paused:
        return []
    return [Problem("Action", f"{paused}: create students after the reset date")]


def at_end_of_pause(ctx: PlanContext) -> list[Problem]:
    """Previous-year data is archived at the end of the pause."""
    if ctx.settings.get("rostering") == "paused" or ctx.run_day is not None:
        return []
    return [
        Problem(
            "Action",
            "previous-year data is archived at the end of the roster pause: pause rostering first",
        )
    ]


def no_reuse(ctx: PlanContext) -> list[Problem]:
    return new_user_ids(ctx, "Student ID", SYSTEM)


_spec = partial(ActionSpec, SYSTEM)
CREATE = Rule(to_status="active", from_status=(), once="create", creates=True)
"""A user is created once per rollover; an ID already in Twig Science is never given again."""

ACTIONS: list[Action] = [
    Action(
        _spec(
            "import summer school roster",
            "import",
            "summer school students",
            "Students",
            False,
            "Import the summer school roster; only before the roster pause.",
        ),
        universe_status="",
        describe_record=describe_student,
        record_params=new_student_fields,
        checks=(
            not_frozen(vendor_freezes, "import the summer school roster before the pause"),
            before_pause,
            no_reuse,
        ),
        rule=CREATE,
    ),
    CustomSetting(
        _spec(
            "pause rostering",
            "pause",
            "rostering",
            None,
            False,
            "Pause rostering one business day before the rollover date (it runs then).",
            params=(
                ParamSpec("rollover_date", "date", help="default: the district's rollover"),
                ParamSpec("pause_date", "date", help="default: the step's Run on"),
            ),
            run_on="rollover-1bd",
        ),
        kind="settings",
        build=pause_work,
        at_target=paused_as_planned,
        checks=(pause_date_rule,),
    ),
    Action(
        _spec(
            "archive previous year",
            "archive",
            "previous-year classes",
            "Classes",
            True,
            "At the end of the pause, archive last year's classes with their enrollments "
            "and assignments.",
            params=OVER_THRESHOLD,
            after=("pause rostering",),
            after_reason="archive at the end of the pause",
            run_on="rollover",
        ),
        describe_record=_class,
        checks=(at_end_of_pause,),
        rule=Rule(to_status="archived"),
    ),
    CustomSetting(
        _spec(
            "resume rostering",
            "resume",
            "rostering",
            None,
            False,
            "Accept roster syncs and CSV uploads again for the new school year.",
            after=("archive previous year",),
            after_reason="archive the previous year first",
        ),
        kind="settings",
        build=resume_work,
        at_target=resumed,
    ),
    Action(
        _spec(
            "create students",
            "create",
            "students",
            "Students",
            False,
            "Create new students with never-used IDs after the reset date.",
            after=("resume rostering",),
            after_reason="create students once rostering resumed",
        ),
        universe_status="",
        describe_record=describe_student,
        record_params=new_student_fields,
        checks=(
            not_frozen(vendor_freezes, "create students after the reset date"),
            not_paused,
            no_reuse,
        ),
        rule=CREATE,
    ),
]
