"""The district calendar: business days, school days, quiet hours, in the district's time zone.

Built from the Calendar tab (columns Date, Type, Name, School; School blank = the whole
district) and :class:`CalendarRules` (the week's working days, national holidays as a set of
dates, quiet hours, whether digests go out on school days only). Pure: holidays arrive as
dates, nothing is read here.

Definitions:

* **business day**: a weekday of the pattern (Mon-Fri by default) that is neither a national
  holiday nor a district-wide Calendar ``holiday``; a district-wide ``school day`` row makes
  any date a business day (a Saturday make-up day, a holiday the district works).
* **school day**: a business day that is not a ``break``, ``in-service``, ``rollover`` or
  ``pause`` day of the Calendar, or a date explicitly marked ``school day``. For a school,
  that school's rows on a date replace the district's rows on that date (its own holiday,
  its own make-up day); national holidays and the weekday pattern hold for every school.
* **business-day arithmetic** steps over dates that are not business days:
  ``add_business_days(Fri, 1)`` is the next Monday (or Tuesday after a Monday holiday);
  ``business_days_between(a, b)`` counts the business days in ``(a, b]``, so
  ``add_business_days(a, business_days_between(a, b)) == b`` for a business day ``b`` after
  ``a``; it is ``-business_days_between(b, a)`` when ``b < a``;
  ``business_day_before(day, n)`` is ``add_business_days(day, -n)``.
* **quiet hours** ``[start, end)`` in local time, possibly spanning midnight (20:00-07:00).
  Moments are timezone-aware and read in the district's zone (zoneinfo), so a daylight-saving
  change moves nothing: 07:30 local is 07:30 local on either side of it.

Calendar rows with an unparseable date or an unknown type are ignored (the tab's validation
reports them elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from bot.core.values import parse_date

SCHOOL_DAY = "school day"
HOLIDAY = "holiday"
CLOSED = frozenset({"break", "in-service", "rollover", "pause"})
TYPES = frozenset({SCHOOL_DAY, HOLIDAY, "first day", "last day"}) | CLOSED
MON_TO_FRI = frozenset(range(5))
COLUMNS = ["day", "kind", "name", "school"]
_ISO = r"^(\d{4}-\d{2}-\d{2})(?:$|[T ])"


@dataclass(frozen=True)
class CalendarRules:
    """What the Calendar tab does not say: ``weekdays`` are ``date.weekday()`` numbers
    (0 = Monday); ``timezone`` is an IANA name."""

    weekdays: frozenset[int] = MON_TO_FRI
    national_holidays: frozenset[date] = frozenset()
    quiet_start: time | None = None
    quiet_end: time | None = None
    school_days_only: bool = True
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError(f"weekdays must be some of 0-6 (Monday = 0), not {self.weekdays}")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[name].astype(object).where(frame[name].notna(), "").astype(str).str.strip()


def _dates(text: pd.Series) -> pd.Series:
    """Dates from cell text: ISO ones at once, the other forms ``parse_date`` knows one
    distinct value at a time; ``None`` where nothing parses."""
    iso = pd.to_datetime(text.str.extract(_ISO)[0], format="%Y-%m-%d", errors="coerce")
    days = pd.Series(None, index=text.index, dtype=object)
    parsed = iso.notna()
    days[parsed] = iso[parsed].dt.date
    left = text[~parsed & (text != "")]
    if len(left):
        days[left.index] = left.map({value: _date_or_none(value) for value in left.unique()})
    return days


def _date_or_none(text: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None


def calendar_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The Calendar tab's usable rows as ``day`` (a date), ``kind`` (a known type, lower
    case), ``name`` and ``school`` (blank = district-wide), ordered by day, kind and name."""
    if frame.empty or "Date" not in frame or "Type" not in frame:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    rows = pd.DataFrame(
        {
            "day": _dates(_column(frame, "Date")),
            "kind": _column(frame, "Type").str.casefold(),
            "name": _column(frame, "Name"),
            "school": _column(frame, "School"),
        }
    )
    rows = rows[rows["day"].notna() & rows["kind"].isin(TYPES)]
    return rows.sort_values(["day", "kind", "name"], kind="stable").reset_index(drop=True)


def _kinds_by_day(rows: pd.DataFrame) -> dict[date, frozenset[str]]:
    return {day: frozenset(kinds) for day, kinds in rows.groupby("day")["kind"]}


