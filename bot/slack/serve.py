"""Slack for the service: one app connection (Socket Mode or HTTP) for every district in
Slack mode, routed to each district's approvals; and ``SlackServer``, the service for one
district on Slack."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.config import Config
from bot.errors import ConfigError, NotifierError
from bot.notify.outbox import Outbox
from bot.run.runner import CycleRunner
from bot.schedule.district import District
from bot.schedule.service import Service
from bot.services import Services
from bot.slack.app import build_app
from bot.slack.approvals import SlackApprovals
from bot.slack.client import make_client
from bot.slack.env import secrets_for
from bot.slack.http import EventsServer
from bot.slack.people import Directory
from bot.slack.router import Router

log = logging.getLogger(__name__)


def slack_mode(configs: list[Config]) -> str:
    """The one listening mode of the districts on Slack ("console" when none is)."""
    modes = {c.slack.mode for c in configs if c.slack.mode != "console"}
    if len(modes) > 1:
        raise ConfigError(f"the districts use different [slack] modes ({', '.join(sorted(modes))})")
    return modes.pop() if modes else "console"


class SlackListener:
    """``start`` connects; ``add`` routes a district's approval threads to it."""

    def __init__(self, configs: list[Config]) -> None:
        self.mode = slack_mode(configs)
        first = next(c for c in configs if c.slack.mode == self.mode)
        self.secrets = secrets_for(self.mode, listening=True)
        self.http_port = first.slack.http_port
        self.router = Router()
        self.by_district: dict[str, SlackApprovals] = {}
        self.client: WebClient | None = None
        self.clients: dict[str, WebClient] = {}
        self.directory: Directory | None = None
        self.bot_user = ""
        self.socket: SocketModeHandler | None = None
        self.http: EventsServer | None = None

    def add(self, district: District) -> SlackApprovals | None:
        """Listen for ``district`` (once its services are open); None if it is not on Slack."""
        services, runner, seen = district.services, district.runner, district.seen
        if services is None or runner is None or seen is None:
            return None
        if not services.notifier.listens or district.id in self.by_district:
            return self.by_district.get(district.id)
        client = self._client(district.config.slack.endpoint)
        if self.client is None:
            self._connect(client)
        assert self.directory is not None
        approvals = SlackApprovals(
            runner,
            client,
            self.directory,
            seen,
            Outbox(services.state),
            self.bot_user,
            district.config.slack.channel,
        )
        self.router.add(approvals, lambda: district.keeper is not None and district.keeper.held)
        self.by_district[district.id] = approvals
        district.on_acquire.append(lambda d: approvals.catch_up())
        return approvals

    def _client(self, endpoint: str) -> WebClient:
        """The bot's client for the Slack at ``endpoint`` (one per endpoint)."""
        if endpoint not in self.clients:
            self.clients[endpoint] = make_client(self.secrets.bot_token, endpoint)
        return self.clients[endpoint]

    def _connect(self, client: WebClient) -> None:
        try:
            self.bot_user = str(client.auth_test()["user_id"])
        except (SlackClientError, OSError) as exc:
            raise NotifierError(f"Slack auth.test failed (check SLACK_BOT_TOKEN): {exc}") from None
        self.client = client
        self.directory = Directory(client)
        app = build_app(self.router, client, self.secrets.signing_secret)
        if self.mode == "socket":
            self.socket = SocketModeHandler(app, self.secrets.app_token)
            self.socket.connect()
        else:
            self.http = EventsServer(app, self.http_port).start()

    def where(self) -> str:
        if self.mode == "socket":
            return "Slack (Socket Mode)"
        port = self.http.port if self.http else self.http_port
        return f"Slack (HTTP on :{port}/slack/events)"

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
        if self.http is not None:
            self.http.stop()


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
