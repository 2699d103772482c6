"""National holidays from the `holidays` package, and the district calendar built from the
config and the Calendar tab."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pandas as pd
import pytest

from bot.calendar.district import district_calendar
from bot.calendar.holidays import national_holidays
from bot.config import parse_config
from bot.errors import ConfigError


def test_us_federal_holidays_2026() -> None:
    found = national_holidays("US", "", [2026])
    assert date(2026, 7, 3) in found  # Independence Day (a Saturday) observed on Friday
    assert date(2026, 11, 26) in found  # Thanksgiving
    assert date(2026, 1, 19) in found and date(2026, 12, 25) in found
    assert date(2026, 7, 6) not in found and date(2026, 3, 2) not in found
    assert all(d.year == 2026 for d in found)
    assert date(2027, 11, 25) in national_holidays("us", "", [2026, 2027])


def test_a_state_adds_its_own_holidays() -> None:
    texas = national_holidays("US", "tx", [2026])
    assert date(2026, 3, 2) in texas  # Texas Independence Day
    assert date(2026, 11, 26) in texas and date(2026, 11, 27) in texas  # and the Friday after


def test_no_country_means_no_holidays() -> None:
    assert national_holidays("", "", [2026]) == frozenset()
    with pytest.raises(ConfigError, match=r"calendar\.subdivision 'TX' needs calendar\.country"):
        national_holidays("", "TX", [2026])


def test_an_unknown_country_or_subdivision_is_named() -> None:
    with pytest.raises(ConfigError, match=r"calendar\.country: unknown country 'XX'"):
        national_holidays("XX", "", [2026])
    with pytest.raises(ConfigError, match=r"calendar\.subdivision: US has no subdivision 'ZZ'"):
        national_holidays("US", "ZZ", [2026])


def test_the_district_calendar_from_config_and_tab(tmp_path: Path) -> None:
    config = parse_config(
        {"calendar": {"country": "US", "subdivision": "TX", "quiet_hours": "20:00-07:00"}},
        tmp_path,
    )
    tab = pd.DataFrame(
        [
            {"Date": "2027-07-06", "Type": "rollover", "Name": "", "School": ""},
            {"Date": "2027-07-02", "Type": "holiday", "Name": "", "School": ""},
        ]
    )
    calendar = district_calendar(config, tab, today=date(2026, 3, 1))
    assert calendar.business_day_before(date(2026, 7, 6)) == date(2026, 7, 2)
    assert calendar.business_day_before(date(2026, 3, 3)) == date(2026, 2, 27)  # Texas' Mar 2
    assert calendar.business_day_before(date(2027, 7, 6)) == date(2027, 7, 1)  # tab's years too
    assert calendar.rules.quiet_start == time(20) and calendar.rules.quiet_end == time(7)
    assert calendar.in_quiet_hours(datetime(2026, 3, 10, 11, 30, tzinfo=UTC))  # 06:30 CDT
    assert not calendar.in_quiet_hours(datetime(2026, 3, 10, 12, 30, tzinfo=UTC))  # 07:30 CDT
    plain = district_calendar(parse_config({}, tmp_path), tab, today=date(2026, 3, 1))
    assert plain.business_day_before(date(2026, 7, 6)) == date(2026, 7, 3)
