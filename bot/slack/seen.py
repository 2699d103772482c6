"""Things done once: Slack deliveries already applied (retries and duplicate deliveries are
applied once), and each day's digests (``digest_key``).

A table in the state store's SQLite file (own connection), so a restart remembers them. An
event is known by its ``event_id`` and by its message's channel + ts (a reply read again from
``conversations.replies`` at start-up has no event_id).
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

from bot.errors import StateError

SCHEMA = "CREATE TABLE IF NOT EXISTS slack_seen (key TEXT PRIMARY KEY, at TEXT NOT NULL);"


def message_key(channel: str, ts: str) -> str:
    return f"msg:{channel}:{ts}"


def event_key(event_id: str) -> str:
    return f"event:{event_id}"


def digest_key(day: date) -> str:
    return f"digest:{day.isoformat()}"


class Seen:
    def __init__(self, path: Path | str) -> None:
        self._lock = threading.Lock()
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout=10000")
            self.db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise StateError(f"cannot open the delivery log in {path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def known(self, key: str) -> bool:
        with self._lock:
            row = self.db.execute("SELECT 1 FROM slack_seen WHERE key=?", (key,)).fetchone()
        return row is not None

    def claim(self, *keys: str) -> bool:
        """True, once: when none of ``keys`` was claimed before (all are claimed now)."""
        wanted = [k for k in keys if k]
        if not wanted:
            return True
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                marks = ",".join("?" * len(wanted))
                known = self.db.execute(
                    f"SELECT COUNT(*) FROM slack_seen WHERE key IN ({marks})", wanted
                ).fetchone()[0]
                if not known:
                    self.db.executemany(
                        "INSERT INTO slack_seen (key, at) VALUES (?, ?)", [(k, at) for k in wanted]
                    )
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return not known
