"""Helpers every system's actions share: ID lists for messages, the Calendar tab, new users."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from bot.actions.base import PlanContext
from bot.core.calendar import DistrictCalendar
from bot.core.problems import Problem
from bot.core.values import format_count
from bot.core.wording import agree, count

SHOWN = 5


def ids_text(values: pd.Series | list[str], shown: int = SHOWN) -> str:
    """``a, b, c and 4 more``."""
    items = [str(v) for v in values]
    more = f" and {format_count(len(items) - shown)} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def calendar_of(ctx: PlanContext) -> DistrictCalendar:
    """The district calendar: the one the cycle built (``[calendar]``'s national holidays
    with the Calendar tab), else the Calendar tab alone."""
    if ctx.calendar is not None:
        return ctx.calendar
    return DistrictCalendar.from_frame(ctx.tab("Calendar"))


def district_calendar(calendar: pd.DataFrame) -> pd.DataFrame:
    """District-wide Calendar rows (School blank) with ``day`` (a date), ``kind`` and ``name``."""
    return DistrictCalendar.from_frame(calendar).district_rows[["day", "kind", "name"]]


def new_user_ids(ctx: PlanContext, column: str, system: str) -> list[Problem]:
    """A user ID that exists or ever existed (archived included) is never reused or
    reassigned: IDs in scope already in the LMS for another person are refused."""
    lms = ctx.lms_records
    if lms.empty or ctx.pending.empty:
        return []
    ids = ctx.pending[column].str.strip()
    known = lms.set_index("id")
    status = ids.map(known["status"])
    first = ids.map(known.get("first_name", pd.Series(dtype=object))).astype(object).fillna("")
    last = ids.map(known.get("last_name", pd.Series(dtype=object))).astype(object).fillna("")
    same_person = (first.str.casefold() == ctx.pending["First name"].str.strip().str.casefold()) & (
        last.str.casefold() == ctx.pending["Last name"].str.strip().str.casefold()
    )
    reused = ctx.pending[(status.notna() & (status != "active")).to_numpy()]
    reassigned = ctx.pending[((status == "active") & ~same_person).to_numpy()]
    problems = []
    if not reused.empty:
        problems.append(
            Problem(
                "Scope",
                f"{count(len(reused), 'user ID')} belonged to archived users in {system} "
                f"({ids_text(reused[column])}); an ID is never reused: assign new IDs",
            )
        )
    if not reassigned.empty:
        problems.append(
            Problem(
                "Scope",
                f"{count(len(reassigned), 'user ID')} "
                f"{agree(len(reassigned), 'belongs', 'belong')} to another person in "
                f"{system} ({ids_text(reassigned[column])}); an ID is never reassigned",
            )
        )
    return problems


def describe_student(record: dict[str, str]) -> str:
    """``Ana Diaz (grade 9, North High)`` for plans' examples."""
    name = f"{record.get('First name', '')} {record.get('Last name', '')}".strip()
    return f"{name} (grade {record.get('Grade', '?')}, {record.get('School', '')})"


def new_student_fields(record: dict[str, str], params: dict[str, object]) -> dict[str, str]:
    """What a create-student operation sends to the LMS, from the Students row."""
    return {
        "first_name": record.get("First name", "").strip(),
        "last_name": record.get("Last name", "").strip(),
        "grade": record.get("Grade", ""),
        "school": record.get("School", ""),
        "email": record.get("Email", ""),
    }


def lms_field(ctx: PlanContext, rows: pd.DataFrame, name: str) -> pd.Series:
    """Each row's record's ``name`` in the LMS ("" when absent), in the rows' order."""
    ids = rows[ctx.id_column].map(str).str.strip()
    lms = ctx.lms_records
    if lms.empty or name not in lms:
        return pd.Series("", index=rows.index, dtype=object)
    return (
        ids.map(lms.drop_duplicates("id").set_index("id")[name])
        .astype(object)
        .fillna("")
        .astype(str)
    )


def constant_targets(**values: object) -> Callable[[PlanContext, pd.DataFrame], pd.DataFrame]:
    """Targets that are the same for every row: the given Parameters (``None`` left out)."""

    def targets(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
        given = {k: str(ctx.params[str(p)]) for k, p in values.items() if ctx.params.get(str(p))}
        return pd.DataFrame({k: [v] * len(rows) for k, v in given.items()}, index=rows.index)

    return targets