class DistrictCalendar:
    """Business days, school days and quiet hours of one district (see the module docstring)."""

    def __init__(
        self, rows: pd.DataFrame | None = None, rules: CalendarRules | None = None
    ) -> None:
        self.rows = rows if rows is not None else calendar_rows(pd.DataFrame())
        self.rules = rules or CalendarRules()
        self.zone = ZoneInfo(self.rules.timezone)
        district = self.rows["school"] == ""
        self._district = _kinds_by_day(self.rows[district])
        schools = self.rows[~district]
        self._schools: dict[str, dict[date, frozenset[str]]] = {
            str(key): _kinds_by_day(group)
            for key, group in schools.groupby(schools["school"].str.casefold())
        }
        self._busdays = self._numpy_calendar()

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, rules: CalendarRules | None = None
    ) -> DistrictCalendar:
        """From the Calendar tab as read from the workbook."""
        return cls(calendar_rows(frame), rules)

    @property
    def district_rows(self) -> pd.DataFrame:
        """The district-wide rows (School blank)."""
        return self.rows[self.rows["school"] == ""].reset_index(drop=True)

    def _numpy_calendar(self) -> tuple[np.busdaycalendar, frozenset[date]]:
        """numpy's calendar of the pattern less closed weekdays, and the extra business days
        it cannot hold (``school day`` rows on days off the pattern)."""
        explicit = {d for d, kinds in self._district.items() if SCHOOL_DAY in kinds}
        holidays = {d for d, kinds in self._district.items() if HOLIDAY in kinds}
        closed = (holidays | self.rules.national_holidays) - explicit
        mask = [int(n in self.rules.weekdays) for n in range(7)]
        extra = frozenset(d for d in explicit if d.weekday() not in self.rules.weekdays)
        busdays = np.busdaycalendar(
            weekmask=mask, holidays=np.array(sorted(closed), dtype="datetime64[D]")
        )
        return busdays, extra

    def is_business_day(self, day: date) -> bool:
        kinds = self._district.get(day, frozenset())
        if SCHOOL_DAY in kinds:
            return True
        return (
            day.weekday() in self.rules.weekdays
            and day not in self.rules.national_holidays
            and HOLIDAY not in kinds
        )

    def is_school_day(self, day: date, school: str = "") -> bool:
        """A school day of the district, or of ``school`` when its rows say otherwise."""
        kinds = self._schools.get(school.strip().casefold(), {}).get(day) if school else None
        if kinds is None:
            kinds = self._district.get(day, frozenset())
        if SCHOOL_DAY in kinds:
            return True
        if day.weekday() not in self.rules.weekdays or day in self.rules.national_holidays:
            return False
        return not kinds & (CLOSED | {HOLIDAY})

    def add_business_days(self, day: date, n: int) -> date:
        """The ``n``-th business day after ``day`` (before it when ``n`` is negative)."""
        step = timedelta(days=1 if n > 0 else -1)
        left = abs(n)
        while left:
            day += step
            if self.is_business_day(day):
                left -= 1
        return day

    def business_day_before(self, day: date, n: int = 1) -> date:
        """The ``n``-th business day before ``day`` (the Twig pause date for ``n = 1``)."""
        return self.add_business_days(day, -n)

    def business_days_between(self, a: date, b: date) -> int:
        """Business days in ``(a, b]``; negative (those in ``(b, a]``) when ``b < a``."""
        if b < a:
            return -self.business_days_between(b, a)
        busdays, extra = self._busdays
        one = timedelta(days=1)
        counted = int(np.busday_count(a + one, b + one, busdaycal=busdays))
        return counted + sum(1 for d in extra if a < d <= b)

    def next_school_day(self, day: date, school: str = "") -> date:
        """The first school day after ``day``."""
        day += timedelta(days=1)
        while not self.is_school_day(day, school):
            day += timedelta(days=1)
        return day

    def first_day(self, kind: str) -> date | None:
        """The first district-wide date of a type (``rollover``, ``pause``, ``first day``)."""
        rows = self.district_rows
        found = rows.loc[rows["kind"] == kind.strip().casefold(), "day"]
        return None if found.empty else min(found)

    def local(self, moment: datetime) -> datetime:
        """A timezone-aware moment as the district's wall-clock time."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"a moment needs its time zone, not a naive {moment.isoformat()}")
        return moment.astimezone(self.zone)

    def in_quiet_hours(self, moment: datetime) -> bool:
        start, end = self.rules.quiet_start, self.rules.quiet_end
        at = self.local(moment).time()
        if start is None or end is None or start == end:
            return False
        if start < end:
            return start <= at < end
        return at >= start or at < end

    def digest_allowed(self, moment: datetime) -> bool:
        """Digests go out on school days (any day when ``school_days_only`` is off), never in
        quiet hours."""
        if self.rules.school_days_only and not self.is_school_day(self.local(moment).date()):
            return False
        return not self.in_quiet_hours(moment)
