"""The mock LMS's persistence: records, IDs ever used, settings, and the history of changes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pandas as pd

from bot.abc import Clock
from bot.bulk import gc_paused
from bot.clock import SystemClock

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    system TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
    status TEXT NOT NULL, data TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (system, kind, id));
CREATE TABLE IF NOT EXISTS ever (
    system TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (system, kind, id));
CREATE TABLE IF NOT EXISTS settings (
    system TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (system, key));
CREATE TABLE IF NOT EXISTS history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, system TEXT, kind TEXT, id TEXT,
    action TEXT, key TEXT, before TEXT, after TEXT);
"""


class MockStore:
    """One SQLite file holding every mock system's state; ``clock`` is the LMS's own clock
    (a pause scheduled for a date takes effect on that date)."""

    def __init__(self, path: Path | str, clock: Clock | None = None) -> None:
        self.path = str(path)
        self.clock: Clock = clock or SystemClock()
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self._frames: dict[tuple[str, str], tuple[tuple[int, int], pd.DataFrame]] = {}

    def close(self) -> None:
        self.db.close()

    def today(self) -> date:
        """The LMS's date now."""
        return self.clock.now().date()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def get(self, system: str, kind: str, record_id: str) -> tuple[str, dict[str, str]] | None:
        row = self.db.execute(
            "SELECT status, data FROM records WHERE system=? AND kind=? AND id=?",
            (system, kind, record_id),
        ).fetchone()
        return None if row is None else (row[0], json.loads(row[1]))

    def put(
        self, system: str, kind: str, record_id: str, status: str, data: dict[str, str]
    ) -> None:
        self.db.execute(
            "INSERT INTO records (system, kind, id, status, data) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (system, kind, id) DO UPDATE SET status=excluded.status, "
            "data=excluded.data",
            (system, kind, record_id, status, json.dumps(data, ensure_ascii=False)),
        )
        self.db.execute(
            "INSERT OR IGNORE INTO ever (system, kind, id) VALUES (?, ?, ?)",
            (system, kind, record_id),
        )

    def ever_existed(self, system: str, kind: str, record_id: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM ever WHERE system=? AND kind=? AND id=?", (system, kind, record_id)
        ).fetchone()
        return row is not None

    def count(self, system: str, kind: str) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) FROM records WHERE system=? AND kind=?", (system, kind)
        ).fetchone()
        return int(row[0])

    def frame(self, system: str, kind: str) -> pd.DataFrame:
        """Every record of a kind: ``id``, ``status`` and its fields.

        Kept until the file changes: ``data_version`` moves when another connection (process)
        commits, ``total_changes`` when this one writes, so a copy of the kept frame is
        returned only while neither has moved."""
        version = (self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes)
        kept = self._frames.get((system, kind))
        if kept is not None and kept[0] == version:
            return kept[1].copy()
        frame = self._read_frame(system, kind)
        self._frames[(system, kind)] = (version, frame)
        return frame.copy()

    @gc_paused
    def _read_frame(self, system: str, kind: str) -> pd.DataFrame:
        """JSON decoded in one go and columns built directly: a list of dicts is slow for
        pandas at 100,000 records."""
        rows = self.db.execute(
            "SELECT id, status, data FROM records WHERE system=? AND kind=? ORDER BY id",
            (system, kind),
        ).fetchall()
        if not rows:
            return pd.DataFrame({"id": [], "status": []}, dtype=object)
        fields = json.loads("[" + ",".join(r[2] for r in rows) + "]")
        names: dict[str, None] = {}
        for record in fields:
            if record.keys() - names.keys():
                names.update(dict.fromkeys(record))
        columns: dict[str, list[object]] = {
            "id": [r[0] for r in rows],
            "status": [r[1] for r in rows],
        }
        for name in names:
            columns[name] = [record.get(name) for record in fields]
        return pd.DataFrame(columns, dtype=object)

    def setting(self, system: str, key: str, default: str = "") -> str:
        row = self.db.execute(
            "SELECT value FROM settings WHERE system=? AND key=?", (system, key)
        ).fetchone()
        return default if row is None else str(row[0])

    def settings(self, system: str) -> dict[str, str]:
        rows = self.db.execute("SELECT key, value FROM settings WHERE system=?", (system,))
        return dict(rows.fetchall())

    def set_setting(self, system: str, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO settings (system, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (system, key) DO UPDATE SET value=excluded.value",
            (system, key, value),
        )

    def log(
        self, system: str, kind: str, record_id: str, action: str, key: str, before: str, after: str
    ) -> None:
        self.db.execute(
            "INSERT INTO history (system, kind, id, action, key, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (system, kind, record_id, action, key, before, after),
        )

    def changes(self, system: str, leaving_out: tuple[str, ...] = ()) -> int:
        """How many changes ``system`` has taken, those to kinds in ``leaving_out`` (its
        settings) not counted: a number that moves whenever one of its records changes."""
        marks = ", ".join("?" for _ in leaving_out) or "''"
        row = self.db.execute(
            f"SELECT COUNT(*) FROM history WHERE system=? AND kind NOT IN ({marks})",
            (system, *leaving_out),
        ).fetchone()
        return int(row[0])

    def history(self, system: str | None = None) -> list[tuple[str, str, str, str, str, str]]:
        """Every change applied, oldest first: (kind, id, action, key, before, after)."""
        query = "SELECT kind, id, action, key, before, after FROM history"
        args: tuple[str, ...] = ()
        if system:
            query += " WHERE system=?"
            args = (system,)
        return [tuple(r) for r in self.db.execute(query + " ORDER BY seq", args).fetchall()]
