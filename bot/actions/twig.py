"""Twig Science actions (seed 002: end of year rostering)."""

from __future__ import annotations

from datetime import date
from functools import partial

from bot.actions.base import Action, CustomSetting, PlanContext, SettingAction, WorkItem
from bot.actions.edgenuity import OVER_THRESHOLD
from bot.actions.shared import (
    calendar_of,
    describe_student,
    new_student_fields,
    new_user_ids,
)
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.values import parse_date

SYSTEM = "Twig Science"


def _class(record: dict[str, str]) -> str:
    return f"{record.get('Title', '')} ({record.get('Term', '')}, {record.get('School', '')})"


def rollover_date(ctx: PlanContext) -> date | None:
    given = ctx.params.get("rollover_date")
    return given if isinstance(given, date) else calendar_of(ctx).first_day("rollover")


def pause_date_rule(ctx: PlanContext) -> list[Problem]:
    """The pause date is one business day before the rollover date; a step dated otherwise
    (its pause_date, else its Due) is refused, naming the right date."""
    rollover = rollover_date(ctx)
    if rollover is None:
        return [
            Problem(
                "Parameters",
                "no rollover date: add rollover_date=YYYY-MM-DD or a 'rollover' row to Calendar",
            )
        ]
    right = calendar_of(ctx).business_day_before(rollover)
    given = ctx.params.get("pause_date")
    column = "Parameters"
    if not isinstance(given, date) and ctx.checked.step.due:
        column, given = "Due", parse_date(ctx.checked.step.due, ctx.today)
    if isinstance(given, date) and given != right:
        return [
            Problem(
                column,
                f"the pause date {given} is not one business day before the rollover date "
                f"{rollover}: it must be {right}",
            )
        ]
    return []


def pause_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    rollover = rollover_date(ctx)
    assert rollover is not None
    right = calendar_of(ctx).business_day_before(rollover)
    now = ctx.settings.get("rostering", "on")
    summary = (
        f"Will pause rostering in {SYSTEM} from {right}, one business day before the rollover "
        f"date {rollover} (rostering now {now})"
    )
    params = {"rollover_date": rollover.isoformat(), "pause_date": right.isoformat()}
    return [WorkItem("rostering", params)], summary


def before_pause(ctx: PlanContext) -> list[Problem]:
    """Summer school rosters are imported before the pause."""
    pause = calendar_of(ctx).first_day("pause")
    if ctx.settings.get("rostering") == "paused":
        since = ctx.settings.get("pause_date", "")
        return [
            Problem(
                "Action",
                f"rostering is paused{' since ' + since if since else ''}: "
                "import the summer school roster before the pause",
            )
        ]
    if pause is not None and ctx.today >= pause:
        return [
            Problem(
                "Action",
                f"the roster pause began {pause} (Calendar): summer school "
                "rosters must be imported before the pause",
            )
        ]
    return []


def not_paused(ctx: PlanContext) -> list[Problem]:
    """No roster data is processed during the pause."""
    if ctx.settings.get("rostering") != "paused":
        return []
    return [Problem("Action", "rostering is paused: create students after the reset date")]


def at_end_of_pause(ctx: PlanContext) -> list[Problem]:
    """Previous-year data is archived at the end of the pause."""
    if ctx.settings.get("rostering") == "paused":
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
        checks=(before_pause, no_reuse),
    ),
    CustomSetting(
        _spec(
            "pause rostering",
            "pause",
            "rostering",
            None,
            False,
            "Pause rostering one business day before the rollover date.",
            params=(
                ParamSpec("rollover_date", "date", help="default: Calendar's rollover"),
                ParamSpec("pause_date", "date", help="default: the step's Due"),
            ),
        ),
        kind="settings",
        build=pause_work,
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
        ),
        describe_record=_class,
        checks=(at_end_of_pause,),
    ),
    SettingAction(
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
        setting="rostering",
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
        checks=(not_paused, no_reuse),
    ),
]
