"""The district calendar: business and school days, business-day arithmetic, quiet hours,
digests, in the district's time zone across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from bot.core.calendar import CalendarRules, DistrictCalendar, calendar_rows
from bot.core.reminders import Kind, Settings, build_reminders, calendar_items

CHICAGO = ZoneInfo("America/Chicago")
ROWS = [
    ("2026-01-19", "holiday", "MLK Day", ""),
    ("2026-02-07", "school day", "Snow make-up", ""),
    ("2026-02-13", "in-service", "PD day", ""),
    ("2026-02-13", "school day", "", "North High"),
    ("2026-02-10", "Holiday", "Founders' day", " south high "),
    ("2026-03-02", "break", "Spring break", ""),
    ("2026-03-03", "break", "Spring break", ""),
    ("2026-05-29", "pause", "Roster pause", ""),
    ("2026-06-01", "rollover", "Rollover", ""),
    ("2026-05-20", "rollover", "North's own rollover", "North High"),
    ("08/17/2026", "first day", "First day", ""),
]


def frame(rows: list[tuple[str, str, str, str]] = ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Date", "Type", "Name", "School"])


def calendar(rows: list[tuple[str, str, str, str]] = ROWS, **rules: Any) -> DistrictCalendar:
    return DistrictCalendar.from_frame(frame(rows), CalendarRules(**rules))


def test_business_days_and_school_days() -> None:
    cal = calendar()
    assert cal.is_business_day(date(2026, 1, 20)) and cal.is_school_day(date(2026, 1, 20))
    assert not cal.is_business_day(date(2026, 1, 17))  # a Saturday
    assert not cal.is_business_day(date(2026, 1, 19))  # the district's holiday
    assert not cal.is_school_day(date(2026, 1, 19))
    for closed in ("2026-02-13", "2026-03-02", "2026-05-29", "2026-06-01"):
        day = date.fromisoformat(closed)
        assert cal.is_business_day(day) and not cal.is_school_day(day), closed
    assert cal.is_school_day(date(2026, 8, 17))  # "first day" closes nothing


def test_an_explicit_school_day_on_a_saturday() -> None:
    cal = calendar()
    saturday = date(2026, 2, 7)
    assert cal.is_business_day(saturday) and cal.is_school_day(saturday)
    assert cal.is_school_day(saturday, "North High")
    assert not cal.is_business_day(saturday + timedelta(days=7))


def test_a_schools_rows_override_the_districts_for_that_school() -> None:
    cal = calendar()
    pd_day = date(2026, 2, 13)  # in-service for the district, a school day at North High
    assert cal.is_school_day(pd_day, "north high") and cal.is_school_day(pd_day, " NORTH HIGH")
    assert not cal.is_school_day(pd_day) and not cal.is_school_day(pd_day, "South High")
    founders = date(2026, 2, 10)  # South High's own holiday
    assert not cal.is_school_day(founders, "South High")
    assert cal.is_school_day(founders, "North High") and cal.is_school_day(founders)
    assert cal.is_business_day(founders)
    assert not cal.is_school_day(date(2026, 5, 20), "North High")
    assert cal.is_school_day(date(2026, 5, 20))


def test_national_holidays_are_not_business_days_unless_the_calendar_says_school_day() -> None:
    independence = date(2026, 7, 3)
    rows = [("2026-11-26", "school day", "", "")]
    cal = calendar(rows, national_holidays=frozenset({independence, date(2026, 11, 26)}))
    assert not cal.is_business_day(independence) and not cal.is_school_day(independence)
    assert cal.business_day_before(date(2026, 7, 6)) == date(2026, 7, 2)
    assert cal.is_business_day(date(2026, 11, 26)) and cal.is_school_day(date(2026, 11, 26))
    assert calendar(rows).business_day_before(date(2026, 7, 6)) == independence


def test_business_day_arithmetic_across_a_holiday_and_a_weekend() -> None:
    cal = calendar()
    friday, tuesday = date(2026, 1, 16), date(2026, 1, 20)  # Monday the 19th is MLK Day
    assert cal.add_business_days(friday, 1) == tuesday
    assert cal.add_business_days(tuesday, -1) == friday
    assert cal.business_day_before(tuesday) == friday
    assert cal.business_day_before(tuesday, 3) == date(2026, 1, 14)
    assert cal.add_business_days(friday, 0) == friday
    assert cal.add_business_days(date(2026, 1, 18), 1) == tuesday  # from a Sunday
    assert cal.business_days_between(friday, tuesday) == 1
    assert cal.business_days_between(tuesday, friday) == -1
    assert cal.business_days_between(friday, friday) == 0
    assert cal.business_days_between(date(2026, 2, 6), date(2026, 2, 9)) == 2  # Saturday counts
    assert cal.next_school_day(date(2026, 2, 27)) == date(2026, 3, 4)  # over the break
    assert cal.next_school_day(date(2026, 2, 12), "North High") == date(2026, 2, 13)


def test_counting_agrees_with_stepping_day_by_day() -> None:
    cal = calendar(national_holidays=frozenset({date(2026, 2, 16)}), weekdays=frozenset({0, 2, 4}))
    start = date(2026, 1, 10)
    days = [start + timedelta(days=n) for n in range(50)]
    for a in days[::7]:
        for b in days:
            low, high = min(a, b), max(a, b)
            naive = sum(
                cal.is_business_day(low + timedelta(days=n + 1)) for n in range((high - low).days)
            )
            assert cal.business_days_between(a, b) == (naive if b >= a else -naive), (a, b)
            if b >= a and cal.is_business_day(b):
                assert cal.add_business_days(a, cal.business_days_between(a, b)) == b


def test_first_day_of_a_type() -> None:
    cal = calendar()
    assert cal.first_day("rollover") == date(2026, 6, 1)  # North's own row is not the district's
    assert cal.first_day("First Day") == date(2026, 8, 17)
    assert cal.first_day("last day") is None
    assert DistrictCalendar().first_day("pause") is None


def test_the_calendar_tab_is_read_tolerantly() -> None:
    messy = pd.DataFrame(
        {
            "Date": ["2026-13-40", "not a date", "", None, "2026-04-03T00:00:00Z", "Apr 06, 2026"],
            "Type": ["holiday", "holiday", "holiday", "break", " HOLIDAY ", "party"],
        }
    )
    rows = calendar_rows(messy)
    assert rows[["day", "kind", "school"]].values.tolist() == [[date(2026, 4, 3), "holiday", ""]]
    assert calendar_rows(pd.DataFrame({"Date": ["2026-01-01"]})).empty
    assert calendar_rows(pd.DataFrame()).empty
    assert not DistrictCalendar.from_frame(messy).is_business_day(date(2026, 4, 3))


def test_rules_need_a_working_day() -> None:
    with pytest.raises(ValueError, match="weekdays"):
        CalendarRules(weekdays=frozenset())


def at(text: str) -> datetime:
    """A moment given in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_quiet_hours_spanning_midnight() -> None:
    cal = calendar(quiet_start=time(20), quiet_end=time(7), timezone="America/Chicago")
    local = [
        datetime(2026, 1, 21, h, m, tzinfo=CHICAGO)
        for h, m in ((19, 59), (20, 0), (23, 59), (0, 0), (6, 59), (7, 0), (12, 0))
    ]
    assert [cal.in_quiet_hours(m) for m in local] == [False, True, True, True, True, False, False]
    assert cal.in_quiet_hours(at("2026-01-21T12:30"))  # 06:30 in Chicago
    assert not cal.in_quiet_hours(at("2026-01-21T13:30"))  # 07:30 in Chicago
    lunch = calendar(quiet_start=time(12), quiet_end=time(13), timezone="America/Chicago")
    assert lunch.in_quiet_hours(local[-1]) and not lunch.in_quiet_hours(local[2])
    assert not calendar().in_quiet_hours(local[2])
    with pytest.raises(ValueError, match="time zone"):
        cal.in_quiet_hours(datetime(2026, 1, 21, 12))


