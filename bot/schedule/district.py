"""One district as the service runs it: its services, cycles, lease, digests and outbox.

Every job is guarded: an error is logged with the district's name and kept in ``error``, and
never reaches the scheduler or another district. A district whose services cannot be built
(a missing workbook, a state store that is down) is retried at its next poll.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from functools import partial

from bot.clock import SystemClock
from bot.config import Config
from bot.config.districts import slug
from bot.errors import RolloverError
from bot.notify.digest import send_reminders
from bot.run.runner import CycleRunner
from bot.run.seen import Seen
from bot.schedule.calendar_rules import day_rules
from bot.schedule.digest import DayRules, DigestJob
from bot.schedule.lease import LeaseKeeper
from bot.services import Services
from bot.state import open_state
from bot.wiring import build_services

log = logging.getLogger(__name__)
Hook = Callable[["District"], object]


class District:
    """``stop`` is the service's shutdown; ``halt`` also stops a running cycle after its
    record in flight when this instance loses the lease."""

    def __init__(
        self,
        config: Config,
        holder: str,
        stop: threading.Event,
        build: Callable[[Config], Services] = build_services,
    ) -> None:
        self.config = config
        self.name = config.district
        self.id = slug(config.district)
        self.holder = holder
        self.stop = stop
        self.halt = threading.Event()
        self.build = build
        self.clock = SystemClock(config.timezone)
        self.services: Services | None = None
        self.runner: CycleRunner | None = None
        self.keeper: LeaseKeeper | None = None
        self.seen: Seen | None = None
        self.digests: DigestJob | None = None
        self.error = ""
        self.acting = False
        self.on_acquire: list[Hook] = []
        self.on_open: list[Hook] = []
        self.wake: Callable[[], None] = lambda: None
        self._open_lock = threading.Lock()

    def open(self) -> bool:
        """Build what the district needs, once; False (and ``error`` set) if it cannot."""
        with self._open_lock:
            if self.runner is not None:
                return True
            try:
                keeper_state = open_state(self.config)
                services = self.build(self.config)
            except RolloverError as exc:
                self._failed("cannot start", exc)
                return False
            self.keeper = LeaseKeeper(
                keeper_state,
                f"workbook:{self.config.workbook_key}",
                self.holder,
                self.config.schedule.lease_seconds,
                self.clock,
            )
            self.services = services
            self.runner = CycleRunner(services, self.halt)
            self.seen = Seen(services.state, self.clock)
            self.digests = DigestJob(self.config, self.seen, self._rules, self._send_digests)
            self.error = ""
        for hook in self.on_open:
            hook(self)
        return True

    def poll(self) -> None:
        """A cycle, if this instance holds the lease. On taking the lease, the approvals sent
        meanwhile are read first, and a digest missed while no one held it is sent after."""
        if self.stop.is_set() or not self.open():
            return
        assert self.runner is not None
        if not self._hold():
            return
        first = not self.acting
        if first:
            self.acting = True
            for hook in self.on_acquire:
                self._guard("catch-up", partial(hook, self))
        self._guard("cycle", self.runner.run)
        if first:
            self.digest()

    def heartbeat(self) -> None:
        """Renew the lease (or take it when free); taking it wakes the poll at once."""
        if self.stop.is_set() or not self.open():
            return
        before = self.keeper is not None and self.keeper.held
        if self._hold() and not before:
            self.wake()

    def digest(self) -> None:
        if self.digests is None or not self._holding():
            return
        digests = self.digests
        self._guard("digest", lambda: digests.run(self.clock.now()))

    def flush(self) -> None:
        if self.runner is None or not self._holding():
            return
        self._guard("outbox", self.runner.flush)

    def close(self) -> None:
        """Release the lease and close what was opened (after the scheduler stopped)."""
        if self.keeper is not None:
            self._guard("release", self.keeper.release)
            self.keeper.state.close()
        if self.runner is not None:
            with self.runner.lock:
                if self.services is not None:
                    self.services.close()

    def _holding(self) -> bool:
        return self.keeper is not None and self.keeper.held

    def _hold(self) -> bool:
        assert self.keeper is not None
        keeper = self.keeper
        held = False

        def take() -> None:
            nonlocal held
            held = keeper.hold()

        self._guard("lease", take)
        if not held:
            self.acting = False
            self.halt.set()
        elif not self.stop.is_set():
            self.halt.clear()
        return held

    def _rules(self) -> DayRules:
        assert self.services is not None
        return day_rules(self.config, self.services.workbook, self.clock.now().date())

    def _send_digests(self, local: datetime) -> int:
        assert self.services is not None and self.runner is not None
        with self.runner.lock:
            return send_reminders(self.services, local.date(), self.services.notifier.mention)

    def _guard(self, what: str, work: Callable[[], object]) -> None:
        try:
            work()
        except RolloverError as exc:
            self._failed(f"{what} failed", exc)
        except Exception as exc:
            log.exception("%s: %s failed", self.name, what)
            self.error = f"{what} failed: {exc}"

    def _failed(self, what: str, exc: Exception) -> None:
        self.error = f"{what}: {exc}"
        log.error("%s: %s", self.name, self.error)
