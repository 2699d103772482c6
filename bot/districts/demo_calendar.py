"""The demo district's calendar: its national holidays around the rollover, breaks, the
rollover and pause rows, and its training sessions."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pandas as pd

from bot.calendar.holidays import national_holidays
from bot.core.calendar import CalendarRules, DistrictCalendar
from bot.core.values import DateAnchors
from bot.districts.demo_rosters import COORDINATOR

COUNTRY = "US"
"""The demo district's national holidays: its Calendar tab lists those around the rollover."""
HOLIDAYS_BEFORE = 45
HOLIDAYS_AFTER = 150
"""The demo's Calendar lists the national holidays from this many days before the rollover
to this many after it."""


COUNTRY = "US"


HOLIDAYS_BEFORE = 45


HOLIDAYS_AFTER = 150


def holidays_calendar(around: date) -> DistrictCalendar:
    """Business days with the demo country's national holidays (the years around ``around``)."""
    years = {around.year - 1, around.year, around.year + 1}
    return DistrictCalendar(
        rules=CalendarRules(national_holidays=national_holidays(COUNTRY, "", years))
    )


def demo_anchors(today: date, rollover: date) -> DateAnchors:
    """Relative dates of the demo's playbooks, business days with its national holidays."""
    return DateAnchors(today, rollover, holidays_calendar(rollover).add_business_days)


def national_rows(rollover: date) -> list[dict[str, str]]:
    """The national holidays around the rollover, as Calendar rows."""
    first = rollover - timedelta(days=HOLIDAYS_BEFORE)
    last = rollover + timedelta(days=HOLIDAYS_AFTER)
    found = holidays.country_holidays(COUNTRY, years=range(first.year, last.year + 1))
    return [
        {"Date": day.isoformat(), "Type": "holiday", "Name": f"{name} ({COUNTRY})", "School": ""}
        for day, name in sorted(found.items())
        if first <= day <= last
    ]


def calendar_rows(rollover: date) -> list[dict[str, str]]:
    return [
        {
            "Date": holidays_calendar(rollover).business_day_before(rollover).isoformat(),
            "Type": "pause",
            "Name": "Roster pause",
            "School": "",
        },
        {
            "Date": rollover.isoformat(),
            "Type": "rollover",
            "Name": "Mid-year rollover",
            "School": "",
        },
        {
            "Date": (rollover + timedelta(days=3)).isoformat(),
            "Type": "first day",
            "Name": "Semester 2 begins",
            "School": "",
        },
        {
            "Date": (rollover - timedelta(days=20)).isoformat(),
            "Type": "break",
            "Name": "Winter break",
            "School": "",
        },
        {
            "Date": (rollover + timedelta(days=17)).isoformat(),
            "Type": "holiday",
            "Name": "District holiday",
            "School": "",
        },
        *national_rows(rollover),
    ]


def school_day_from(day: date, calendar: list[dict[str, str]]) -> date:
    """``day``, or the first school day after it in the demo's calendar."""
    rules = holidays_calendar(day).rules
    district = DistrictCalendar.from_frame(pd.DataFrame(calendar, dtype=object), rules)
    return day if district.is_school_day(day) else district.next_school_day(day)


def training_rows(rollover: date) -> list[dict[str, str]]:
    return [
        {
            "Session": "Edgenuity mid-year data management webinar",
            "Date": (rollover + timedelta(days=10)).isoformat(),
            "Audience": "school admins",
            "Reserve by": (rollover - timedelta(days=5)).isoformat(),
            "Owner": COORDINATOR,
            "Status": "requested",
        },
    ]
