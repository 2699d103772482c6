"""The district's calendar and rollover from its configuration and the Calendar tab."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.calendar.holidays import national_holidays
from bot.config import Config
from bot.config.calendar import weekday_numbers
from bot.core.calendar import CalendarRules, DistrictCalendar, calendar_rows
from bot.core.rollover import Rollover, pick_rollover
from bot.core.values import DateAnchors


def district_calendar(config: Config, frame: pd.DataFrame, today: date) -> DistrictCalendar:
    """``[calendar]`` and ``[district] timezone`` with the Calendar tab; national holidays
    for the years of the tab's dates, of the rollover date and the years around ``today``
    (the district's)."""
    rows = calendar_rows(frame)
    settings = config.calendar
    years = {today.year - 1, today.year, today.year + 1} | {d.year for d in rows["day"]}
    if settings.rollover_date is not None:
        year = settings.rollover_date.year
        years |= {year - 1, year, year + 1}
    start, end = settings.quiet_hours or (None, None)
    rules = CalendarRules(
        weekdays=weekday_numbers(settings.weekdays),
        national_holidays=national_holidays(settings.country, settings.subdivision, years),
        quiet_start=start,
        quiet_end=end,
        school_days_only=settings.school_days_only,
        timezone=config.timezone,
    )
    return DistrictCalendar(rows, rules)


def district_rollover(config: Config, frame: pd.DataFrame | None, today: date) -> Rollover | None:
    """The district's rollover: ``[calendar] rollover_date`` when set, else the Calendar
    tab's rollover row nearest ``today``; with its name (``[calendar] rollover_name``, else
    the school year and kind, e.g. ``2026-2027 end of year``). None when neither gives one.
    ``frame`` (the Calendar tab) may be None when the config sets the date."""
    rows = calendar_rows(frame if frame is not None else pd.DataFrame())
    settings = config.calendar
    return pick_rollover(settings.rollover_date, settings.rollover_name, rows, today)


def date_anchors(
    today: date, rollover: Rollover | None, calendar: DistrictCalendar | None
) -> DateAnchors:
    """What relative dates (``today+3bd``, ``rollover-1bd``) count from in this district."""
    return DateAnchors(
        today,
        rollover.day if rollover is not None else None,
        calendar.add_business_days if calendar is not None else None,
    )
