"""The Scope language: which records a step acts on.

``Students: grade = 12; school = North High`` — a tab, a colon, conditions joined by ``;``
(and). Operators: ``= != < <= > >= in (a, b) not in (a, b)``, ``is blank``, ``not blank``, and
the word ``selected`` (the row's Select box is ticked). Values compare as their column's type;
dates may be relative (``today-180d``). A scope is parsed into data, never evaluated as code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from bot.core.problems import ProblemError
from bot.core.values import TRUE_TEXT, parse_date, parse_number, shown
from bot.templates import Tab, WorkbookTemplate, normalize_header

COMPARISONS = ("!=", "<=", ">=", "=", "<", ">")
ALL_OPERATORS = (*COMPARISONS, "in", "not in", "is blank", "not blank", "selected")
# Each pattern matches in one pass over the text (a 50,000-character cell included): no
# lazily grown column in front of it, the first operator character splits a comparison.
_OPERATOR_CHAR = re.compile(r"[=!<>]")
_MEMBERSHIP = re.compile(r"(?<=\s)(?P<op>not\s+in|in)\s*\(", re.I)
_BLANK = re.compile(r"(?<=\s)(?P<op>is\s+not\s+blank|is\s+blank|not\s+blank)\s*$", re.I)

COLUMN = "Scope"
PLAIN_DECIMAL = r"\s*[+-]?\d+(?:\.\d*)?\s*"


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    values: tuple[str, ...] = ()

    def canonical(self) -> str:
        if self.op == "selected":
            return "selected"
        if self.op in ("is blank", "not blank"):
            return f"{self.column} {self.op}"
        if self.op in ("in", "not in"):
            return f"{self.column} {self.op} ({', '.join(self.values)})"
        return f"{self.column} {self.op} {self.values[0]}"


@dataclass(frozen=True)
class Scope:
    tab: str
    conditions: tuple[Condition, ...]

    def canonical(self) -> str:
        """One normal spelling: the same scope written differently has the same canonical."""
        conds = sorted(c.canonical() for c in self.conditions)
        return f"{self.tab}: {'; '.join(conds)}" if conds else f"{self.tab}: all"

    def describe(self) -> str:
        """Human wording for plans: ``grade 12, North High``."""
        parts = []
        for cond in self.conditions:
            if cond.op == "=":
                parts.append(f"{cond.column.lower()} {cond.values[0]}")
            else:
                parts.append(cond.canonical().lower())
        return ", ".join(parts)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _resolve_column(tab: Tab, text: str) -> str:
    column = tab.column(text)
    if column is None:
        raise ProblemError(COLUMN, f"unknown column {shown(text.strip())} in tab {tab.name}")
    return column.name


def _unknown_operator(tab: Tab, text: str) -> ProblemError:
    """Name the operator when the condition starts with a known column, else the column."""
    words = text.split()
    longest = max(len(c.name.split()) for c in tab.columns)
    for cut in range(min(len(words) - 1, longest), 0, -1):
        if tab.column(" ".join(words[:cut])) is not None:
            return ProblemError(
                COLUMN,
                f"unknown operator {shown(words[cut])} after column {' '.join(words[:cut])!r} "
                f"(use one of: {', '.join(ALL_OPERATORS)})",
            )
    return ProblemError(
        COLUMN, f"cannot read condition {shown(text)}: unknown column in tab {tab.name}"
    )


def _blank(tab: Tab, text: str) -> Condition | None:
    """``column is blank``, ``column not blank`` (or ``is not blank``)."""
    match = _BLANK.search(text)
    if match is None or not text[: match.start()].strip():
        return None
    op = "is blank" if normalize_header(match["op"]) == "is blank" else "not blank"
    return Condition(_resolve_column(tab, text[: match.start()]), op)


def _membership(tab: Tab, text: str) -> Condition | None:
    """``column in (a, b)`` or ``column not in (a, b)``: the values run to the last ``)``."""
    end = len(text.rstrip())
    if not text[:end].endswith(")"):
        return None
    match = _MEMBERSHIP.search(text, 0, end)
    if match is None or not text[: match.start()].strip():
        return None
    values = tuple(_unquote(v) for v in text[match.end() : end - 1].split(",") if v.strip())
    if not values:
        raise ProblemError(COLUMN, f"'{match['op']} ( )' needs at least one value")
    op = "not in" if normalize_header(match["op"]) == "not in" else "in"
    return Condition(_resolve_column(tab, text[: match.start()]), op, values)


def _comparison(tab: Tab, text: str) -> Condition | None:
    """``column op value``, split at the first of ``= ! < >`` (no column name holds one)."""
    match = _OPERATOR_CHAR.search(text)
    if match is None or not text[: match.start()].strip():
        return None
    at = match.start()
    op = text[at : at + 2] if text[at : at + 2] in ("!=", "<=", ">=") else text[at]
    if op == "!":
        return None
    column = text[:at].strip()
    value = _unquote(text[at + len(op) :])
    if not value:
        raise ProblemError(COLUMN, f"{shown(column)} {op} needs a value")
    return Condition(_resolve_column(tab, column), op, (value,))


def _condition(tab: Tab, text: str) -> Condition:
    if normalize_header(text) in ("selected", "select", "ticked"):
        if tab.column("Select") is None:
            raise ProblemError(COLUMN, f"tab {tab.name} has no Select column")
        return Condition("Select", "selected")
    if normalize_header(text) == "all":
        raise ProblemError(COLUMN, "'all' must stand alone after the tab")
    condition = _blank(tab, text) or _membership(tab, text) or _comparison(tab, text)
    if condition is None:
        raise _unknown_operator(tab, text)
    return condition


def parse_scope(text: str, template: WorkbookTemplate) -> Scope:
    """Parse scope text; raises ProblemError naming the tab, column or operator at fault."""
    text = str(text or "").strip()
    if not text:
        raise ProblemError(COLUMN, "is blank: say which records, e.g. 'Students: grade = 12'")
    tab_text, colon, rest = text.partition(":")
    if not colon:
        if template.tab(text) is not None:
            raise ProblemError(COLUMN, f"needs a colon and conditions, e.g. '{text}: all'")
        raise ProblemError(
            COLUMN, f"needs a tab and a colon, e.g. 'Students: {shown(text, quote=False)}'"
        )
    tab = template.tab(tab_text)
    if tab is None or not tab.roster:
        names = ", ".join(t.name for t in template.roster_tabs)
        raise ProblemError(COLUMN, f"unknown tab {shown(tab_text.strip())} (one of: {names})")
    parts = [p.strip() for p in rest.split(";") if p.strip()]
    if [normalize_header(p) for p in parts] == ["all"]:
        parts = []
    conditions = tuple(_condition(tab, part) for part in parts)
    return Scope(tab=tab.name, conditions=conditions)


def _typed(series: pd.Series, ctype: str, today: date) -> pd.Series:
    if ctype in ("int", "number"):
        cleaned = series.str.replace(",", "", regex=False)
        numbers = pd.to_numeric(cleaned, errors="coerce").astype(float)
        # pandas gives up on a plain number of over 4,300 digits (``000…07``): read as float
        unread = numbers.isna() & cleaned.str.fullmatch(PLAIN_DECIMAL).fillna(False)
        if unread.any():
            numbers[unread] = cleaned[unread].map(float)
        return numbers.where(numbers.abs() != float("inf"))
    if ctype in ("date", "datetime"):
        return pd.to_datetime(series, errors="coerce", format="mixed").dt.normalize()
    return series.str.strip().str.casefold()


def _typed_value(value: str, ctype: str, column: str, today: date) -> object:
    try:
        if ctype in ("int", "number"):
            return parse_number(value)
        if ctype in ("date", "datetime"):
            return pd.Timestamp(parse_date(value, today))
    except ValueError as exc:
        raise ProblemError(COLUMN, f"column {column!r} compares as {ctype}: {exc}") from None
    return value.strip().casefold()


def check_values(scope: Scope, template: WorkbookTemplate, today: date) -> None:
    """Raise ProblemError if a value cannot be read as its column's type."""
    tab = template.require(scope.tab)
    for cond in scope.conditions:
        column = tab.column(cond.column)
        assert column is not None
        for value in cond.values:
            _typed_value(value, column.type, cond.column, today)


