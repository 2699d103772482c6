"""`serve` (the bot as a service, for every district) and `digest` (today's digests, once)."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import FrameType

from bot import progress
from bot.commands.acting import DEFAULT_WAIT, acting, wait_option
from bot.commands.common import chosen_config, config_option, warn
from bot.config import Config, load_configs
from bot.core.wording import count
from bot.notify.digest import send_reminders
from bot.run.seen import Seen, digest_key
from bot.wiring import build_services


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``stop`` (the cycle finishes its record in flight, then exits)."""
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


def serve(configs: list[Config]) -> int:
    from bot.schedule.service import Service

    service = Service(configs)
    try:
        with stop_on_signals(service.stopping):
            service.start()
            names = ", ".join(c.district for c in configs)
            polls = ", ".join(sorted({f"{c.schedule.poll_seconds}s" for c in configs}))
            print(
                f"rollover-bot serving {names} on {service.where()} as {service.holder}; "
                f"a cycle every {polls}. Ctrl-C or SIGTERM stops.",
                flush=True,
            )
            service.run()
    finally:
        service.close()
    print("rollover-bot stopped.", flush=True)
    return 0


def digest(config: Config, force: bool = False, wait: float = DEFAULT_WAIT) -> int:
    """Send today's digests, once a day (the claim serve's digest job makes too); ``force``
    sends them again."""
    with acting(config, wait, writes=False):
        services = build_services(config)
        try:
            today = services.clock.now().date()
            seen = Seen(services.state, services.clock)
            key = digest_key(today)
            if seen.known(key) and not force:
                print(
                    f"Today's digests ({today:%Y-%m-%d}) were already sent; they go out once a "
                    "day (--force sends them again)."
                )
                return 0
            sent = send_reminders(services, today, services.notifier.mention)
            seen.claim(key)
        finally:
            services.close()
    print(f"{count(sent, 'digest message')} for {today:%Y-%m-%d}.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    progress.use(progress.Display.LOG)
    configs = [chosen_config(args)] if args.district else warn(load_configs(args.config))
    if args.mode:
        configs = [replace(c, slack=replace(c.slack, mode=args.mode)) for c in configs]
    return serve(configs)


def _digest(args: argparse.Namespace) -> int:
    return digest(chosen_config(args), args.force, args.wait)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve_cmd = commands.add_parser(
        "serve",
        help="run the bot as a service: cycles, digests, Slack approvals, for every district",
        description="Run every district of the config (or --district) on a schedule: a cycle "
        "every [schedule] poll_seconds, the digests at digest_time on school days, Slack "
        "approvals when [slack] mode is socket or http (SLACK_BOT_TOKEN, and SLACK_APP_TOKEN "
        "or SLACK_SIGNING_SECRET). One instance acts on a workbook at a time (a lease); "
        "SIGTERM or Ctrl-C finishes the record in flight and exits 0.",
    )
    serve_cmd.add_argument(
        "--mode",
        choices=("console", "socket", "http"),
        help="override [slack] mode for this run",
    )
    config_option(serve_cmd)
    serve_cmd.set_defaults(handler=_serve)

    digest_cmd = commands.add_parser(
        "digest",
        help="send today's digests once (one per owner, plus the coordinators')",
        description="Build today's reminders from the workbook and send one digest per owner "
        "(console or Slack, per [slack] mode). Each digest is sent at most once a day.",
    )
    digest_cmd.add_argument(
        "--force", action="store_true", help="send today's digests again, though already sent"
    )
    config_option(digest_cmd)
    wait_option(digest_cmd)
    digest_cmd.set_defaults(handler=_digest)
