"""Edgenuity Courseware actions (seed 000: mid-year data management)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import partial

import pandas as pd

from bot.actions.base import (
    ALLOW_OVER,
    Action,
    CustomSetting,
    PlanContext,
    SettingAction,
    WorkItem,
)
from bot.actions.shared import (
    calendar_of,
    describe_student,
    district_calendar,
    new_student_fields,
)
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.targets import ID, TO, Rule
from bot.core.values import format_count
from bot.core.wording import agree, count

SYSTEM = "Edgenuity"
SHOWN = 5


def _ids(frame: pd.DataFrame, column: str) -> str:
    ids = frame[column].astype(str).tolist()
    more = f" and {format_count(len(ids) - SHOWN)} more" if len(ids) > SHOWN else ""
    return ", ".join(ids[:SHOWN]) + more


def _enrollment(record: dict[str, str]) -> str:
    return f"(student {record.get('Student ID', '')} in {record.get('Class ID', '')})"


def earned_credit_only(ctx: PlanContext) -> list[Problem]:
    """Complete only enrollments that earned credit."""
    pending = ctx.pending
    missing = pending[pending["Earned credit"].str.strip().str.casefold() != "yes"]
    if missing.empty:
        return []
    return [
        Problem(
            "Scope",
            f"{count(len(missing), 'enrollment')} {agree(len(missing), 'has', 'have')} "
            "not earned credit "
            f"({_ids(missing, 'Enrollment ID')}); complete only enrollments that earned credit, "
            "disable the others",
        )
    ]


def seniors_archived_first(ctx: PlanContext) -> list[Problem]:
    """Archive seniors and then promote: a student still active in grade 12 blocks promotion
    (not one this step promoted to grade 12, as the rollover ledger says: its call's answer
    was lost, and the plan reads it back)."""
    step = ctx.checked.step.step_id
    mine = {record for record, done in ctx.ledger.items() if done.step_id == step}
    pending = ctx.pending[~ctx.pending["Student ID"].str.strip().isin(mine)]
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
            f"{count(len(seniors), 'student')} in scope {agree(len(seniors), 'is', 'are')} "
            "still active in grade 12 "
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
            f"{count(len(existing), 'student ID')} already "
            f"{agree(len(existing), 'exists', 'exist')} in {SYSTEM} "
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


def _course(record: dict[str, str]) -> str:
    return f"{record.get('Title', '')} (version {record.get('Version', '') or '?'})"


def _educator(record: dict[str, str]) -> str:
    return f"{record.get('Name', '')} ({record.get('Role', '')}, {record.get('School', '')})"


def _home_school(record: dict[str, str], params: dict[str, object]) -> dict[str, str]:
    return {"school": str(params.get("school") or record.get("School", "")).strip()}


def target_on_school_day(ctx: PlanContext) -> list[Problem]:
    """The target date falls on a school day of the Calendar tab (bot.core.calendar: a
    weekday that is not a holiday, break, in-service, rollover or pause day)."""
    target = ctx.params.get("target_date")
    if not isinstance(target, date) or calendar_of(ctx).is_school_day(target):
        return []
    why = "a weekend" if target.weekday() >= 5 else "not a school day in the Calendar tab"
    return [Problem("Parameters", f"target_date {target} is {why}; pick a school day")]


def code_removed_first(ctx: PlanContext) -> list[Problem]:
    """A course is archived only once its External Course Code is removed (the LMS's value
    wins over the sheet's once the course is in the LMS)."""
    pending = ctx.pending
    if pending.empty:
        return []
    code = pending["External course code"].str.strip()
    if not ctx.lms_records.empty and "external_course_code" in ctx.lms_records:
        lms = ctx.lms_records.set_index("id")["external_course_code"].fillna("")
        in_lms = pending["Course ID"].str.strip().map(lms)
        code = in_lms.where(in_lms.notna(), code).str.strip()
    coded = pending[(code != "").to_numpy()]
    if coded.empty:
        return []
    return [
        Problem(
            "Scope",
            f"{count(len(coded), 'course')} still {agree(len(coded), 'has', 'have')} "
            "an External Course Code "
            f"({_ids(coded, 'Course ID')}); remove the code first, or the next import creates "
            "an active enrollment from the archived course",
        )
    ]


def school_given(ctx: PlanContext) -> list[Problem]:
    """Every student moved has a school to move to (the parameter, else the School column)."""
    if ctx.params.get("school"):
        return []
    blank = ctx.pending[ctx.pending["School"].str.strip() == ""]
    if blank.empty:
        return []
    return [
        Problem(
            "Scope",
            f"{count(len(blank), 'student')} {agree(len(blank), 'has', 'have')} no School "
            f"({_ids(blank, 'Student ID')}); "
            "fill it or give school=NAME in Parameters",
        )
    ]


def calendar_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """The Calendar tab as Edgenuity's district calendar, with a warning when it has no
    holidays or breaks (the vendor's default is a 7-day week with no breaks)."""
    cal = district_calendar(ctx.tab("Calendar"))
    closed = cal[cal["kind"].isin(("holiday", "break", "in-service"))]
    week = str(ctx.params.get("week") or "5-day")
    days = [[d.isoformat(), k, n] for d, k, n in closed[["day", "kind", "name"]].to_numpy()]
    opened = [d.isoformat() for d in cal.loc[cal["kind"] == "school day", "day"]]
    counts = closed["kind"].value_counts()
    detail = ", ".join(f"{n} {k}" for k, n in counts.items()) or "none"
    summary = (
        f"Will set the {SYSTEM} district calendar: {week} week, "
        f"{format_count(len(closed))} non-school days ({detail})"
    )
    if not (closed["kind"].isin(("holiday", "break"))).any():
        summary += (
            "; Warning: the Calendar tab has no holidays or breaks, so every day of the week "
            "counts toward target progress (Edgenuity's default is a 7-day week with no breaks)"
        )
    params = {"week": week, "closed": json.dumps(days), "open": json.dumps(opened)}
    return [WorkItem("calendar", params)], summary


def _lms_field(ctx: PlanContext, rows: pd.DataFrame, name: str) -> pd.Series:
    """Each row's record's ``name`` in the LMS ("" when absent), in the rows' order."""
    ids = rows[ctx.id_column].map(str).str.strip()
    lms = ctx.lms_records
    if lms.empty or name not in lms:
        return pd.Series("", index=rows.index, dtype=object)
    return ids.map(lms.drop_duplicates("id").set_index("id")[name]).fillna("").astype(str)


def _constant(**values: object) -> Callable[[PlanContext, pd.DataFrame], pd.DataFrame]:
    """Targets that are the same for every row: the given Parameters (``None`` left out)."""

    def targets(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
        given = {k: str(ctx.params[str(p)]) for k, p in values.items() if ctx.params.get(str(p))}
        return pd.DataFrame({k: [v] * len(rows) for k, v in given.items()}, index=rows.index)

    return targets


def dates_target(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
    """The start and/or target date the Parameters give (ISO), for every enrollment."""
    given = {k: ctx.params.get(k) for k in ("start_date", "target_date")}
    return pd.DataFrame(
        {k: [v.isoformat()] * len(rows) for k, v in given.items() if isinstance(v, date)},
        index=rows.index,
    )


def next_grade(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
    """One grade up from the LMS's (a grade that is not a number stays, and is refused)."""
    grade = pd.to_numeric(_lms_field(ctx, rows, "grade"), errors="coerce")
    up = (grade + 1).map(lambda g: "" if pd.isna(g) else str(int(g)))
    return pd.DataFrame({"grade": up}, index=rows.index)


def not_a_grade(ctx: PlanContext, rows: pd.DataFrame) -> pd.Series:
    raw = _lms_field(ctx, rows, "grade")
    bad = pd.to_numeric(raw, errors="coerce").isna()
    ids = rows[ctx.id_column].map(str).str.strip()
    return ("student " + ids + " has grade " + raw.map(repr) + ", not a number").where(bad, "")


def no_code(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"external_course_code": [""] * len(rows)}, index=rows.index)


def school_target(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
    """The school=NAME parameter, else each row's School."""
    school = str(ctx.params.get("school") or "").strip()
    column = school if school else rows["School"].map(str).str.strip()
    return pd.DataFrame({"school": column}, index=rows.index)


def role_defaults(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
    """Each educator's role's default permissions, as the LMS knows them."""
    return pd.DataFrame(
        {"permissions": _lms_field(ctx, rows, "default_permissions")}, index=rows.index
    )


def permission_changes(ctx: PlanContext, changing: pd.DataFrame) -> str:
    """Each educator's change: ``T1 (teacher): +view reports, -manage schools``."""
    roles = ctx.lms_records.drop_duplicates("id").set_index("id").get("role", pd.Series())
    lines = []
    for row in changing.head(SHOWN).to_dict("records"):
        now = _permissions(row.get("permissions"))
        wanted = _permissions(row.get(TO + "permissions"))
        diff = [f"+{p}" for p in sorted(wanted - now)] + [f"-{p}" for p in sorted(now - wanted)]
        lines.append(f"{row[ID]} ({roles.get(row[ID], '')}): {', '.join(diff)}")
    more = len(changing) - SHOWN
    return "; ".join(lines) + (f" and {format_count(more)} more" if more > 0 else "")


def _permissions(text: object) -> set[str]:
    return {p.strip() for p in str(text or "").split(",") if p.strip()}


def no_defaults(ctx: PlanContext, rows: pd.DataFrame) -> pd.Series:
    role = _lms_field(ctx, rows, "role")
    none = _lms_field(ctx, rows, "default_permissions").str.strip() == ""
    ids = rows[ctx.id_column].map(str).str.strip()
    return ("educator " + ids + " has role " + role.map(repr) + ", which has no defaults").where(
        none, ""
    )


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
        targets=_constant(version="version"),
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
