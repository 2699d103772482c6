"""Slack secrets, read from the environment only (never from the config file, never logged)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bot.errors import ConfigError

BOT_TOKEN = "SLACK_BOT_TOKEN"
APP_TOKEN = "SLACK_APP_TOKEN"
SIGNING_SECRET = "SLACK_SIGNING_SECRET"


def require_env(name: str, why: str) -> str:
    """The variable's value, or a ConfigError naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"the environment variable {name} is not set ({why})")
    return value


@dataclass(frozen=True)
class SlackSecrets:
    bot_token: str
    app_token: str = ""
    signing_secret: str = ""

    def __repr__(self) -> str:
        return "SlackSecrets(<hidden>)"


def secrets_for(mode: str, listening: bool) -> SlackSecrets:
    """The secrets ``mode`` needs: the bot token to post; to listen (``serve``), the app-level
    token in Socket Mode or the signing secret in HTTP mode."""
    bot = require_env(BOT_TOKEN, f'[slack] mode = "{mode}" posts as the bot: xoxb-...')
    app = signing = ""
    if listening and mode == "socket":
        app = require_env(APP_TOKEN, "Socket Mode connects with the app-level token: xapp-...")
    if listening and mode == "http":
        signing = require_env(SIGNING_SECRET, "HTTP mode verifies Slack's requests with it")
    return SlackSecrets(bot, app, signing)
