"""Freeze windows: the days a system refuses some of its actions (Twig Science processes no
roster data during its roster pause).

A window comes from the Calendar tab's ``pause`` rows (pause days at most a long weekend
apart make one window, the days between them included), or from a vendor's published freeze
(Twig Science: from the pause date, one business day before the rollover date, to the day
before the rollover date). A pause row whose
Name names a system (``Twig Science roster pause``) freezes that system only; one that names
none freezes every system. Only the actions the vendor refuses during a freeze are blocked
(their checks say so: ``bot.actions.freeze``). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.core.calendar import DistrictCalendar
from bot.templates import normalize_header

GAP_DAYS = 4
"""Pause rows at most this many days apart (a weekend, a long weekend) are one window."""


@dataclass(frozen=True)
class Freeze:
    system: str
    """The system frozen; blank: every system."""
    start: date
    end: date
    """The last frozen day (inclusive)."""
    source: str
    """Where the window comes from, for messages: ``Calendar: Roster pause``."""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def applies_to(self, system: str) -> bool:
        return not self.system or normalize_header(self.system) == normalize_header(system)

    def describe(self) -> str:
        """``from 2027-06-29 to 2027-06-30 (Calendar: Roster pause)``."""
        span = f"on {self.start}" if self.start == self.end else f"from {self.start} to {self.end}"
        return f"{span} ({self.source})"


def _system_named(name: str, systems: list[str]) -> str:
    folded = normalize_header(name)
    return next((s for s in systems if normalize_header(s) in folded), "")


def calendar_freezes(calendar: DistrictCalendar, systems: list[str]) -> list[Freeze]:
    """The freeze windows of the Calendar tab's district-wide ``pause`` rows."""
    rows = calendar.district_rows
    pauses = rows[rows["kind"] == "pause"]
    spans: list[Freeze] = []
    for day, name in zip(pauses["day"], pauses["name"], strict=True):
        system = _system_named(str(name), systems)
        last = spans[-1] if spans else None
        if last is not None and last.system == system and (day - last.end).days <= GAP_DAYS:
            spans[-1] = replace(last, end=day)
        else:
            spans.append(Freeze(system, day, day, f"Calendar: {name or 'pause'}"))
    return spans


def freeze_on(freezes: list[Freeze], system: str, day: date) -> Freeze | None:
    """The first window freezing ``system`` on ``day``."""
    return next((f for f in freezes if f.applies_to(system) and f.covers(day)), None)
