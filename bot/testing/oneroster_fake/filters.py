"""The ``filter`` query parameter of the OneRoster REST binding.

``filter=<field><predicate>'<value>'``, at most two predicates joined by one logical operator
(``AND`` or ``OR``), as the binding allows: predicates ``=``, ``!=``, ``>``, ``>=``, ``<``,
``<=`` and ``~`` (contains). A field may be dotted (``class.sourcedId``, ``roles.role``); on a
list of objects a predicate holds if it holds for one of them. Values that both read as ISO
8601 dates or date-times compare as times (``2026-11-20T10:00:00Z`` and
``2026-11-20T10:00:00.000Z`` are the same moment); others as text.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

PREDICATE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_.]*)\s*(>=|<=|!=|=|>|<|~)\s*'([^']*)'\s*")
LOGICAL = re.compile(r"\s+(AND|OR)\s+")
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


class BadFilter(ValueError):
    """A filter the binding does not allow, or on a field the records do not have."""


@dataclass(frozen=True)
class Predicate:
    field: str
    op: str
    value: str

    def holds(self, record: dict[str, Any]) -> bool:
        return any(self._test(found) for found in _values(record, self.field.split(".")))

    def _test(self, found: Any) -> bool:
        text = (
            "" if found is None else str(found).lower() if isinstance(found, bool) else str(found)
        )
        if self.op == "~":
            return self.value.casefold() in text.casefold()
        left, right = _moment(text), _moment(self.value)
        if left is not None and right is not None:
            return COMPARE[self.op](left, right)
        return COMPARE[self.op](text, self.value)


def _values(value: Any, path: list[str]) -> list[Any]:
    if not path:
        return value if isinstance(value, list) else [value]
    if isinstance(value, list):
        return [found for item in value for found in _values(item, path)]
    if isinstance(value, dict) and path[0] in value:
        return _values(value[path[0]], path[1:])
    return []


def _moment(text: str) -> datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Filter:
    predicates: tuple[Predicate, ...]
    logical: str = "AND"

    def holds(self, record: dict[str, Any]) -> bool:
        results = (p.holds(record) for p in self.predicates)
        return all(results) if self.logical == "AND" else any(results)


def parse(text: str, fields: set[str]) -> Filter:
    """A filter on records whose top-level keys are ``fields``; BadFilter names the problem."""
    parts = LOGICAL.split(text.strip())
    predicates = []
    logicals = set(parts[1::2])
    if len(logicals) > 1:
        raise BadFilter("a filter may not mix AND and OR")
    if len(parts[0::2]) > 2:
        raise BadFilter("a filter has at most two predicates")
    for part in parts[0::2]:
        match = PREDICATE.fullmatch(part)
        if match is None:
            raise BadFilter(f"{part.strip()!r} is not <field><predicate>'<value>'")
        field, op, value = match.groups()
        if field.split(".", 1)[0] not in fields:
            raise BadFilter(f"{field!r} is not a field of these records")
        predicates.append(Predicate(field, op, value))
    return Filter(tuple(predicates), logicals.pop() if logicals else "AND")
