"""Edgenuity Courseware actions (seed 000: mid-year data management)."""

from __future__ import annotations

from functools import partial

from bot.actions.base import (
    ALLOW_OVER,
    Action,
    CustomSetting,
    SettingAction,
)
from bot.actions.edgenuity_rules import (
    calendar_work,
    code_removed_first,
    earned_credit_only,
    school_given,
    seniors_archived_first,
    target_after_start,
    target_on_school_day,
)
from bot.actions.edgenuity_targets import (
    dates_target,
    next_grade,
    no_code,
    no_defaults,
    not_a_grade,
    permission_changes,
    role_defaults,
    school_target,
)
from bot.actions.shared import (
    constant_targets,
    describe_student,
    new_student_fields,
)
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.targets import Rule

SYSTEM = "Edgenuity"
SHOWN = 5


def _enrollment(record: dict[str, str]) -> str:
    return f"(student {record.get('Student ID', '')} in {record.get('Class ID', '')})"


def _course(record: dict[str, str]) -> str:
    return f"{record.get('Title', '')} (version {record.get('Version', '') or '?'})"


def _educator(record: dict[str, str]) -> str:
    return f"{record.get('Name', '')} ({record.get('Role', '')}, {record.get('School', '')})"


def _home_school(record: dict[str, str], params: dict[str, object]) -> dict[str, str]:
    return {"school": str(params.get("school") or record.get("School", "")).strip()}


_spec = partial(ActionSpec, SYSTEM)
OVER_THRESHOLD = (
    ParamSpec(ALLOW_OVER, "bool", help="yes to act on more than safety.max_change_percent"),
)

ACTIONS: list[Action] = [
    Action(
        _spec(
            "complete enrollments",
            "complete",
            "enrollments",
            "Enrollments",
            True,
            "Mark enrollments that earned credit as complete.",
        ),
        describe_record=_enrollment,
        checks=(earned_credit_only,),
        rule=Rule(to_status="completed"),
    ),
    Action(
        _spec(
            "disable enrollments",
            "disable",
            "enrollments",
            "Enrollments",
            True,
            "Disable (remove) enrollments that are unfinished or assigned in error.",
            params=OVER_THRESHOLD,
        ),
        describe_record=_enrollment,
        rule=Rule(to_status="disabled"),
    ),
    Action(
        _spec(
            "set enrollment dates",
            "set dates on",
            "enrollments",
            "Enrollments",
            False,
            "Set the start and/or target date of active enrollments.",
            params=(
                ParamSpec("start_date", "date", help="first day of the enrollment"),
                ParamSpec("target_date", "date", help="date the course should be done"),
            ),
            param_check=target_after_start,
        ),
        describe_record=_enrollment,
        checks=(target_on_school_day,),
        rule=Rule(),
        targets=dates_target,
    ),
    Action(
        _spec(
            "archive students",
            "archive",
            "students",
            "Students",
            True,
            "Archive student accounts: graduating seniors, or inactive since a last login.",
            params=OVER_THRESHOLD,
        ),
        describe_record=describe_student,
        rule=Rule(to_status="archived"),
    ),
    Action(
        _spec(
            "promote grades",
            "promote",
            "students",
            "Students",
            True,
            "Move students up one grade level (after seniors are archived).",
            after=("archive students",),
            after_reason="archive seniors before promoting",
        ),
        describe_record=describe_student,
        checks=(seniors_archived_first,),
        rule=Rule(once="promote"),
        targets=next_grade,
        refuse=not_a_grade,
    ),
    Action(
        _spec(
            "create students",
            "create",
            "students",
            "Students",
            False,
            "Create accounts for new and transfer students (after grades are promoted).",
            after=("promote grades",),
            after_reason="create students after grade promotion",
        ),
        describe_record=describe_student,
        universe_status="",
        record_params=new_student_fields,
        rule=Rule(to_status="active", from_status=(), once="create", creates=True),
    ),
    SettingAction(
        _spec(
            "pause imports",
            "pause",
            "imports",
            None,
            False,
            "Stop roster imports during winter / summer breaks.",
        ),
        kind="settings",
        setting="imports",
        value="paused",
    ),
    SettingAction(
        _spec(
            "resume imports",
            "resume",
            "imports",
            None,
            False,
            "Turn roster imports back on once rollover and scheduling are done.",
        ),
        kind="settings",
        setting="imports",
        value="on",
    ),
    Action(
        _spec(
            "update course version",
            "update the version of",
            "courses",
            "Courses",
            False,
            "Move courses to the newest version Edgenuity released.",
            params=(ParamSpec("version", required=True, help="the new version, e.g. 2026"),),
        ),
        describe_record=_course,
        rule=Rule(),
        targets=constant_targets(version="version"),
    ),
    Action(
        _spec(
            "remove custom courses",
            "remove",
            "courses",
            "Courses",
            True,
            "Remove customized courses no longer needed (old versions of custom courses).",
            params=OVER_THRESHOLD,
            after=("remove external course code",),
            after_reason="remove the External Course Code first",
        ),
        describe_record=_course,
        checks=(code_removed_first,),
        rule=Rule(to_status="removed"),
    ),
    Action(
        _spec(
            "remove external course code",
            "remove the External Course Code of",
            "courses",
            "Courses",
            False,
            "Integrations only: clear a course's External Course Code before archiving it.",
        ),
        describe_record=_course,
        rule=Rule(from_status=()),
        targets=no_code,
    ),
    Action(
        _spec(
            "archive courses",
            "archive",
            "courses",
            "Courses",
            True,
            "Archive courses; refused while an External Course Code remains on them.",
            params=OVER_THRESHOLD,
            after=("remove external course code",),
            after_reason="remove the External Course Code before archiving",
        ),
        describe_record=_course,
        checks=(code_removed_first,),
        rule=Rule(to_status="archived"),
    ),
    Action(
        _spec(
            "change home school",
            "move",
            "students",
            "Students",
            False,
            "Set each student's home school (the School column, or school=NAME for all).",
            params=(ParamSpec("school", help="the school to move every student in scope to"),),
        ),
        describe_record=describe_student,
        record_params=_home_school,
        checks=(school_given,),
        rule=Rule(),
        targets=school_target,
    ),
    Action(
        _spec(
            "archive educators",
            "archive",
            "educators",
            "Educators",
            True,
            "Deactivate teacher and admin accounts that will not be used next term.",
            params=OVER_THRESHOLD,
        ),
        describe_record=_educator,
        rule=Rule(to_status="archived"),
    ),
    Action(
        _spec(
            "reset permissions",
            "restore default permissions of",
            "educators",
            "Educators",
            False,
            "Reset educators' permissions to their role's defaults; the plan lists each change.",
        ),
        describe_record=_educator,
        rule=Rule(),
        targets=role_defaults,
        refuse=no_defaults,
        explain=permission_changes,
    ),
    CustomSetting(
        _spec(
            "set district calendar",
            "set",
            "district calendar",
            None,
            False,
            "Send the Calendar tab's holidays, breaks and in-service days to Edgenuity.",
            params=(ParamSpec("week", "choice", choices=("5-day", "7-day"), help="school week"),),
        ),
        kind="settings",
        build=calendar_work,
    ),
]
