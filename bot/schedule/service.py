"""``rollover-bot serve``: every district's jobs on one APScheduler, Slack when configured,
until SIGTERM or SIGINT; then the record in flight finishes, the leases are released, and
the process exits 0."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Self

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from bot.config import Config
from bot.errors import ConfigError
from bot.schedule.district import District
from bot.schedule.jobs import add_jobs
from bot.schedule.lease import instance_name
from bot.services import Services
from bot.wiring import build_services

if TYPE_CHECKING:
    from bot.slack.serve import SlackListener

log = logging.getLogger(__name__)


def background_scheduler(districts: int) -> BackgroundScheduler:
    """Threads enough for each district's cycle and heartbeat to run side by side."""
    return BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=2 * districts + 2)},
        timezone="UTC",
    )


class Service:
    """``start`` opens the districts and connects to Slack; ``run`` blocks until ``stop``;
    ``close`` finishes what runs, releases the leases and closes everything."""

    def __init__(
        self,
        configs: list[Config],
        build: Callable[[Config], Services] | None = None,
        scheduler: BaseScheduler | None = None,
        holder: str = "",
    ) -> None:
        if not configs:
            raise ConfigError("no district to serve")
        self.stopping = threading.Event()
        self.holder = holder or instance_name()
        chosen = build or build_services
        self.districts = [District(c, self.holder, self.stopping, chosen) for c in configs]
        self.scheduler = scheduler or background_scheduler(len(configs))
        self.listener: SlackListener | None = None
        if any(c.slack.mode != "console" for c in configs):
            from bot.slack.serve import SlackListener

            self.listener = SlackListener(configs)
        self.started = False

    def start(self) -> Self:
        """Open each district (one that fails is retried at its polls), take the leases that
        are free, connect to Slack, and schedule the jobs (the first cycles at once)."""
        for district in self.districts:
            if self.listener is not None:
                district.on_open.append(self._listen)
            if district.open():
                district.heartbeat()
            add_jobs(self.scheduler, district)
        self.started = True
        return self

    def _listen(self, district: District) -> None:
        """Route ``district``'s approval threads to Slack; each time it takes the lease, the
        replies sent meanwhile are read."""
        runner, seen, listener = district.runner, district.seen, self.listener
        if runner is None or seen is None or listener is None:
            return
        if district.id in listener.by_district:
            return

        def holding() -> bool:
            return district.keeper is not None and district.keeper.held

        approvals = listener.add(district.id, district.config, runner, seen, holding)
        if approvals is not None:
            district.on_acquire.append(lambda d: approvals.catch_up())

    def run(self) -> None:
        """Run the jobs until ``stop``."""
        if not self.started:
            self.start()
        self.scheduler.start()
        self.stopping.wait()

    def stop(self) -> None:
        self.stopping.set()

    def close(self) -> None:
        """Wait for running jobs (a cycle stops after its record in flight), release the
        leases, close Slack and the districts."""
        self.stopping.set()
        for district in self.districts:
            district.halt.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.listener is not None:
            self.listener.close()
        for district in self.districts:
            district.close()

    def where(self) -> str:
        return "the console" if self.listener is None else self.listener.where()
