"""Edgenuity Courseware actions (seed 000: mid-year data management)."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd

from bot.actions.base import ALLOW_OVER, Action, PlanContext, SettingAction
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.values import format_count

SYSTEM = "Edgenuity"
SHOWN = 5


def _ids(frame: pd.DataFrame, column: str) -> str:
    ids = frame[column].astype(str).tolist()
    more = f" and {format_count(len(ids) - SHOWN)} more" if len(ids) > SHOWN else ""
    return ", ".join(ids[:SHOWN]) + more


def _student(record: dict[str, str]) -> str:
    name = f"{record.get('First name', '')} {record.get('Last name', '')}".strip()
    return f"{name} (grade {record.get('Grade', '?')}, {record.get('School', '')})"


def _enrollment(record: dict[str, str]) -> str:
    return f"(student {record.get('Student ID', '')} in {record.get('Class ID', '')})"


def _new_student_fields(record: dict[str, str], params: dict[str, object]) -> dict[str, str]:
    return {
        "first_name": record.get("First name", ""),
        "last_name": record.get("Last name", ""),
        "grade": record.get("Grade", ""),
        "school": record.get("School", ""),
        "email": record.get("Email", ""),
    }


def earned_credit_only(ctx: PlanContext) -> list[Problem]:
    """Complete only enrollments that earned credit."""
    pending = ctx.pending
    missing = pending[pending["Earned credit"].str.strip().str.casefold() != "yes"]
    if missing.empty:
        return []
    return [
        Problem(
            "Scope",
            f"{format_count(len(missing))} enrollment(s) have not earned credit "
            f"({_ids(missing, 'Enrollment ID')}); complete only enrollments that earned credit, "
            "disable the others",
        )
    ]


def seniors_archived_first(ctx: PlanContext) -> list[Problem]:
    """Archive seniors and then promote: a student still active in grade 12 blocks promotion."""
    pending = ctx.pending
    if ctx.lms_records.empty or pending.empty:
        return []
    lms = ctx.lms_records.set_index("id")
    ids = pending["Student ID"].str.strip()
    active = ids.map(lms["status"]).eq("active")
    grade = pd.to_numeric(ids.map(lms.get("grade", pd.Series(dtype=object))), errors="coerce")
    seniors = pending[(active & (grade >= 12)).to_numpy()]
    if seniors.empty:
        return []
    return [
        Problem(
            "Scope",
            f"{format_count(len(seniors))} student(s) in scope are still active in grade 12 "
            f"({_ids(seniors, 'Student ID')}); archive seniors before promoting grades",
        )
    ]


def ids_never_reused(ctx: PlanContext) -> list[Problem]:
    """A student ID that exists or ever existed in the LMS is never given to a new student."""
    if ctx.lms_records.empty:
        return []
    existing = ctx.pending[ctx.pending["Student ID"].str.strip().isin(ctx.lms_records["id"])]
    if existing.empty:
        return []
    return [
        Problem(
            "Scope",
            f"{format_count(len(existing))} student ID(s) already exist in {SYSTEM} "
            f"({_ids(existing, 'Student ID')}); an ID is never reused: give new students new IDs",
        )
    ]


def target_after_start(params: dict[str, object], today: date) -> list[Problem]:
    start, target = params.get("start_date"), params.get("target_date")
    if start is None and target is None:
        return [Problem("Parameters", "give start_date, target_date or both")]
    if isinstance(start, date) and isinstance(target, date) and target <= start:
        return [Problem("Parameters", f"target_date {target} must be after start_date {start}")]
    return []


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
        kind="enrollments",
        id_column="Enrollment ID",
        describe_record=_enrollment,
        checks=(earned_credit_only,),
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
        kind="enrollments",
        id_column="Enrollment ID",
        describe_record=_enrollment,
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
        kind="enrollments",
        id_column="Enrollment ID",
        describe_record=_enrollment,
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
        kind="students",
        id_column="Student ID",
        describe_record=_student,
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
        kind="students",
        id_column="Student ID",
        describe_record=_student,
        checks=(seniors_archived_first,),
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
        kind="students",
        id_column="Student ID",
        describe_record=_student,
        universe_status="",
        record_params=_new_student_fields,
        checks=(ids_never_reused,),
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
        id_column="",
        setting="imports",
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
        id_column="",
        setting="imports",
    ),
]
