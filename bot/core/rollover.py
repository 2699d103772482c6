"""The district's rollover: the date every ``rollover±N`` counts from, and the name that
tells one rollover from the next (a school year's mid-year and end-of-year rollovers).

The date is ``[calendar] rollover_date`` when the config sets it, else the Calendar tab's
district-wide ``rollover`` row (of several, the one nearest today: the January one through
the spring, the June one after). The name is ``[calendar] rollover_name`` when set, else the
school year and the kind of rollover (``2026-2027 mid-year``, ``2026-2027 end of year``),
so that moving the date by a day does not make it another rollover. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

MID_YEAR_MONTHS = frozenset({10, 11, 12, 1, 2, 3})
FIRST_MONTH_OF_YEAR = 8
"""A rollover from August on belongs to the school year that starts that year."""


@dataclass(frozen=True)
class Rollover:
    day: date
    name: str
    source: str
    """Where the date comes from: ``config`` or ``Calendar``."""
    note: str = ""
    """Set when the config and the Calendar tab disagree: what each says."""


def school_year(day: date) -> str:
    """``2026-2027`` for any day from August 2026 to July 2027."""
    first = day.year if day.month >= FIRST_MONTH_OF_YEAR else day.year - 1
    return f"{first}-{first + 1}"


def rollover_name(day: date, given: str = "") -> str:
    """``given`` when set, else the school year and ``mid-year`` or ``end of year``."""
    if given.strip():
        return given.strip()
    kind = "mid-year" if day.month in MID_YEAR_MONTHS else "end of year"
    return f"{school_year(day)} {kind}"


def calendar_rollovers(rows: pd.DataFrame) -> list[date]:
    """The district-wide ``rollover`` dates of calendar rows (``calendar_rows`` shape)."""
    if rows.empty:
        return []
    found = rows[(rows["kind"] == "rollover") & (rows["school"] == "")]
    return sorted(set(found["day"]))


def nearest(days: list[date], today: date) -> date | None:
    """The day of ``days`` nearest ``today`` (the later one on a tie)."""
    if not days:
        return None
    return min(days, key=lambda d: (abs((d - today).days), -d.toordinal()))


def pick_rollover(
    configured: date | None, name: str, rows: pd.DataFrame, today: date
) -> Rollover | None:
    """The district's rollover from the config's date (``configured``) and the Calendar
    tab's rows; None when neither gives one."""
    on_calendar = calendar_rollovers(rows)
    if configured is not None:
        note = ""
        near = nearest(on_calendar, configured)
        if on_calendar and near != configured:
            note = (
                f"the config's [calendar] rollover_date is {configured} but the Calendar tab's "
                f"rollover row says {near}: the config's date is used; make them agree"
            )
        return Rollover(configured, rollover_name(configured, name), "config", note)
    chosen = nearest(on_calendar, today)
    if chosen is None:
        return None
    return Rollover(chosen, rollover_name(chosen, name), "Calendar")
