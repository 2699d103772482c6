"""The daily digests: at ``[schedule] digest_time`` in the district's time zone, on school
days, never in quiet hours, once a day. A digest missed while the bot was down is sent when it
returns, if it is still the same school day and not quiet hours."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.core.wording import count
from bot.run.seen import Seen, digest_key

log = logging.getLogger(__name__)


class DayRules(Protocol):
    """What the district calendar says about a moment."""

    def in_quiet_hours(self, moment: datetime) -> bool: ...

    def digest_allowed(self, moment: datetime) -> bool: ...


class DigestJob:
    """``run(now)`` sends today's digests if they are due and not sent yet; returns why not."""

    def __init__(
        self,
        config: Config,
        seen: Seen,
        rules: Callable[[], DayRules],
        send: Callable[[datetime], int],
    ) -> None:
        self.config = config
        self.zone = ZoneInfo(config.timezone)
        self.seen = seen
        self.rules = rules
        self.send = send

    def run(self, now: datetime) -> str:
        local = now.astimezone(self.zone)
        key = digest_key(local.date())
        if not self.config.slack.digests:
            outcome = "digests are off"
        elif local.time() < self.config.schedule.digest_time:
            outcome = "not yet digest time"
        elif self.seen.known(key):
            outcome = "already sent today"
        else:
            outcome = self._send(local, key)
        log.info("%s: digest %s: %s", self.config.district, f"{local:%Y-%m-%d %H:%M}", outcome)
        return outcome

    def _send(self, local: datetime, key: str) -> str:
        rules = self.rules()
        if rules.in_quiet_hours(local):
            return "quiet hours"
        if not rules.digest_allowed(local):
            return "not a school day"
        sent = self.send(local)
        self.seen.claim(key)
        return f"sent {count(sent, 'message')}"
