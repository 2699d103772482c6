"""The notifier seam: the console (default) and Slack (slack.py), with a persistent outbox."""

from __future__ import annotations

from bot.abc import Notifier, StateStore
from bot.config import Config


def open_notifier(config: Config, state: StateStore) -> Notifier:
    """The console (``[slack] mode = "console"``), else Slack with SLACK_BOT_TOKEN."""
    if config.slack.mode == "console":
        from bot.notify.console import ConsoleNotifier

        return ConsoleNotifier()
    from bot.notify.outbox import Outbox
    from bot.notify.slack import SlackNotifier
    from bot.slack.client import make_client
    from bot.slack.env import secrets_for

    secrets = secrets_for(config.slack.mode, listening=False)
    client = make_client(secrets.bot_token, config.slack.endpoint)
    return SlackNotifier(client, Outbox(state), config.slack.channel, state)
