"""`serve` (the bot on Slack, polling the workbook) and `digest` (today's digests, once)."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import FrameType

from bot.commands.common import config_option
from bot.config import Config, load_config
from bot.notify.digest import send_reminders
from bot.notify.slack import SlackNotifier
from bot.services import build_services


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``stop`` (the poll loop finishes its cycle, then exits)."""
    previous = {}

    def handle(signum: int, frame: FrameType | None) -> None:
        logging.getLogger(__name__).info("signal %s: stopping", signum)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, handle)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def serve(config: Config) -> int:
    from bot.slack.serve import SlackServer

    server = SlackServer(config)
    try:
        with stop_on_signals(server.stopping):
            server.start()
            where = (
                "Socket Mode"
                if config.slack.mode == "socket"
                else f"HTTP on :{server.http.port if server.http else config.slack.http_port}"
                "/slack/events"
            )
            print(
                f"rollover-bot serving {config.district} on Slack ({where}); "
                f"a cycle every {config.slack.poll_seconds}s. Ctrl-C or SIGTERM stops.",
                flush=True,
            )
            server.run()
    finally:
        server.close()
    print("rollover-bot stopped.", flush=True)
    return 0


def digest(config: Config) -> int:
    services = build_services(config)
    try:
        mention = None
        if isinstance(services.notifier, SlackNotifier):
            from bot.slack.people import Directory

            mention = Directory(services.notifier.client).mention
        today = services.clock.now().date()
        count = send_reminders(services, today, mention)
    finally:
        services.close()
    print(f"{count} digest message(s) for {today:%Y-%m-%d}.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = load_config(args.config)
    if args.mode:
        config = replace(config, slack=replace(config.slack, mode=args.mode))
    return serve(config)


def _digest(args: argparse.Namespace) -> int:
    return digest(load_config(args.config))


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve_cmd = commands.add_parser(
        "serve",
        help="run the bot on Slack: approvals in threads, a cycle every poll_seconds",
        description="Listen to Slack (Socket Mode by default, or HTTP at /slack/events) for "
        "approvals, run a cycle every [slack] poll_seconds, and send the day's digests. "
        "Needs SLACK_BOT_TOKEN, and SLACK_APP_TOKEN (socket) or SLACK_SIGNING_SECRET (http).",
    )
    serve_cmd.add_argument(
        "--mode", choices=("socket", "http"), help="override [slack] mode for this run"
    )
    config_option(serve_cmd)
    serve_cmd.set_defaults(handler=_serve)

    digest_cmd = commands.add_parser(
        "digest",
        help="send today's digests once (one per owner, plus the coordinators')",
        description="Build today's reminders from the workbook and send one digest per owner "
        "(console or Slack, per [slack] mode). Each digest is sent at most once a day.",
    )
    config_option(digest_cmd)
    digest_cmd.set_defaults(handler=_digest)
