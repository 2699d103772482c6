"""The ``[schedule]`` section: when the bot polls, sends digests, retries Slack and renews its
lease. ``[slack] poll_seconds`` and ``[slack] digest_time``, where older configs set them, are
still read when ``[schedule]`` does not set them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from bot.config.keys import refuse_unknown
from bot.errors import ConfigError

MOVED_FROM_SLACK = ("poll_seconds", "digest_time")


@dataclass(frozen=True)
class ScheduleConfig:
    poll_seconds: int = 60
    jitter_seconds: int = 5
    digest_time: time = time(7, 30)
    outbox_retry_seconds: int = 120
    lease_seconds: int = 90

    @property
    def heartbeat_seconds(self) -> float:
        """How often the lease is renewed: three times per lease, so one missed beat is safe."""
        return self.lease_seconds / 3


def _whole(table: dict[str, object], section: str, key: str, default: int, least: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ConfigError(
            f"{section}.{key} must be a whole number of at least {least}, not {value!r}"
        )
    return value


def _time(table: dict[str, object], section: str, key: str, default: str) -> time:
    text = table.get(key, default)
    try:
        if not isinstance(text, str):
            raise ValueError(text)
        return time.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{section}.{key} must be HH:MM, not {text!r}") from None


def parse_schedule(table: dict[str, object], slack: dict[str, object]) -> ScheduleConfig:
    """``[schedule]``, every key optional; ``slack`` supplies the two keys that moved from it."""
    refuse_unknown(table, "schedule", ScheduleConfig.__dataclass_fields__)
    legacy = {k: slack[k] for k in MOVED_FROM_SLACK if k in slack and k not in table}
    merged = {**legacy, **table}

    def where(key: str) -> str:
        return "slack" if key in legacy else "schedule"

    lease = _whole(merged, "schedule", "lease_seconds", 90, 3)
    poll = _whole(merged, where("poll_seconds"), "poll_seconds", 60, 1)
    return ScheduleConfig(
        poll_seconds=poll,
        jitter_seconds=_whole(merged, "schedule", "jitter_seconds", 5, 0),
        digest_time=_time(merged, where("digest_time"), "digest_time", "07:30"),
        outbox_retry_seconds=_whole(merged, "schedule", "outbox_retry_seconds", 120, 1),
        lease_seconds=lease,
    )
