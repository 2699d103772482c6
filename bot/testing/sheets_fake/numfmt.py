"""Number and date formatting: Google's automatic format and simple number-format patterns."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = ("DATE", "TIME", "DATE_TIME")
DEFAULT_PATTERNS = {
    "NUMBER": "#,##0.00",
    "PERCENT": "0.00%",
    "CURRENCY": "$#,##0.00",
    "DATE": "M/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "M/d/yyyy H:mm:ss",
    "SCIENTIFIC": "0.00E+00",
}
_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|MM|M|dd|d|HH|H|hh|h|ss|s|am/pm|AM/PM", re.I)


def general(x: float) -> str:
    """Google's automatic display of a number: up to 10 decimals, no trailing zeros."""
    if math.isnan(x) or math.isinf(x):
        return "#NUM!"
    if x != 0 and (abs(x) >= 1e15 or abs(x) < 1e-10):
        mantissa, exp = f"{x:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{int(exp):+03d}"
    if float(x).is_integer():
        return str(int(x))
    text = f"{round(x, 10):.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_serial(moment: datetime | date) -> float:
    """A date or datetime -> spreadsheet serial number (days since 1899-12-30)."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    delta = moment - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> datetime:
    """Serial number -> datetime (rounded to the second)."""
    return EPOCH + timedelta(seconds=round(serial * 86400))


def render(x: float, number_format: dict[str, Any] | None) -> str:
    """Format a number with a numberFormat ``{type, pattern}``; falls back to automatic."""
    if not number_format:
        return general(x)
    kind = number_format.get("type", "NUMBER")
    pattern = number_format.get("pattern") or DEFAULT_PATTERNS.get(kind)
    if kind == "TEXT" or not pattern:
        return general(x)
    if kind in DATE_TYPES:
        return render_date(x, pattern)
    return render_number(x, pattern)


def render_date(serial: float, pattern: str) -> str:
    """Render a serial with a date/time pattern such as ``yyyy-mm-dd`` or ``M/d/yyyy H:mm``."""
    moment = from_serial(serial)
    has_ampm = "am/pm" in pattern.lower()
    tokens = list(_DATE_TOKEN.finditer(pattern))
    out, pos = [], 0
    for i, match in enumerate(tokens):
        out.append(pattern[pos : match.start()])
        out.append(_date_token(match.group(0), moment, tokens, i, has_ampm))
        pos = match.end()
    out.append(pattern[pos:])
    return "".join(out)


def _date_token(tok: str, moment: datetime, tokens: list[re.Match[str]], i: int, ampm: bool) -> str:
    low = tok.lower()
    if low == "yyyy":
        return f"{moment.year:04d}"
    if low == "yy":
        return f"{moment.year % 100:02d}"
    if low in ("am/pm",):
        return "AM" if moment.hour < 12 else "PM"
    if low in ("hh", "h"):
        hour = moment.hour % 12 or 12 if ampm else moment.hour
        return f"{hour:02d}" if len(tok) == 2 else str(hour)
    if low in ("ss", "s"):
        return f"{moment.second:02d}" if len(tok) == 2 else str(moment.second)
    if low in ("dd", "d"):
        return f"{moment.day:02d}" if len(tok) == 2 else str(moment.day)
    if low in ("mmmm", "mmm"):
        name = moment.strftime("%B")
        return name if len(tok) == 4 else name[:3]
    previous = tokens[i - 1].group(0).lower() if i else ""
    following = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else ""
    is_minute = previous in ("hh", "h") or following in ("ss", "s")
    value = moment.minute if is_minute else moment.month
    return f"{value:02d}" if len(tok) == 2 else str(value)


def render_number(x: float, pattern: str) -> str:
    """Render with a number pattern such as ``#,##0.00``, ``0%`` or ``$#,##0``."""
    pattern = pattern.split(";")[0]
    match = re.search(r"[#0,.]*[0#][#0,.]*(E\+0+)?", pattern)
    if not match:
        return general(x)
    core = match.group(0)
    prefix = _literal(pattern[: match.start()])
    suffix = _literal(pattern[match.end() :])
    if "%" in suffix or "%" in prefix:
        x *= 100
    if match.group(1):
        decimals = core.split(".")[1].split("E")[0].count("0") if "." in core else 0
        mantissa, exp = f"{abs(x):.{decimals}E}".split("E")
        body = f"{mantissa}E{int(exp):+03d}"
    else:
        int_part, _, frac = core.partition(".")
        decimals = len(frac.replace(",", ""))
        min_decimals = frac.count("0")
        body = f"{abs(x):,.{decimals}f}" if "," in int_part else f"{abs(x):.{decimals}f}"
        if decimals > min_decimals and "." in body:
            head, _, tail = body.partition(".")
            tail = tail.rstrip("0")
            tail = tail.ljust(min_decimals, "0")
            body = f"{head}.{tail}" if tail else head
        if int_part.replace(",", "").count("0") == 0 and body.startswith("0."):
            body = body[1:]
    sign = "-" if x < 0 and any(ch in body.split("E")[0] for ch in "123456789") else ""
    return f"{sign}{prefix}{body}{suffix}"


def _literal(text: str) -> str:
    return text.replace('"', "").replace("\\", "").replace("[$", "").replace("]", "")
