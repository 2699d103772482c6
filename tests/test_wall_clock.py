"""Time comes from the Clock (``bot/clock.py``, ``Services.clock``): no module of ``bot/``
reads the wall clock around it, so a test can fix the time with a ``FixedClock`` or
time-machine. ``bot/testing/`` models the outside world (Slack's and Google's clocks) and may
read it; the other exceptions say why."""

from __future__ import annotations

import ast
from pathlib import Path

import bot

FORBIDDEN = {
    "datetime.datetime.now",
    "datetime.datetime.today",
    "datetime.datetime.utcnow",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "pandas.Timestamp.now",
    "pandas.Timestamp.today",
    "pandas.Timestamp.utcnow",
}
PARSED_NOW = {"pandas.Timestamp", "pandas.to_datetime", "numpy.datetime64"}
"""Constructors that read the wall clock when given the text ``now`` or ``today``."""
ALLOWED = {
    "bot/clock.py": "the clock seam: SystemClock reads the wall clock for everyone else",
    "bot/schedule/jobs.py": "APScheduler compares a job's next run time with its own wall "
    "clock, so 'run now' must be the wall clock's now",
}
EXEMPT_PACKAGE = "bot/testing/"


def _aliases(tree: ast.AST) -> dict[str, str]:
    """What each imported name stands for: ``dt`` -> ``datetime.datetime``, ``pd`` ->
    ``pandas``."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str:
    """The full name an expression like ``dt.now`` stands for, or ``""``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return ""
    return ".".join([aliases[node.id], *reversed(parts)])


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    """Each place ``source`` reads the wall clock (called or passed on): (line, name)."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Name):
            name = _dotted(node, aliases)
            if name in FORBIDDEN:
                found.add((node.lineno, name))
        if isinstance(node, ast.Call) and _dotted(node.func, aliases) in PARSED_NOW:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and first.value in ("now", "today"):
                found.add((node.lineno, f"{_dotted(node.func, aliases)}({first.value!r})"))
    return sorted(found)


def test_the_finder_sees_every_spelling_and_nothing_else() -> None:
    source = """
import datetime
import datetime as d
import time as t
import pandas as pd
from datetime import date, datetime as DT, time
from time import time as now_seconds, monotonic

datetime.datetime.now()
d.date.today()
DT.now(tz)
DT.utcnow()
date.today().isoformat()
t.time()
stamp = now_seconds
pd.Timestamp.now()
pd.Timestamp("now")
pd.to_datetime("2026-01-01")
time(7, 30)
monotonic()
self.clock.now()
clock.now().date()
DT.fromisoformat("2026-01-01")
"""
    assert [line for line, _ in wall_clock_reads(source)] == list(range(9, 18))


def test_no_module_reads_the_wall_clock_around_the_clock() -> None:
    root = Path(bot.__file__).parent.parent
    reads: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(Path(bot.__file__).parent.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        found = wall_clock_reads(path.read_text(encoding="utf-8"))
        if found and not name.startswith(EXEMPT_PACKAGE):
            reads[name] = found
    offenders = {name: found for name, found in reads.items() if name not in ALLOWED}
    assert offenders == {}, "use the Clock (Services.clock, a clock parameter) instead"
    assert set(reads) == set(ALLOWED), "an exception no longer needed: remove it from ALLOWED"
