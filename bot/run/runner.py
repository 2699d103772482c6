"""Cycles, one at a time: the poll job and an approval share one lock, so two cycles never
overlap and nothing else touches the services while one runs."""

from __future__ import annotations

import logging
import threading

from bot.cycle import Cycle, CycleReport
from bot.errors import RolloverError
from bot.services import Services

log = logging.getLogger(__name__)


class CycleRunner:
    """``stop`` (shutdown) ends a running cycle after the record in flight."""

    def __init__(self, services: Services, stop: threading.Event | None = None) -> None:
        self.services = services
        self.stop = stop or threading.Event()
        self.lock = threading.RLock()
        self._done = threading.Condition()
        self.count = 0
        self.last: CycleReport | None = None

    def flush(self) -> None:
        """Send what the outbox still holds (messages Slack could not take earlier)."""
        with self.lock:
            try:
                self.services.notifier.flush()
            except RolloverError as exc:
                log.error("%s: sending pending messages failed: %s", self.district, exc)

    @property
    def district(self) -> str:
        return self.services.config.district

    def run(self) -> CycleReport | None:
        """One cycle; an error is logged, never raised (the next poll tries again)."""
        with self.lock:
            self.flush()
            report: CycleReport | None = None
            try:
                report = Cycle(self.services, stop=self.stop).run()
            except RolloverError as exc:
                log.error("%s: cycle failed: %s", self.district, exc)
            else:
                self.last = report
                executed = ", ".join(report.executed) or "nothing"
                log.info("%s: cycle: %s; executed %s", self.district, report.summary(), executed)
        with self._done:
            self.count += 1
            self._done.notify_all()
        return report

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        """Block until ``count`` cycles have finished (tests)."""
        with self._done:
            if not self._done.wait_for(lambda: self.count >= count, timeout):
                raise TimeoutError(f"{count} cycle(s) not finished within {timeout}s")
