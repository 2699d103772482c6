"""Relative dates (issue 17): ``today±N``, ``rollover±N`` in days, weeks, years or business
days of the district calendar; the rollover date and its name from the config or the
Calendar tab."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bot.core.calendar import CalendarRules, DistrictCalendar, calendar_rows
from bot.core.rollover import pick_rollover, rollover_name, school_year
from bot.core.values import DateAnchors, parse_date

CHRISTMAS = date(2026, 12, 25)
HOLIDAYS = DistrictCalendar(rules=CalendarRules(national_holidays=frozenset({CHRISTMAS})))
ANCHORS = DateAnchors(date(2026, 11, 27), date(2026, 12, 28), HOLIDAYS.add_business_days)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rollover", date(2026, 12, 28)),
        ("rollover-1bd", date(2026, 12, 24)),
        ("Rollover - 1 BD", date(2026, 12, 24)),
        ("rollover+1bd", date(2026, 12, 29)),
        ("rollover-14d", date(2026, 12, 14)),
        ("rollover+2w", date(2027, 1, 11)),
        ("rollover-0bd", date(2026, 12, 28)),
        ("today", date(2026, 11, 27)),
        ("today+3bd", date(2026, 12, 2)),
        ("today-180d", date(2026, 5, 31)),
        ("2027-06-29", date(2027, 6, 29)),
    ],
)
def test_relative_dates_count_from_today_or_the_rollover(text: str, expected: date) -> None:
    assert parse_date(text, ANCHORS) == expected


def test_business_days_skip_weekends_without_a_calendar_and_holidays_with_one() -> None:
    plain = DateAnchors(date(2026, 11, 27), date(2026, 12, 28))
    assert parse_date("rollover-1bd", plain) == CHRISTMAS
    assert parse_date("rollover-1bd", ANCHORS) == date(2026, 12, 24)
    assert parse_date("today+1bd", date(2026, 11, 27)) == date(2026, 11, 30)


def test_a_rollover_date_needs_a_rollover() -> None:
    with pytest.raises(
        ValueError, match=r"'rollover-1bd' needs the rollover date: set \[calendar\]"
    ):
        parse_date("rollover-1bd", DateAnchors(date(2026, 11, 27)))
    with pytest.raises(ValueError, match="needs the rollover date"):
        parse_date("rollover", date(2026, 11, 27))
    with pytest.raises(ValueError, match="out of range"):
        parse_date("rollover+99999bd", ANCHORS)
    with pytest.raises(ValueError, match="out of range"):
        parse_date("rollover+9999999d", ANCHORS)


def rows(*days: tuple[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{"Date": d, "Type": k, "Name": "", "School": ""} for d, k in days], dtype=object
    )
    return calendar_rows(frame)


def test_the_rollover_is_the_configs_else_the_calendar_row_nearest_today() -> None:
    calendar = rows(
        ("2027-01-04", "rollover"), ("2027-06-30", "rollover"), ("2027-01-01", "holiday")
    )
    assert pick_rollover(None, "", rows(), date(2026, 11, 27)) is None
    winter = pick_rollover(None, "", calendar, date(2026, 11, 27))
    assert winter is not None
    assert (winter.day, winter.name, winter.source) == (
        date(2027, 1, 4),
        "2026-2027 mid-year",
        "Calendar",
    )
    spring = pick_rollover(None, "", calendar, date(2027, 4, 20))
    assert spring is not None and spring.day == date(2027, 6, 30)
    assert spring.name == "2026-2027 end of year"
    configured = pick_rollover(date(2027, 6, 30), "Summer 2027", calendar, date(2026, 11, 27))
    assert configured is not None
    assert (configured.day, configured.name, configured.source, configured.note) == (
        date(2027, 6, 30),
        "Summer 2027",
        "config",
        "",
    )
    moved = pick_rollover(date(2027, 7, 1), "", calendar, date(2026, 11, 27))
    assert moved is not None and moved.day == date(2027, 7, 1)
    assert moved.note == (
        "the config's [calendar] rollover_date is 2027-07-01 but the Calendar tab's rollover "
        "row says 2027-06-30: the config's date is used; make them agree"
    )


def test_a_rollover_is_named_by_its_school_year_so_a_day_later_is_the_same_rollover() -> None:
    assert school_year(date(2026, 8, 1)) == school_year(date(2027, 7, 31)) == "2026-2027"
    assert rollover_name(date(2027, 6, 30)) == rollover_name(date(2027, 7, 1))
    assert rollover_name(date(2026, 12, 21)) == "2026-2027 mid-year"
