"""Cycles, one at a time: the poll loop and an approval share one lock, so two cycles never
overlap and nothing else touches the services while one runs."""

from __future__ import annotations

import logging
import threading

from bot.cycle import Cycle, CycleReport
from bot.errors import RolloverError
from bot.services import Services

log = logging.getLogger(__name__)


class CycleRunner:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.lock = threading.RLock()
        self._done = threading.Condition()
        self.count = 0

    def flush(self) -> None:
        """Send what the outbox still holds (messages Slack could not take earlier)."""
        flush = getattr(self.services.notifier, "flush", None)
        if flush is None:
            return
        with self.lock:
            try:
                flush()
            except RolloverError as exc:
                log.error("sending pending messages failed: %s", exc)

    def run(self) -> CycleReport | None:
        """One cycle; an error is logged, never raised (the next poll tries again)."""
        with self.lock:
            self.flush()
            try:
                report: CycleReport | None = Cycle(self.services).run()
            except RolloverError as exc:
                log.error("cycle failed: %s", exc)
                report = None
        with self._done:
            self.count += 1
            self._done.notify_all()
        return report

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        """Block until ``count`` cycles have finished (tests)."""
        with self._done:
            if not self._done.wait_for(lambda: self.count >= count, timeout):
                raise TimeoutError(f"{count} cycle(s) not finished within {timeout}s")
