"""Fake Slack server: ``python -m bot.testing.fake_slack --port P [--users FILE]``.

In-process use::

    with FakeSlack(users=[{"id": "U0ALICE0001", "email": "a@x.org", "name": "alice"}]) as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        app = App(signing_secret=slack.signing_secret, client=client,
                  token_verification_enabled=False)
        SocketModeHandler(app, slack.app_token).connect()   # Socket Mode (default)
        slack.configure_delivery("http://127.0.0.1:3000/slack/events")  # or signed HTTP
        slack.post_as_user("#rollover", "alice", "done", thread_ts=ts)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
from pathlib import Path

from bot.testing.slack_fake import FakeSlack, SlackError

__all__ = ["FakeSlack", "SlackError", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.testing.fake_slack", description="Run a local fake Slack."
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--users", type=Path, help="JSON list of {id, email, name}")
    parser.add_argument(
        "--channel", action="append", default=[], help="channel to create (repeatable)"
    )
    parser.add_argument("--signing-secret", default="fake-signing-secret")
    parser.add_argument("--bot-token", default="xoxb-fake-bot-token")
    parser.add_argument("--app-token", default="xapp-1-fake-app-token")
    parser.add_argument(
        "--request-url", help="deliver events over signed HTTP here instead of Socket Mode"
    )
    parser.add_argument(
        "--interactivity-url", help="where interactive payloads go (default: request URL)"
    )
    parser.add_argument(
        "--redeliver-after", type=float, help="retry un-acked events after N seconds"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    """Run the fake until interrupted, printing its base URL first."""
    args = _parser().parse_args(argv)
    users = json.loads(args.users.read_text(encoding="utf-8")) if args.users else []
    fake = FakeSlack(
        users,
        port=args.port,
        channels=args.channel or ["rollover"],
        signing_secret=args.signing_secret,
        bot_token=args.bot_token,
        app_token=args.app_token,
        request_url=args.request_url,
        interactivity_url=args.interactivity_url,
        redeliver_after=args.redeliver_after,
    )
    with fake:
        print(fake.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
