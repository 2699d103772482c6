"""The fake's clock: the vendors' date. The system clock's by default; a test, ``--today`` or
``POST /_fake/today`` sets a date instead. The API's answers and the mock's rules (a Twig
Science pause set ahead takes effect on its date) read the same date."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from bot.abc import Clock


class FakeToday:
    """Today for the fake: ``start`` (the system clock's date unless given) until a date is
    set; :meth:`set` with ``None`` goes back to ``start``."""

    def __init__(self, start: Callable[[], date] = date.today) -> None:
        self._start = start
        self._set: date | None = None
        self._lock = threading.Lock()

    def __call__(self) -> date:
        with self._lock:
            fixed = self._set
        return fixed if fixed is not None else self._start()

    @property
    def is_set(self) -> bool:
        with self._lock:
            return self._set is not None

    def set(self, day: date | None) -> None:
        with self._lock:
            self._set = day

    def to_json(self) -> dict[str, object]:
        return {"today": self().isoformat(), "set": self.is_set}


class StoreClock(Clock):
    """The mock store's clock on the fake's date (noon UTC: the store reads only the date)."""

    def __init__(self, today: Callable[[], date]) -> None:
        self.today = today

    def now(self) -> datetime:
        return datetime.combine(self.today(), time(12), UTC)