def _compare(typed: pd.Series, op: str, value: object) -> pd.Series:
    if op == "=":
        return typed == value
    if op == "!=":
        return typed != value
    if op == "<":
        return typed < value
    if op == "<=":
        return typed <= value
    if op == ">":
        return typed > value
    return typed >= value


def select(scope: Scope, frame: pd.DataFrame, template: WorkbookTemplate, today: date) -> pd.Series:
    """A boolean mask over ``frame`` (the scope's tab, all text) of the rows in scope."""
    tab = template.require(scope.tab)
    mask = pd.Series(True, index=frame.index)
    for cond in scope.conditions:
        column = tab.column(cond.column)
        assert column is not None
        raw = frame[column.name].fillna("").astype(str) if column.name in frame else None
        if raw is None:
            raise ProblemError(COLUMN, f"tab {tab.name} has no column {column.name!r} in the sheet")
        if cond.op == "selected":
            mask &= raw.str.strip().str.casefold().isin(TRUE_TEXT)
            continue
        if cond.op in ("is blank", "not blank"):
            blank = raw.str.strip() == ""
            mask &= blank if cond.op == "is blank" else ~blank
            continue
        typed = _typed(raw, column.type, today)
        values = [_typed_value(v, column.type, column.name, today) for v in cond.values]
        if cond.op in ("in", "not in"):
            hit = typed.isin(values)
            mask &= hit if cond.op == "in" else ~hit & (raw.str.strip() != "")
            continue
        mask &= _compare(typed, cond.op, values[0]).fillna(False).astype(bool)
    return mask
