"""The clock seam: real time in the district's time zone (tests use time-machine)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.abc import Clock


class SystemClock(Clock):
    def __init__(self, timezone: str = "UTC") -> None:
        self.zone = ZoneInfo(timezone)

    def now(self) -> datetime:
        return datetime.now(self.zone)
