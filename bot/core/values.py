"""Reading cell text as the column's type: dates, numbers, checkboxes, relative dates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_RELATIVE = re.compile(r"^today\s*(?:([+-])\s*(\d+)\s*([dwy]?))?$", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%b %d, %Y", "%d %b %Y")
TRUE_TEXT = frozenset({"true", "yes", "y", "1", "x", "✓", "checked", "on"})


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
        days = int(amount) * {"": 1, "d": 1, "w": 7, "y": 365}[unit.lower()]
        return today + timedelta(days=days if sign == "+" else -days)
    if "T" in text or (" " in text and ":" in text):
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_number(text: str) -> float:
    cleaned = str(text).strip().rstrip("%").replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None


def format_count(n: int) -> str:
    return f"{n:,}"
