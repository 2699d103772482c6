"""The ``[calendar]`` section: national holidays, the working week, quiet hours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.config.keys import refuse_unknown
from bot.errors import ConfigError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPAN = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


@dataclass(frozen=True)
class CalendarConfig:
    """``country`` and ``subdivision`` for national holidays (blank = none); ``weekdays``
    as Mon..Sun; ``quiet_hours`` as (start, end) local times, ``None`` = none;
    ``rollover_date`` (None = the Calendar tab's rollover row) and ``rollover_name`` (blank =
    the school year and the kind of rollover)."""

    country: str = ""
    subdivision: str = ""
    weekdays: tuple[str, ...] = WEEKDAYS[:5]
    quiet_hours: tuple[time, time] | None = None
    school_days_only: bool = True
    rollover_date: date | None = None
    rollover_name: str = ""


def weekday_numbers(names: tuple[str, ...]) -> frozenset[int]:
    """``("Mon", "Fri")`` as ``date.weekday()`` numbers."""
    return frozenset(WEEKDAYS.index(n) for n in names)


def _weekday(value: object) -> str:
    text = str(value).strip().casefold()
    for short, full in zip(WEEKDAYS, FULL_NAMES, strict=True):
        if text in (short.casefold(), full):
            return short
    raise ConfigError(f"calendar.weekdays: {value!r} is not a day (Mon, Tue, ... Sun)")


def _text(table: dict[str, object], key: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"calendar.{key} must be text, not {value!r}")
    return value.strip()


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """``"20:00-07:00"`` (may span midnight); blank = no quiet hours."""
    if not text.strip():
        return None
    match = _SPAN.match(text)
    try:
        if not match:
            raise ValueError(text)
        start, end = (datetime.strptime(t, "%H:%M").time() for t in match.groups())
    except ValueError:
        raise ConfigError(f"calendar.quiet_hours must be HH:MM-HH:MM, not {text!r}") from None
    if start == end:
        raise ConfigError(f"calendar.quiet_hours {text!r} starts and ends at the same time")
    return start, end


def parse_rollover_date(value: object) -> date | None:
    """A TOML date (``2027-06-30``) or the same as text; blank = none."""
    if isinstance(value, datetime):
        raise ConfigError(f"calendar.rollover_date must be a date, not a time: {value}")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ConfigError(f"calendar.rollover_date must be a date (YYYY-MM-DD), not {value!r}")
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(
            f"calendar.rollover_date must be a date (YYYY-MM-DD), not {value!r}"
        ) from None


def parse_calendar(table: dict[str, object]) -> CalendarConfig:
    """The ``[calendar]`` section; every key optional. A country or subdivision the
    ``holidays`` package does not know is refused here, naming the key."""
    refuse_unknown(table, "calendar", CalendarConfig.__dataclass_fields__)
    days = table.get("weekdays", list(WEEKDAYS[:5]))
    if not isinstance(days, list) or not days:
        raise ConfigError(f"calendar.weekdays must be a list of days such as 'Mon', not {days!r}")
    weekdays = tuple(sorted({_weekday(d) for d in days}, key=WEEKDAYS.index))
    only = table.get("school_days_only", True)
    if not isinstance(only, bool):
        raise ConfigError(f"calendar.school_days_only must be true or false, not {only!r}")
    country, subdivision = _text(table, "country"), _text(table, "subdivision")
    if country or subdivision:
        from bot.calendar.holidays import national_holidays

        national_holidays(country, subdivision, ())
    return CalendarConfig(
        country=country,
        subdivision=subdivision,
        weekdays=weekdays,
        quiet_hours=parse_quiet_hours(_text(table, "quiet_hours")),
        school_days_only=only,
        rollover_date=parse_rollover_date(table.get("rollover_date", "")),
        rollover_name=_text(table, "rollover_name"),
    )
