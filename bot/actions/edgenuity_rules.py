"""Edgenuity's rules a plan checks (seed 000): credit before completion, seniors archived
before promotion, target dates after start dates and on school days, External Course Codes
removed before archiving, a school for every move; and the district calendar it sends."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from bot.actions.context import PlanContext, WorkItem
from bot.actions.shared import calendar_of, district_calendar
from bot.core.problems import Problem
from bot.core.values import format_count
from bot.core.wording import agree, count

SYSTEM = "Edgenuity"
SHOWN = 5


def _ids(frame: pd.DataFrame, column: str) -> str:
    ids = frame[column].astype(str).tolist()
    more = f" and {format_count(len(ids) - SHOWN)} more" if len(ids) > SHOWN else ""
    return ", ".join(ids[:SHOWN]) + more


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
            f"{count(len(seniors), 'student')} in scope {agree(len(seniors), 'is', 'are')} "
            "still active in grade 12 "
            f"({_ids(seniors, 'Student ID')}); archive seniors before promoting grades",
        )
    ]


def target_after_start(params: dict[str, object], today: date) -> list[Problem]:
    start, target = params.get("start_date"), params.get("target_date")
    if start is None and target is None:
        return [Problem("Parameters", "give start_date, target_date or both")]
    if isinstance(start, date) and isinstance(target, date) and target <= start:
        return [Problem("Parameters", f"target_date {target} must be after start_date {start}")]
    return []


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
