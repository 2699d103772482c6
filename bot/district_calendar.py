"""The district's calendar from its configuration and the Calendar tab."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.config import Config
from bot.config_calendar import weekday_numbers
from bot.core.calendar import CalendarRules, DistrictCalendar, calendar_rows
from bot.national_holidays import national_holidays


def district_calendar(config: Config, frame: pd.DataFrame, today: date) -> DistrictCalendar:
    """``[calendar]`` and ``[district] timezone`` with the Calendar tab; national holidays
    for the years of the tab's dates and the years around ``today`` (the district's)."""
    rows = calendar_rows(frame)
    years = {today.year - 1, today.year, today.year + 1} | {d.year for d in rows["day"]}
    settings = config.calendar
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
