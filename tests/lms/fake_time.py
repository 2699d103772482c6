"""A clock that moves only when something waits on it: the HTTP adapters' rate limiter and
retries run on it, and the waits they would have slept are recorded (nothing sleeps)."""

from __future__ import annotations

import threading


class FakeTime:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.waits: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
            self.now += max(0.0, seconds)
