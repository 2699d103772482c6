"""The `[calendar]` section: defaults, every key, errors that name the key."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from bot.config import load_config, parse_config
from bot.config.calendar import CalendarConfig, weekday_numbers
from bot.errors import ConfigError


def calendar(tmp_path: Path, **table: object) -> CalendarConfig:
    return parse_config({"calendar": table}, tmp_path).calendar


def test_defaults(tmp_path: Path) -> None:
    assert parse_config({}, tmp_path).calendar == CalendarConfig()
    plain = calendar(tmp_path)
    assert (plain.country, plain.subdivision, plain.quiet_hours) == ("", "", None)
    assert weekday_numbers(plain.weekdays) == frozenset(range(5)) and plain.school_days_only


def test_every_key(tmp_path: Path) -> None:
    parsed = calendar(
        tmp_path,
        country="us",
        subdivision="TX",
        weekdays=["sunday", "Mon", "TUE", "wed", "Thu", "Mon"],
        quiet_hours=" 20:00 - 7:00 ",
        school_days_only=False,
    )
    assert (parsed.country, parsed.subdivision) == ("us", "TX")
    assert parsed.weekdays == ("Mon", "Tue", "Wed", "Thu", "Sun")
    assert weekday_numbers(parsed.weekdays) == frozenset({0, 1, 2, 3, 6})
    assert parsed.quiet_hours == (time(20), time(7))
    assert parsed.school_days_only is False


def test_the_rollover_date_and_name(tmp_path: Path) -> None:
    """A TOML date or the same as text; blank is none (the Calendar tab's row is used)."""
    assert calendar(tmp_path, rollover_date=date(2027, 6, 30)).rollover_date == date(2027, 6, 30)
    assert calendar(tmp_path, rollover_date=" 2027-06-30 ").rollover_date == date(2027, 6, 30)
    assert calendar(tmp_path, rollover_date="").rollover_date is None
    assert calendar(tmp_path, rollover_name=" Summer 2027 ").rollover_name == "Summer 2027"
    toml = tmp_path / "config.toml"
    toml.write_text("[calendar]\nrollover_date = 2027-06-30\n", encoding="utf-8")
    assert load_config(str(toml)).calendar.rollover_date == date(2027, 6, 30)
    toml.write_text("[calendar]\nrollover_date = 2027-06-30T09:00:00\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a date, not a time"):
        load_config(str(toml))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"quiet_hours": "8pm-7am"}, "calendar.quiet_hours must be HH:MM-HH:MM, not '8pm-7am'"),
        ({"quiet_hours": "20:00-24:30"}, "calendar.quiet_hours must be HH:MM-HH:MM, not"),
        ({"quiet_hours": "20:00-20:00"}, "calendar.quiet_hours '20:00-20:00' starts and ends"),
        ({"quiet_hours": 20}, "calendar.quiet_hours must be text, not 20"),
        ({"weekdays": ["Mon", "Funday"]}, "calendar.weekdays: 'Funday' is not a day"),
        ({"weekdays": []}, "calendar.weekdays must be a list of days"),
        ({"weekdays": "Mon-Fri"}, "calendar.weekdays must be a list of days"),
        ({"school_days_only": "yes"}, "calendar.school_days_only must be true or false"),
        ({"country": "XX"}, "calendar.country: unknown country 'XX'"),
        ({"country": "US", "subdivision": "ZZ"}, "calendar.subdivision: US has no subdivision"),
        ({"subdivision": "TX"}, "calendar.subdivision 'TX' needs calendar.country"),
        ({"holidays": True}, "[calendar] holidays is not a setting (known settings: country, "),
        ({"rollover_date": "30/06/2027"}, "calendar.rollover_date must be a date (YYYY-MM-DD)"),
        ({"rollover_date": 20270630}, "calendar.rollover_date must be a date (YYYY-MM-DD)"),
        ({"rollover": "2027-06-30"}, "[calendar] rollover is not a setting; did you mean"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        calendar(tmp_path, **table)
    assert message in str(raised.value)
