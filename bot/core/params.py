"""Parameters: ``key=value; key=value``, checked against what the action declares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.core.problems import Problem
from bot.core.values import TRUE_TEXT, DateAnchors, parse_date, parse_number, shown

COLUMN = "Parameters"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
FALSE_TEXT = frozenset({"false", "no", "n", "0", "off", ""})


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str = "text"  # text | date | int | number | bool | choice | id
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


def _key(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", raw.strip().casefold())


def parse_parameters(text: str) -> tuple[dict[str, str], list[Problem]]:
    """Split ``key=value; ...`` into a dict; every malformed part is a problem."""
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for part in str(text or "").split(";"):
        if not part.strip():
            continue
        key, eq, value = part.partition("=")
        key = _key(key)
        if not eq:
            problems.append(Problem(COLUMN, f"{shown(part.strip())} is not key=value"))
        elif not _KEY.match(key):
            problems.append(Problem(COLUMN, f"{shown(key)} is not a parameter name"))
        elif key in values:
            problems.append(Problem(COLUMN, f"{shown(key, quote=False)} is given twice"))
        else:
            values[key] = value.strip()
    return values, problems


def typed_value(spec: ParamSpec, raw: str, today: date | DateAnchors) -> object:
    """The value of one parameter as its declared type; raises ValueError with the reason.
    A date may be relative (``today+7d``; ``rollover-1bd`` when ``today`` is anchors)."""
    if spec.type == "date":
        return parse_date(raw, today)
    if spec.type == "int":
        number = parse_number(raw)
        if number != int(number):
            raise ValueError(f"not a whole number: {shown(raw)}")
        return int(number)
    if spec.type == "number":
        return parse_number(raw)
    if spec.type == "bool":
        folded = raw.strip().casefold()
        if folded in TRUE_TEXT:
            return True
        if folded in FALSE_TEXT:
            return False
        raise ValueError(f"not yes or no: {shown(raw)}")
    if spec.type == "choice":
        for choice in spec.choices:
            if raw.strip().casefold() == choice.casefold():
                return choice
        raise ValueError(f"{shown(raw)} is not one of {', '.join(spec.choices)}")
    return raw


def check_parameters(
    values: dict[str, str], specs: tuple[ParamSpec, ...], today: date | DateAnchors
) -> tuple[dict[str, object], list[Problem]]:
    """Type every parameter; report unknown, missing and ill-typed ones."""
    known = {s.name: s for s in specs}
    typed: dict[str, object] = {}
    problems: list[Problem] = []
    for key, raw in values.items():
        spec = known.get(key)
        if spec is None:
            expected = ", ".join(known) or "none"
            problems.append(
                Problem(COLUMN, f"unknown parameter {shown(key)} (expected: {expected})")
            )
            continue
        try:
            typed[key] = typed_value(spec, raw, today)
        except ValueError as exc:
            problems.append(Problem(COLUMN, f"{key}: {exc}"))
    for spec in specs:
        if spec.required and spec.name not in values:
            problems.append(Problem(COLUMN, f"{spec.name} is required ({spec.help or spec.type})"))
    return typed, problems


def canonical_parameters(values: dict[str, str]) -> str:
    return "; ".join(f"{k}={values[k]}" for k in sorted(values))
