"""Scripted failures: the next N calls of a method answer 429 / 500 / 503."""

from __future__ import annotations

import threading
from dataclasses import dataclass

ERROR_BY_STATUS = {429: "ratelimited", 500: "fatal_error", 503: "service_unavailable"}


@dataclass
class Fault:
    """A planned failure for ``count`` calls of ``method`` (``None`` = any method)."""

    method: str | None
    status: int
    count: int
    retry_after: int | None = None

    @property
    def error(self) -> str:
        """The ``error`` code put in the response body."""
        return ERROR_BY_STATUS.get(self.status, "fatal_error")


class FaultPlan:
    """FIFO of planned failures, consumed one call at a time."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, method: str | None, status: int, count: int, retry_after: int | None) -> None:
        """Plan ``count`` failures with HTTP ``status`` for ``method``."""
        if status not in ERROR_BY_STATUS:
            raise ValueError(f"unsupported fault status {status}")
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(Fault(method, status, count, retry_after))

    def take(self, method: str) -> Fault | None:
        """Consume and return the first fault that applies to ``method``, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.method in (None, method):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        """Drop every planned failure."""
        with self._lock:
            self._faults.clear()
