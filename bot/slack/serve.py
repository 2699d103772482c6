"""Slack for the service: one app connection (Socket Mode or HTTP) for every district in
Slack mode, routed to each district's approvals. The service (``bot/schedule``) adds each
district as it opens; nothing here knows the schedule."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.config import Config
from bot.errors import ConfigError, NotifierError
from bot.notify.outbox import Outbox
from bot.run.runner import CycleRunner
from bot.run.seen import Seen
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

    def add(
        self,
        key: str,
        config: Config,
        runner: CycleRunner,
        seen: Seen,
        holding: Callable[[], bool],
    ) -> SlackApprovals | None:
        """Listen for the district ``key`` (its ``config``; ``runner`` has its open services)
        while ``holding`` (its lease); None if its notifier does not listen."""
        services = runner.services
        if not services.notifier.listens or key in self.by_district:
            return self.by_district.get(key)
        client = self._client(config.slack.endpoint)
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
            config.slack.channel,
        )
        self.router.add(approvals, holding)
        self.by_district[key] = approvals
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