def test_quiet_hours_on_the_days_daylight_saving_time_changes() -> None:
    cal = calendar(quiet_start=time(20), quiet_end=time(7), timezone="America/Chicago")
    # 2026-03-08: clocks go from 02:00 CST to 03:00 CDT; 12:30 UTC is 07:30 CDT (06:30 in CST)
    assert not cal.in_quiet_hours(at("2026-03-08T12:30"))
    assert cal.in_quiet_hours(at("2026-03-08T11:30"))
    # 2026-11-01: back from 02:00 CDT to 01:00 CST; 12:30 UTC is 06:30 CST (07:30 in CDT)
    assert cal.in_quiet_hours(at("2026-11-01T12:30"))
    assert not cal.in_quiet_hours(at("2026-11-01T13:00"))
    assert cal.in_quiet_hours(at("2026-11-01T06:30")) and cal.in_quiet_hours(at("2026-11-01T07:30"))
    assert cal.add_business_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert cal.business_days_between(date(2026, 10, 30), date(2026, 11, 2)) == 1


def test_the_district_date_of_a_moment_across_daylight_saving_changes() -> None:
    cal = calendar(timezone="America/Chicago")
    assert not cal.digest_allowed(at("2026-11-02T05:30"))  # 23:30 CST, still Sunday
    assert cal.digest_allowed(at("2026-11-02T06:30"))  # 00:30 CST Monday
    assert cal.digest_allowed(at("2026-03-09T05:30"))  # 00:30 CDT Monday (23:30 in CST)
    assert not cal.digest_allowed(at("2026-03-09T04:30"))


