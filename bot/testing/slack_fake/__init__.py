"""A faithful local fake of Slack: Web API, Socket Mode and signed HTTP event delivery."""

from __future__ import annotations

from bot.testing.slack_fake.fake import FakeSlack
from bot.testing.slack_fake.model import SlackError

__all__ = ["FakeSlack", "SlackError"]
