"""Things done once: Slack deliveries already applied (retries and duplicate deliveries are
applied once), and each day's digests (``digest_key``).

Claims in the state store, so a restart remembers them and, on PostgreSQL, every instance
shares them: after a failover a digest is not sent again nor a delivery applied twice. An
event is known by its ``event_id`` and by its message's channel + ts (a reply read again from
``conversations.replies`` at start-up has no event_id).
"""

from __future__ import annotations

from datetime import UTC, date

from bot.abc import Clock, StateStore
from bot.clock import SystemClock


def message_key(channel: str, ts: str) -> str:
    return f"msg:{channel}:{ts}"


def event_key(event_id: str) -> str:
    return f"event:{event_id}"


def digest_key(day: date) -> str:
    return f"digest:{day.isoformat()}"


class Seen:
    """The claims in ``state`` (which its opener closes). Not under the cycle's lock: a
    delivery is claimed as it arrives, even while a cycle runs."""

    def __init__(self, state: StateStore, clock: Clock | None = None) -> None:
        self.state = state
        self.clock = clock or SystemClock()

    def known(self, key: str) -> bool:
        return self.state.claimed(key)

    def claim(self, *keys: str) -> bool:
        """True, once: when none of ``keys`` was claimed before (all are claimed now)."""
        wanted = [k for k in keys if k]
        if not wanted:
            return True
        at = self.clock.now().astimezone(UTC).isoformat(timespec="seconds")
        return self.state.claim(wanted, at)