def test_digests_on_school_days_outside_quiet_hours() -> None:
    cal = calendar(quiet_start=time(20), quiet_end=time(7), timezone="America/Chicago")
    assert cal.digest_allowed(datetime(2026, 1, 21, 7, 30, tzinfo=CHICAGO))
    assert not cal.digest_allowed(datetime(2026, 1, 21, 6, 30, tzinfo=CHICAGO))
    assert not cal.digest_allowed(datetime(2026, 1, 24, 9, tzinfo=CHICAGO))  # a Saturday
    assert not cal.digest_allowed(datetime(2026, 3, 2, 9, tzinfo=CHICAGO))  # spring break
    assert cal.digest_allowed(datetime(2026, 2, 7, 9, tzinfo=CHICAGO))  # make-up Saturday
    any_day = calendar(
        quiet_start=time(20), quiet_end=time(7), timezone="America/Chicago", school_days_only=False
    )
    assert any_day.digest_allowed(datetime(2026, 1, 24, 9, tzinfo=CHICAGO))
    assert not any_day.digest_allowed(datetime(2026, 1, 24, 21, tzinfo=CHICAGO))


def test_reminders_count_business_days_of_the_calendar_they_are_given() -> None:
    today = date(2026, 12, 17)  # a Thursday
    checklist = pd.DataFrame(
        [
            {"Step ID": f"S-00{n}", "System": "Edgenuity", "Owner": "o@x.org", "Due": due}
            for n, due in ((1, "2026-12-22"), (2, "2026-12-23"))
        ]
    )
    frames = {"Checklist": checklist, "Calendar": frame([("2027-01-18", "holiday", "", "")])}
    settings = Settings(due_soon_days=3)
    plain = build_reminders(frames, today, settings=settings)
    assert [i.step_id for i in plain.digests[0].of(Kind.DUE_SOON)] == ["S-001"]
    christmas = DistrictCalendar.from_frame(
        frames["Calendar"], CalendarRules(national_holidays=frozenset({date(2026, 12, 21)}))
    )
    closed = build_reminders(frames, today, settings=settings, calendar=christmas)
    assert [i.step_id for i in closed.digests[0].of(Kind.DUE_SOON)] == ["S-001", "S-002"]


def test_the_missing_pause_is_proposed_on_a_business_day() -> None:
    tab = frame([("2026-07-06", "rollover", "Rollover", "")])
    national = CalendarRules(national_holidays=frozenset({date(2026, 7, 3)}))
    notes = [
        i.note
        for i in calendar_items(
            tab, date(2026, 7, 1), 7, DistrictCalendar.from_frame(tab, national)
        )
    ]
    assert "add a pause on Thu Jul 2, one business day before the rollover" in notes
    assert "add a pause on Fri Jul 3, one business day before the rollover" in [
        i.note for i in calendar_items(tab, date(2026, 7, 1), 7)
    ]
