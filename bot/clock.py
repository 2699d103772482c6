"""The clock seam: the only place that reads the wall clock. ``SystemClock`` is real time in
a time zone (the district's); ``LocalClock`` is the machine's (the CLI before a district is
configured); ``FixedClock`` is the fake beside them (tests also use time-machine)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.abc import Clock


class SystemClock(Clock):
    def __init__(self, timezone: str = "UTC") -> None:
        self.zone = ZoneInfo(timezone)

    def now(self) -> datetime:
        return datetime.now(self.zone)


class LocalClock(Clock):
    """Real time in the machine's own time zone."""

    def now(self) -> datetime:
        return datetime.now().astimezone()


class FixedClock(Clock):
    """Always ``at`` (timezone-aware) until moved."""

    def __init__(self, at: datetime) -> None:
        self.at = _aware(at)

    def now(self) -> datetime:
        return self.at

    def move_to(self, at: datetime) -> None:
        self.at = _aware(at)

    def advance(self, delta: timedelta) -> None:
        self.at += delta


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a clock's time must carry its time zone, not {at.isoformat()}")
    return at
