"""The outbox: every Slack message is recorded before it is sent and marked sent (with its
``ts``) after, under a unique key. A message that could not be sent stays pending and is sent
later, once; a key already sent is never sent again.

It lives in the state store, so with PostgreSQL every instance shares it: a message left
pending by an instance that died is sent by the one that takes over.
"""

from __future__ import annotations

import threading
from datetime import UTC

from bot.abc import Clock, StateStore
from bot.clock import SystemClock
from bot.structures import DROPPED, FAILED, PENDING, SENT
from bot.structures import OutboxEntry as Entry

__all__ = ["DROPPED", "FAILED", "PENDING", "SENT", "Entry", "Outbox"]


class Outbox:
    """The outbox in ``state`` (which its opener closes), one call at a time; times from
    ``clock`` (default the system's), kept in UTC."""

    def __init__(self, state: StateStore, clock: Clock | None = None) -> None:
        self.state = state
        self.clock = clock or SystemClock()
        self._lock = threading.Lock()

    def _now(self) -> str:
        return self.clock.now().astimezone(UTC).isoformat(timespec="seconds")

    def record(self, entry: Entry) -> Entry:
        """Keep ``entry`` unless its key is known; return what the outbox holds for the key."""
        with self._lock:
            return self.state.outbox_record(entry, self._now())

    def get(self, key: str) -> Entry | None:
        with self._lock:
            return self.state.outbox_entry(key)

    def pending(self) -> list[Entry]:
        """Messages not sent yet, oldest first."""
        with self._lock:
            return self.state.outbox_entries(PENDING)

    def attempt(self, key: str) -> None:
        """Note that a send is about to be tried (before the request leaves)."""
        with self._lock:
            self.state.outbox_attempt(key)

    def mark_sent(self, key: str, ts: str, channel_id: str) -> None:
        with self._lock:
            self.state.outbox_sent(key, ts, channel_id, self._now())

    def mark_error(self, key: str, error: str, state: str = PENDING) -> None:
        """Keep the last error; ``state`` FAILED or DROPPED ends the message's life."""
        with self._lock:
            self.state.outbox_error(key, error, state)

    def channel_id(self, channel: str) -> str:
        """The ID Slack gave ``channel`` (a name or ID) in an earlier answer, else ``""``."""
        with self._lock:
            return self.state.outbox_channel_id(channel)

    def sent_as(self, ts: str) -> Entry | None:
        """The message Slack accepted with ``ts``."""
        with self._lock:
            return self.state.outbox_sent_as(ts)

    def entries(self) -> list[Entry]:
        """Every message, oldest first."""
        with self._lock:
            return self.state.outbox_entries()
