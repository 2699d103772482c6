"""Edgenuity's targets: what each record should hold after a step (the dates, one grade up,
the school, the role's default permissions), and the per-record refusals."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.actions.context import PlanContext
from bot.actions.shared import lms_field
from bot.core.targets import ID, TO
from bot.core.values import format_count

SHOWN = 5


def dates_target(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
    """The start and/or target date the Parameters give (ISO), for every enrollment."""
    given = {k: ctx.params.get(k) for k in ("start_date", "target_date")}
    return pd.DataFrame(
        {k: [v.isoformat()] * len(rows) for k, v in given.items() if isinstance(v, date)},
        index=rows.index,
    )


def next_grade(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
    """One grade up from the LMS's (a grade that is not a number stays, and is refused)."""
    grade = pd.to_numeric(lms_field(ctx, rows, "grade"), errors="coerce")
    up = (grade + 1).map(lambda g: "" if pd.isna(g) else str(int(g)))
    return pd.DataFrame({"grade": up}, index=rows.index)


def not_a_grade(ctx: PlanContext, rows: pd.DataFrame) -> pd.Series:
    raw = lms_field(ctx, rows, "grade")
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
        {"permissions": lms_field(ctx, rows, "default_permissions")}, index=rows.index
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
    role = lms_field(ctx, rows, "role")
    none = lms_field(ctx, rows, "default_permissions").str.strip() == ""
    ids = rows[ctx.id_column].map(str).str.strip()
    return ("educator " + ids + " has role " + role.map(repr) + ", which has no defaults").where(
        none, ""
    )
