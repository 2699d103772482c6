"""Reading cell text as the column's type: dates, numbers, checkboxes, relative dates."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_RELATIVE = re.compile(r"^(today|rollover)\s*(?:([+-])\s*(\d+)\s*(bd|[dwy]?))?$", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%b %d, %Y", "%d %b %Y")
TRUE_TEXT = frozenset({"true", "yes", "y", "1", "x", "✓", "checked", "on"})
SHOWN = 60
MAX_OFFSET_DIGITS = 9
"""A relative date's offset has at most this many digits (more is out of range anyway, and
is never turned into an integer: Python refuses over 4,300 digits)."""


def shown(text: object, limit: int = SHOWN, quote: bool = True) -> str:
    """``text`` for a message (quoted unless ``quote`` is false), cut to ``limit`` characters
    with its length said: a 50,000-character cell does not make a 50,000-character message."""
    text = str(text)
    cut = text if len(text) <= limit else text[:limit] + "…"
    said = repr(cut) if quote else cut
    return said if cut is text else f"{said} ({len(text):,} characters)"


def is_checked(text: object) -> bool:
    return str(text).strip().casefold() in TRUE_TEXT


NO_ROLLOVER = (
    "needs the rollover date: set [calendar] rollover_date in the config, or add a row of "
    "Type rollover to the Calendar tab"
)


def weekdays_only(day: date, n: int) -> date:
    """The ``n``-th Monday-to-Friday after ``day`` (before it when ``n`` is negative)."""
    step = timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        day += step
        if day.weekday() < 5:
            left -= 1
    return day


@dataclass(frozen=True)
class DateAnchors:
    """What relative dates count from: ``today``, the district's ``rollover`` date (None when
    it has none) and its business days (``business_days(day, n)``: the ``n``-th business day
    after ``day``; Monday to Friday when not given)."""

    today: date
    rollover: date | None = None
    business_days: Callable[[date, int], date] | None = None

    def add_business_days(self, day: date, n: int) -> date:
        return (self.business_days or weekdays_only)(day, n)


def _relative(text: str, match: re.Match[str], anchors: date | DateAnchors | None) -> date:
    base, sign, amount, unit = match.groups()
    dates = anchors if isinstance(anchors, DateAnchors) else None
    if base.casefold() == "rollover":
        start = dates.rollover if dates is not None else None
        if start is None:
            raise ValueError(f"{shown(text)} {NO_ROLLOVER}")
    elif anchors is None:
        raise ValueError("a relative date needs today's date")
    else:
        start = dates.today if dates is not None else anchors  # type: ignore[assignment]
    assert start is not None
    if not sign:
        return start
    if len(amount.lstrip("0")) > MAX_OFFSET_DIGITS:
        raise ValueError(f"not a date: {shown(text)} is out of range")
    count = int(amount) if sign == "+" else -int(amount)
    try:
        if unit.casefold() == "bd":
            if abs(count) > MAX_BUSINESS_DAYS:
                raise OverflowError
            adder = dates.add_business_days if dates is not None else weekdays_only
            return adder(start, count)
        days = count * {"": 1, "d": 1, "w": 7, "y": 365}[unit.casefold()]
        return start + timedelta(days=days)
    except OverflowError:
        raise ValueError(f"not a date: {shown(text)} is out of range") from None


MAX_BUSINESS_DAYS = 3660
"""Business days are counted one by one: an offset past ten years or so is refused."""


def parse_date(text: str, today: date | DateAnchors | None = None) -> date:
    """A date in ISO or a common US/EU form, or relative: ``today``, ``today-180d``,
    ``today+2w``, ``rollover-14d``, ``rollover-1bd`` (business days: ``bd``). ``today`` may
    be a date or ``DateAnchors`` (needed for ``rollover`` and the district's business days)."""
    text = str(text).strip()
    match = _RELATIVE.match(text)
    if match:
        return _relative(text, match, today)
    if "T" in text or (" " in text and ":" in text):
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            raise ValueError(f"not a date: {shown(text)}") from None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {shown(text)}")


def parse_number(text: str) -> float:
    """A finite number (``1,000`` and ``50%`` read as 1000 and 50; ``nan`` and ``1e999`` are
    not numbers)."""
    cleaned = str(text).strip().rstrip("%").replace(",", "")
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"not a number: {shown(text)}") from None
    if not math.isfinite(number):
        raise ValueError(f"not a number: {shown(text)}")
    return number


def format_count(n: int) -> str:
    return f"{n:,}"
