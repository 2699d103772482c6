"""The outbox: every Slack message is recorded before it is sent and marked sent (with its
``ts``) after, under a unique key. A message that could not be sent stays pending and is sent
later, once; a key already sent is never sent again.

It is a table in the state store's SQLite file, opened with its own connection.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.errors import StateError

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY, kind TEXT NOT NULL, step_id TEXT NOT NULL, channel TEXT NOT NULL,
    thread TEXT NOT NULL, text TEXT NOT NULL, blocks TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', ts TEXT NOT NULL DEFAULT '',
    channel_id TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, sent_at TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state);
CREATE INDEX IF NOT EXISTS outbox_ts ON outbox (ts);
"""
PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"
COLUMNS = (
    "key, kind, step_id, channel, thread, text, blocks, state, ts, channel_id, attempts, error"
)


@dataclass(frozen=True)
class Entry:
    """One message as the outbox keeps it (``blocks`` as Block Kit dicts)."""

    key: str
    kind: str
    step_id: str
    channel: str
    thread: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    state: str = PENDING
    ts: str = ""
    channel_id: str = ""
    attempts: int = 0
    error: str = ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Outbox:
    def __init__(self, path: Path | str) -> None:
        self._lock = threading.Lock()
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout=10000")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise StateError(f"cannot open the outbox in {path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def _one(self, where: str, args: tuple[object, ...]) -> Entry | None:
        row = self.db.execute(f"SELECT {COLUMNS} FROM outbox WHERE {where}", args).fetchone()
        return None if row is None else _entry(row)

    def record(self, entry: Entry) -> Entry:
        """Keep ``entry`` unless its key is known; return what the outbox holds for the key."""
        with self._lock:
            self.db.execute(
                "INSERT OR IGNORE INTO outbox (key, kind, step_id, channel, thread, text, blocks, "
                "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.key,
                    entry.kind,
                    entry.step_id,
                    entry.channel,
                    entry.thread,
                    entry.text,
                    json.dumps(entry.blocks),
                    _now(),
                ),
            )
            found = self._one("key=?", (entry.key,))
        assert found is not None
        return found

    def get(self, key: str) -> Entry | None:
        with self._lock:
            return self._one("key=?", (key,))

    def pending(self) -> list[Entry]:
        """Messages not sent yet, oldest first."""
        with self._lock:
            rows = self.db.execute(
                f"SELECT {COLUMNS} FROM outbox WHERE state=? ORDER BY rowid", (PENDING,)
            ).fetchall()
        return [_entry(r) for r in rows]

    def attempt(self, key: str) -> None:
        """Note that a send is about to be tried (before the request leaves)."""
        with self._lock:
            self.db.execute("UPDATE outbox SET attempts=attempts+1 WHERE key=?", (key,))

    def mark_sent(self, key: str, ts: str, channel_id: str) -> None:
        with self._lock:
            self.db.execute(
                "UPDATE outbox SET state=?, ts=?, channel_id=?, sent_at=?, error='' WHERE key=?",
                (SENT, ts, channel_id, _now(), key),
            )

    def mark_error(self, key: str, error: str, state: str = PENDING) -> None:
        """Keep the last error; ``state`` FAILED or DROPPED ends the message's life."""
        with self._lock:
            self.db.execute("UPDATE outbox SET error=?, state=? WHERE key=?", (error, state, key))

    def channel_id(self, channel: str) -> str:
        """The ID Slack gave ``channel`` (a name or ID) in an earlier answer, else ``""``."""
        with self._lock:
            row = self.db.execute(
                "SELECT channel_id FROM outbox WHERE channel=? AND channel_id != '' "
                "ORDER BY rowid DESC LIMIT 1",
                (channel,),
            ).fetchone()
        return "" if row is None else str(row[0])

    def sent_as(self, ts: str) -> Entry | None:
        """The message Slack accepted with ``ts``."""
        with self._lock:
            return self._one("ts=? AND state=?", (ts, SENT))

    def entries(self) -> list[Entry]:
        """Every message, oldest first."""
        with self._lock:
            rows = self.db.execute(f"SELECT {COLUMNS} FROM outbox ORDER BY rowid").fetchall()
        return [_entry(r) for r in rows]


def _entry(row: tuple[Any, ...]) -> Entry:
    values = list(row)
    values[6] = json.loads(values[6] or "[]")
    return Entry(*values)
