"""Reading cell text as the column's type: dates, numbers, checkboxes, relative dates."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

_RELATIVE = re.compile(r"^today\s*(?:([+-])\s*(\d+)\s*([dwy]?))?$", re.IGNORECASE)
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


def parse_date(text: str, today: date | None = None) -> date:
    """A date in ISO or a common US/EU form, or ``today``, ``today-180d``, ``today+2w``."""
    text = str(text).strip()
    match = _RELATIVE.match(text)
    if match:
        if today is None:
            raise ValueError("a relative date needs today's date")
        sign, amount, unit = match.groups()
        if not sign:
            return today
        if len(amount.lstrip("0")) > MAX_OFFSET_DIGITS:
            raise ValueError(f"not a date: {shown(text)} is out of range")
        days = int(amount) * {"": 1, "d": 1, "w": 7, "y": 365}[unit.lower()]
        try:
            return today + timedelta(days=days if sign == "+" else -days)
        except OverflowError:
            raise ValueError(f"not a date: {shown(text)} is out of range") from None
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
