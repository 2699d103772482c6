"""Turning request values into stored cells: RAW keeps them, USER_ENTERED parses them like the
Sheets UI does (numbers, booleans, percentages, currency, dates, formulas)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .numfmt import to_serial

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?"
_PLAIN = re.compile(rf"^([+-]?)({_NUMBER})$")
_PERCENT = re.compile(rf"^([+-]?)({_NUMBER})\s*%$")
_CURRENCY = re.compile(rf"^([+-]?)\$({_NUMBER})$")
_SCIENTIFIC = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


@dataclass
class Parsed:
    """What a request value becomes: a value or formula, plus an inferred number format."""

    value: str | float | bool | None
    formula: str | None = None
    number_format: dict[str, str] | None = None
    skip: bool = False


def from_raw(raw: Any) -> Parsed:
    """RAW input: strings stay strings (even ``=1+1`` and ``123``); null leaves the cell alone."""
    if raw is None:
        return Parsed(None, skip=True)
    if isinstance(raw, bool):
        return Parsed(raw)
    if isinstance(raw, int | float):
        return Parsed(float(raw))
    text = str(raw)
    return Parsed(text if text != "" else None)


def from_user_entered(raw: Any) -> Parsed:
    """USER_ENTERED input, parsed as if typed into the UI."""
    if raw is None or isinstance(raw, bool | int | float):
        return from_raw(raw)
    text = str(raw)
    if text == "":
        return Parsed(None)
    if text.startswith("'"):
        return Parsed(text[1:] if len(text) > 1 else None)
    if text.startswith("=") and len(text) > 1:
        return Parsed(None, formula=text)
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return Parsed(stripped.upper() == "TRUE")
    return _number(stripped) or _date(stripped) or Parsed(text)


def _number(text: str) -> Parsed | None:
    match = _PLAIN.match(text)
    if match and any(ch.isdigit() for ch in match.group(2)):
        value = _signed(match.group(1), match.group(2))
        if "," in match.group(2):
            pattern = "#,##0.00" if "." in match.group(2) else "#,##0"
            return Parsed(value, number_format={"type": "NUMBER", "pattern": pattern})
        return Parsed(value)
    match = _PERCENT.match(text)
    if match and any(ch.isdigit() for ch in match.group(2)):
        pattern = "0.00%" if "." in match.group(2) else "0%"
        value = _signed(match.group(1), match.group(2)) / 100
        return Parsed(value, number_format={"type": "PERCENT", "pattern": pattern})
    match = _CURRENCY.match(text)
    if match and any(ch.isdigit() for ch in match.group(2)):
        pattern = '"$"#,##0.00' if "." in match.group(2) else '"$"#,##0'
        value = _signed(match.group(1), match.group(2))
        return Parsed(value, number_format={"type": "CURRENCY", "pattern": pattern})
    if _SCIENTIFIC.match(text):
        return Parsed(float(text), number_format={"type": "SCIENTIFIC", "pattern": "0.00E+00"})
    return None


def _signed(sign: str, digits: str) -> float:
    value = float(digits.replace(",", ""))
    return -value if sign == "-" else value


def _date(text: str) -> Parsed | None:
    iso = _ISO_DATE.match(text)
    us = _US_DATE.match(text)
    try:
        if iso:
            y, m, d = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
            return _moment(date(y, m, d), iso.groups()[3:], "yyyy-mm-dd", "yyyy-mm-dd H:mm:ss")
        if us:
            m, d, y = int(us.group(1)), int(us.group(2)), int(us.group(3))
            return _moment(date(y, m, d), us.groups()[3:], "M/d/yyyy", "M/d/yyyy H:mm:ss")
    except ValueError:
        return None
    time_match = _TIME.match(text)
    if time_match:
        h, mi, s = (int(g or 0) for g in time_match.groups())
        if h < 24 and mi < 60 and s < 60:
            serial = (h * 3600 + mi * 60 + s) / 86400
            return Parsed(serial, number_format={"type": "TIME", "pattern": "h:mm:ss am/pm"})
    return None


def _moment(day: date, clock: tuple[str | None, ...], date_pat: str, dt_pat: str) -> Parsed:
    if clock[0] is None:
        return Parsed(to_serial(day), number_format={"type": "DATE", "pattern": date_pat})
    h, mi, s = (int(g or 0) for g in clock)
    moment = datetime(day.year, day.month, day.day, h, mi, s)
    return Parsed(to_serial(moment), number_format={"type": "DATE_TIME", "pattern": dt_pat})
