"""The long-running bot: Slack listening (Socket Mode or HTTP), approvals applied at once,
and a poll loop running a cycle every ``[slack] poll_seconds`` and the day's digests."""

from __future__ import annotations

import logging
import threading

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackClientError

from bot.config import Config
from bot.errors import ConfigError, NotifierError, RolloverError
from bot.notify.digest import send_reminders
from bot.notify.slack import SlackNotifier
from bot.services import Services, build_services
from bot.slack.app import build_app
from bot.slack.approvals import SlackApprovals
from bot.slack.env import secrets_for
from bot.slack.http import EventsServer
from bot.slack.people import Directory
from bot.slack.runner import CycleRunner
from bot.slack.seen import Seen

log = logging.getLogger(__name__)


class SlackServer:
    """``start`` connects and catches up; ``run`` polls until ``stop``; ``close`` cleans up."""

    def __init__(self, config: Config, services: Services | None = None) -> None:
        mode = config.slack.mode
        if mode == "console":
            raise ConfigError('`serve` needs [slack] mode = "socket" or "http" (it is "console")')
        self.config = config
        self.secrets = secrets_for(mode, listening=True)
        self.services = services or build_services(config)
        notifier = self.services.notifier
        if not isinstance(notifier, SlackNotifier):
            raise ConfigError("`serve` needs the Slack notifier ([slack] mode)")
        self.notifier = notifier
        self.client = notifier.client
        self.runner = CycleRunner(self.services)
        self.directory = Directory(self.client)
        self.seen = Seen(config.state_path)
        self.stopping = threading.Event()
        self.approvals: SlackApprovals | None = None
        self.socket: SocketModeHandler | None = None
        self.http: EventsServer | None = None

    def start(self) -> SlackServer:
        """Connect to Slack, then read the threads awaiting approval."""
        try:
            bot_user = str(self.client.auth_test()["user_id"])
        except (SlackClientError, OSError) as exc:
            raise NotifierError(f"Slack auth.test failed (check SLACK_BOT_TOKEN): {exc}") from None
        self.approvals = SlackApprovals(
            self.runner,
            self.client,
            self.directory,
            self.seen,
            self.notifier.outbox,
            bot_user,
            self.config.slack.channel,
        )
        app = build_app(self.approvals, self.client, self.secrets.signing_secret)
        if self.config.slack.mode == "socket":
            self.socket = SocketModeHandler(app, self.secrets.app_token)
            self.socket.connect()
        else:
            self.http = EventsServer(app, self.config.slack.http_port).start()
        self.approvals.catch_up()
        return self

    def tick(self) -> None:
        """One poll: a cycle, then today's digests once it is digest time."""
        self.runner.run()
        now = self.services.clock.now()
        if self.config.slack.digests and now.time() >= self.config.slack.digest_time:
            with self.runner.lock:
                try:
                    send_reminders(self.services, now.date(), self.directory.mention)
                except RolloverError as exc:
                    log.error("digests failed: %s", exc)

    def run(self) -> None:
        """Poll every ``poll_seconds`` until ``stop``."""
        while not self.stopping.is_set():
            self.tick()
            self.stopping.wait(self.config.slack.poll_seconds)

    def stop(self) -> None:
        self.stopping.set()

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
        if self.http is not None:
            self.http.stop()
        with self.runner.lock:
            self.seen.close()
            self.services.close()
