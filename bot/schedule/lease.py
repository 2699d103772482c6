"""One instance acts on a workbook at a time: a lease in the state store, renewed by a
heartbeat, that expires when its holder dies so another instance can take over. A holder on
this machine whose process is gone is taken over at once (see ``holders``)."""

from __future__ import annotations

import logging
import threading

from bot.abc import Clock, StateStore
from bot.schedule.holders import instance_name, is_gone
from bot.structures import Lease

__all__ = ["LeaseKeeper", "instance_name"]

log = logging.getLogger(__name__)


class LeaseKeeper:
    """Takes and renews one lease; ``held`` says whether this instance may act.

    Give it a state store of its own (its own connection): the heartbeat runs beside a cycle.
    """

    def __init__(
        self, state: StateStore, name: str, holder: str, seconds: float, clock: Clock
    ) -> None:
        self.state = state
        self.name = name
        self.holder = holder
        self.seconds = seconds
        self.clock = clock
        self.held = False
        self.current: Lease | None = None
        self._lock = threading.Lock()
        self._told = ""

    def hold(self) -> bool:
        """Take the lease, or renew it; True while this instance holds it."""
        with self._lock:
            try:
                lease = self._acquire()
            except BaseException:
                self.held = False
                raise
            mine = lease.holder == self.holder
            if mine and not self.held:
                log.info("took the lease on %s as %s", self.name, self.holder)
            elif not mine and self.held:
                log.warning("lost the lease on %s to %s", self.name, lease.holder)
            if not mine and self._told != lease.holder:
                log.info(
                    "waiting: the lease on %s is held by %s until %s",
                    self.name,
                    lease.holder,
                    lease.expires.isoformat(timespec="seconds"),
                )
            self._told = "" if mine else lease.holder
            self.held = mine
            self.current = lease
            return mine

    def _acquire(self) -> Lease:
        """Take or renew the lease; a holder whose process is gone is replaced at once."""
        lease = self.state.acquire_lease(self.name, self.holder, self.clock.now(), self.seconds)
        gone = lease.holder
        if gone == self.holder or not is_gone(gone):
            return lease
        if self.state.release_lease(self.name, gone):
            log.warning(
                "took over the lease on %s from %s: that process is no longer running",
                self.name,
                gone,
            )
        return self.state.acquire_lease(self.name, self.holder, self.clock.now(), self.seconds)

    def release(self) -> None:
        """Give the lease up (shutdown), so another instance need not wait for it to expire."""
        with self._lock:
            if self.held and self.state.release_lease(self.name, self.holder):
                log.info("released the lease on %s", self.name)
            self.held = False
