"""``SlackServer``: the service for one district on Slack, as `rollover-bot serve` runs it,
with handles the Slack tests drive (its district, runner, services, approvals, HTTP server)."""

from __future__ import annotations

from bot.config import Config
from bot.errors import ConfigError
from bot.run.runner import CycleRunner
from bot.schedule.district import District
from bot.schedule.service import Service
from bot.services import Services
from bot.slack.approvals import SlackApprovals
from bot.slack.http import EventsServer


class SlackServer(Service):
    """The service for one district on Slack (what the Slack tests drive)."""

    def __init__(self, config: Config, services: Services | None = None) -> None:
        if config.slack.mode == "console":
            raise ConfigError('this needs [slack] mode = "socket" or "http" (it is "console")')
        super().__init__([config], build=(lambda _: services) if services else None)
        self.config = config

    @property
    def district(self) -> District:
        return self.districts[0]

    @property
    def runner(self) -> CycleRunner:
        self.district.open()
        assert self.district.runner is not None
        return self.district.runner

    @property
    def services(self) -> Services:
        self.district.open()
        assert self.district.services is not None
        return self.district.services

    @property
    def approvals(self) -> SlackApprovals | None:
        return None if self.listener is None else self.listener.by_district.get(self.district.id)

    @property
    def http(self) -> EventsServer | None:
        return None if self.listener is None else self.listener.http

    def tick(self) -> None:
        """One poll, then the digest job (tests drive time with time-machine)."""
        self.district.poll()
        self.district.digest()
