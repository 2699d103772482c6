"""Keeping under a vendor's published rate limit, on the client's side.

The vendors count requests over a sliding window (Edgenuity: 20 requests in any second), so
a token bucket, which lets a full bucket go out at once and then refills, could send twice the
limit within one window. pyrate-limiter's sliding-window log is the vendors' own rule: at most
``requests`` in any ``seconds``. It is used through its bucket, not its ``Limiter``, whose
blocking wait sleeps with ``time.sleep`` and runs a background thread: here the wait goes
through the client's ``sleep`` (a test's records it and moves its clock instead), and the
window is widened by ``MARGIN`` so that requests sent just inside it do not arrive just
inside the vendor's after a little network delay.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pyrate_limiter import Decision, InMemoryBucket, Rate, RateItem

MARGIN = 1.1


@dataclass(frozen=True)
class Limit:
    """At most ``requests`` in any ``seconds`` (a vendor's published rate limit)."""

    requests: int
    seconds: float

    def describe(self) -> str:
        per = "second" if self.seconds == 1 else f"{self.seconds:g} seconds"
        return f"{self.requests} requests per {per}"


class RateLimiter:
    """Waits, before each request, until one more keeps under ``limit`` (shared by the
    threads of one API client)."""

    def __init__(
        self,
        limit: Limit,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self.clock = clock
        self.sleep = sleep
        window = max(1, round(limit.seconds * 1000 * MARGIN))
        self._bucket = InMemoryBucket([Rate(limit.requests, window)])
        self._lock = threading.Lock()
        self.waited = 0.0
        """Seconds waited so far (what the limit cost)."""

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = round(self.clock() * 1000)
                self._bucket.leak(now)
                decision = self._bucket.put_decision(RateItem("requests", now))
                assert isinstance(decision, Decision)
                if decision.allowed:
                    return
                wait = max(1, decision.retry_after_ms or 1) / 1000
                self.waited += wait
            self.sleep(wait)
