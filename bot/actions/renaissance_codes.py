"""Renaissance transfer codes (seed 003): made on the source site for one student or one year,
used once, within 30 days, never on the site that made it. Each generation makes a new code,
so the plan looks at the site's code list first: a usable code for that student or year is the
one to send (already at target), and no second code is made, after a crash included."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from bot.actions.base import PlanContext, WorkItem
from bot.core.problems import Problem

SYSTEM = "Renaissance"
VALID_DAYS = 30


def one_of_student_or_year(params: dict[str, object], today: date) -> list[Problem]:
    if bool(params.get("student")) == bool(params.get("year")):
        return [Problem("Parameters", "give student=ID or year=N (one of them)")]
    return []


def row_of(frame: pd.DataFrame, record: str) -> dict[str, str] | None:
    if frame.empty or record not in set(frame["id"]):
        return None
    found: dict[str, str] = frame[frame["id"] == record].fillna("").iloc[0].to_dict()
    return found


def text_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A text column of ``frame`` ("" where absent or blank)."""
    if name not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[name].fillna("").astype(str)


def site_of(ctx: PlanContext) -> str:
    """The site the step acts on: ``site=`` or this district's."""
    return str(ctx.params.get("site") or ctx.settings.get("site", "")).strip()


def code_usable(ctx: PlanContext) -> list[Problem]:
    """A code works once, for 30 days, never on the site that made it."""
    code = str(ctx.params.get("code", "")).strip()
    site = site_of(ctx)
    row = row_of(ctx.lms_records, code)
    if row is None:
        return []
    if row["status"] == "used":
        return [Problem("Parameters", f"code {code} was already used: request the data again")]
    if row.get("site") == site:
        return [
            Problem(
                "Parameters",
                f"code {code} was made on {site}: a code cannot be used "
                "on the site that generated it",
            )
        ]
    created = date.fromisoformat(row["created"])
    if ctx.today > created + timedelta(days=VALID_DAYS):
        return [
            Problem(
                "Parameters",
                f"code {code} was generated {created}, more than "
                f"{VALID_DAYS} days ago: ask the other site for a new code",
            )
        ]
    return []


def _wanted(ctx: PlanContext) -> tuple[str, str, str]:
    """The code a generation asks for: site, student, year (one of the two blank)."""
    student, year = ctx.params.get("student"), ctx.params.get("year")
    return site_of(ctx), str(student or "").strip(), str(year or "").strip()


def live_code(ctx: PlanContext, site: str, student: str, year: str) -> dict[str, str] | None:
    """The newest unused code of ``site`` for this student or year that is still usable on
    the day the step runs: the one to send, rather than a second one (none when there is no
    such code)."""
    codes = ctx.lms_records
    if codes.empty:
        return None
    created = pd.to_datetime(text_column(codes, "created"), errors="coerce")
    fresh = created + pd.Timedelta(days=VALID_DAYS) >= pd.Timestamp(ctx.when)
    same = (
        (text_column(codes, "site") == site)
        & (text_column(codes, "student") == student)
        & (text_column(codes, "year") == year)
        & (codes["status"] == "unused")
        & fresh
    )
    if not same.any():
        return None
    newest = codes[same].assign(_made=created[same]).sort_values(["_made", "id"]).iloc[-1]
    return {k: str(v) for k, v in newest.drop("_made").fillna("").items()}


def student_on_site(ctx: PlanContext) -> list[Problem]:
    """A code for one student names a student of the site."""
    site, student, _ = _wanted(ctx)
    students = ctx.records("students")
    if not student or students.empty:
        return []
    there = (text_column(students, "site") == site) & (
        text_column(students, "student_id") == student
    )
    if there.any():
        return []
    return [
        Problem(
            "Parameters",
            f"no student {student} on {site} in {SYSTEM}: check the student ID "
            "(or give year=N for a whole year)",
        )
    ]


def _what(student: str, year: str) -> str:
    return f"student {student}" if student else f"year {year}"


def generate_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    site, student, year = _wanted(ctx)
    what = _what(student, year)
    params = {"site": site} | ({"student": student} if student else {"year": year})
    live = live_code(ctx, site, student, year)
    if live is not None:
        made = date.fromisoformat(live["created"])
        summary = (
            f"Transfer code {live['id']} for {what} on {site} (made {made}) is unused and "
            f"usable until {made + timedelta(days=VALID_DAYS)}: send that one; no new code is "
            "made while it is usable"
        )
    else:
        until = ctx.when + timedelta(days=VALID_DAYS)
        summary = (
            f"Will generate a transfer code on {site} for {what}: usable once, on another "
            f"site, until {until}"
        )
    return [WorkItem(f"{site}: {what}", params)], summary


def code_made(ctx: PlanContext, item: WorkItem) -> bool:
    """The site's code list holds a usable code for the item's student or year already."""
    p = item.params
    return live_code(ctx, p["site"], p.get("student", ""), p.get("year", "")) is not None
