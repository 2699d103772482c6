"""The state store on SQLite: runs, the per-record ledger, approvals, cycle history, leases,
claims and the Slack outbox.

Every write commits at once (autocommit, WAL, synchronous=FULL), so what the ledger says
survives a SIGKILL the instant after. Leases are taken, and claims made, in a
``BEGIN IMMEDIATE`` transaction, so two processes on one file never both hold one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from bot.abc import StateStore
from bot.core.approvals import ApprovalRecord, Decision, standing
from bot.errors import StateError
from bot.state.leases import after_acquire, from_micros, to_micros
from bot.structures import (
    SENT,
    ApprovalRequest,
    Lease,
    OutboxEntry,
    Outcome,
    Run,
    SnapshotRecord,
    outbox_entry,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, step_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    state TEXT NOT NULL, status TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '',
    started TEXT NOT NULL DEFAULT '', finished TEXT NOT NULL DEFAULT '',
    reset INTEGER NOT NULL DEFAULT 0, inputs TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS runs_step ON runs (step_id);
CREATE TABLE IF NOT EXISTS ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, step_id TEXT NOT NULL, record_id TEXT NOT NULL,
    action TEXT NOT NULL, kind TEXT NOT NULL, outcome TEXT NOT NULL, message TEXT NOT NULL,
    lms_status TEXT NOT NULL, at TEXT NOT NULL, logged INTEGER NOT NULL DEFAULT 0,
    by TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS ledger_step ON ledger (step_id, outcome);
CREATE INDEX IF NOT EXISTS ledger_unlogged ON ledger (logged);
CREATE TABLE IF NOT EXISTS approval_requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, step_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    summary TEXT NOT NULL, owner TEXT NOT NULL, requested_at TEXT NOT NULL,
    thread TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS decisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, step_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    decision TEXT NOT NULL, by TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    step_id TEXT NOT NULL, record_id TEXT NOT NULL, system TEXT NOT NULL, kind TEXT NOT NULL,
    status TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (step_id, kind, record_id));
CREATE TABLE IF NOT EXISTS cycles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT, finished TEXT, summary TEXT);
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY, holder TEXT NOT NULL,
    acquired INTEGER NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS slack_seen (key TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY, kind TEXT NOT NULL, step_id TEXT NOT NULL, channel TEXT NOT NULL,
    thread TEXT NOT NULL, text TEXT NOT NULL, blocks TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', ts TEXT NOT NULL DEFAULT '',
    channel_id TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, sent_at TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state);
CREATE INDEX IF NOT EXISTS outbox_ts ON outbox (ts);
"""
ENTRY_COLUMNS = (
    "key, kind, step_id, channel, thread, text, blocks, state, ts, channel_id, attempts, error"
)
APPLIED = ("applied", "skipped")


class SharedConnection:
    """One connection used by several threads (a cycle, Slack listeners): every statement,
    and every transaction as a whole, runs under one lock, so no thread's statement lands
    inside another thread's transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.raw = db
        self.lock = threading.RLock()

    def execute(self, sql: str, args: Sequence[object] = ()) -> sqlite3.Cursor:
        with self.lock:
            return self.raw.execute(sql, args)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> sqlite3.Cursor:
        with self.lock:
            return self.raw.executemany(sql, rows)

    def close(self) -> None:
        with self.lock:
            self.raw.close()


ADDED_COLUMNS = {"ledger": {"by": "TEXT NOT NULL DEFAULT ''"}}
"""Columns added since a table was first made: a state store made before gets them."""


def _add_missing_columns(db: sqlite3.Connection) -> None:
    for table, columns in ADDED_COLUMNS.items():
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for name, definition in columns.items():
            if name in have:
                continue
            try:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")
            except sqlite3.OperationalError as exc:
                if "duplicate column" not in str(exc):  # another process added it first
                    raise


class SqliteState(StateStore):
    failures = (StateError, sqlite3.Error)

    def __init__(self, path: Path | str) -> None:
        try:
            raw = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            raw.execute("PRAGMA journal_mode=WAL")
            raw.execute("PRAGMA synchronous=FULL")
            raw.executescript(SCHEMA)
            _add_missing_columns(raw)
        except sqlite3.Error as exc:
            raise StateError(f"cannot open state store {path}: {exc}") from exc
        self.db = SharedConnection(raw)

    def close(self) -> None:
        self.db.close()

    def save_snapshot(self, step_id: str, records: list[SnapshotRecord]) -> int:
        cursor = self.db.executemany(
            "INSERT OR IGNORE INTO snapshots (step_id, record_id, system, kind, status, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(step_id, r.record_id, r.system, r.kind, r.status, r.data) for r in records],
        )
        return max(cursor.rowcount, 0)

    def snapshot(self, step_id: str) -> list[SnapshotRecord]:
        rows = self.db.execute(
            "SELECT system, kind, record_id, status, data FROM snapshots WHERE step_id=? "
            "ORDER BY kind, record_id",
            (step_id,),
        )
        return [SnapshotRecord(*r) for r in rows.fetchall()]

    def run_for(self, step_id: str) -> Run | None:
        row = self.db.execute(
            "SELECT step_id, fingerprint, state, status, result, started, finished, inputs "
            "FROM runs "
            "WHERE step_id=? AND reset=0 ORDER BY id DESC LIMIT 1",
            (step_id,),
        ).fetchone()
        return None if row is None else Run(*row)

    def start_run(self, step_id: str, fingerprint: str, at: str, inputs: str = "") -> None:
        current = self.run_for(step_id)
        if current and current.fingerprint == fingerprint and current.state == "running":
            return
        self.db.execute(
            "INSERT INTO runs (step_id, fingerprint, state, started, inputs) "
            "VALUES (?, ?, 'running', ?, ?)",
            (step_id, fingerprint, at, inputs),
        )

    def finish_run(self, step_id: str, fingerprint: str, status: str, result: str, at: str) -> None:
        self.db.execute(
            "UPDATE runs SET state='finished', status=?, result=?, finished=? "
            "WHERE id=(SELECT MAX(id) FROM runs WHERE step_id=? AND fingerprint=? AND reset=0)",
            (status, result, at, step_id, fingerprint),
        )

    def reset_runs(self, step_id: str) -> None:
        self.db.execute("UPDATE runs SET reset=1 WHERE step_id=? AND reset=0", (step_id,))

    def applied(self, step_id: str) -> set[str]:
        rows = self.db.execute(
            "SELECT record_id FROM ledger WHERE step_id=? AND outcome IN (?, ?)",
            (step_id, *APPLIED),
        )
        return {r[0] for r in rows.fetchall()}

    def record_outcome(self, outcome: Outcome) -> None:
        self.db.execute(
            "INSERT INTO ledger (step_id, record_id, action, kind, outcome, message, lms_status, "
            "at, by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                outcome.step_id,
                outcome.record_id,
                outcome.action,
                outcome.kind,
                outcome.outcome,
                outcome.message,
                outcome.lms_status,
                outcome.at,
                outcome.by,
            ),
        )

    def unlogged(self) -> list[Outcome]:
        rows = self.db.execute(
            "SELECT step_id, record_id, action, kind, outcome, message, lms_status, at, seq, by "
            "FROM ledger WHERE logged=0 ORDER BY seq"
        )
        return [Outcome(*r) for r in rows.fetchall()]

    def mark_logged(self, seqs: list[int]) -> None:
        """One transaction for the lot (one sync to disk, not one per outcome)."""
        if not seqs:
            return
        with self.transaction():
            self.db.executemany("UPDATE ledger SET logged=1 WHERE seq=?", [(s,) for s in seqs])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (the write lock first, then the reads), one
        thread of this process at a time."""
        with self.db.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def acquire_lease(self, name: str, holder: str, now: datetime, seconds: float) -> Lease:
        try:
            with self.transaction():
                current = self.lease(name)
                wanted = after_acquire(current, name, holder, now, seconds)
                if wanted != current:
                    self.db.execute(
                        "INSERT OR REPLACE INTO leases (name, holder, acquired, expires) "
                        "VALUES (?, ?, ?, ?)",
                        (name, holder, to_micros(wanted.acquired), to_micros(wanted.expires)),
                    )
        except sqlite3.Error as exc:
            raise StateError(f"cannot take lease {name!r}: {exc}") from exc
        return wanted

    def release_lease(self, name: str, holder: str) -> bool:
        cursor = self.db.execute("DELETE FROM leases WHERE name=? AND holder=?", (name, holder))
        return cursor.rowcount > 0

    def lease(self, name: str) -> Lease | None:
        row = self.db.execute(
            "SELECT holder, acquired, expires FROM leases WHERE name=?", (name,)
        ).fetchone()
        if row is None:
            return None
        return Lease(name, row[0], from_micros(row[1]), from_micros(row[2]))

    def claim(self, keys: Sequence[str], at: str) -> bool:
        wanted = sorted(set(keys))
        if not wanted:
            return True
        marks = ",".join("?" * len(wanted))
        try:
            with self.transaction():
                known = self.db.execute(
                    f"SELECT COUNT(*) FROM slack_seen WHERE key IN ({marks})", wanted
                ).fetchone()[0]
                if not known:
                    self.db.executemany(
                        "INSERT INTO slack_seen (key, at) VALUES (?, ?)", [(k, at) for k in wanted]
                    )
        except sqlite3.Error as exc:
            raise StateError(f"cannot claim {wanted}: {exc}") from exc
        return not known

    def claimed(self, key: str) -> bool:
        row = self.db.execute("SELECT 1 FROM slack_seen WHERE key=?", (key,)).fetchone()
        return row is not None

    def _entries(self, where: str, args: tuple[object, ...] = ()) -> list[OutboxEntry]:
        rows = self.db.execute(
            f"SELECT {ENTRY_COLUMNS} FROM outbox {where} ORDER BY rowid", args
        ).fetchall()
        return [outbox_entry(*r) for r in rows]

    def outbox_record(self, entry: OutboxEntry, at: str) -> OutboxEntry:
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
                at,
            ),
        )
        found = self.outbox_entry(entry.key)
        assert found is not None
        return found

    def outbox_entry(self, key: str) -> OutboxEntry | None:
        found = self._entries("WHERE key=?", (key,))
        return found[0] if found else None

    def outbox_entries(self, state: str = "") -> list[OutboxEntry]:
        return self._entries("WHERE state=?", (state,)) if state else self._entries("")

    def outbox_attempt(self, key: str) -> None:
        self.db.execute("UPDATE outbox SET attempts=attempts+1 WHERE key=?", (key,))

    def outbox_sent(self, key: str, ts: str, channel_id: str, at: str) -> None:
        self.db.execute(
            "UPDATE outbox SET state=?, ts=?, channel_id=?, sent_at=?, error='' WHERE key=?",
            (SENT, ts, channel_id, at, key),
        )

    def outbox_error(self, key: str, error: str, state: str) -> None:
        self.db.execute("UPDATE outbox SET error=?, state=? WHERE key=?", (error, state, key))

    def outbox_channel_id(self, channel: str) -> str:
        row = self.db.execute(
            "SELECT channel_id FROM outbox WHERE channel=? AND channel_id != '' "
            "ORDER BY rowid DESC LIMIT 1",
            (channel,),
        ).fetchone()
        return "" if row is None else str(row[0])

    def outbox_sent_as(self, ts: str) -> OutboxEntry | None:
        found = self._entries("WHERE ts=? AND state=?", (ts, SENT))
        return found[0] if found else None

    def outcomes(self, step_id: str | None = None) -> list[Outcome]:
        query = (
            "SELECT step_id, record_id, action, kind, outcome, message, lms_status, at, seq, by "
            "FROM ledger"
        )
        args: tuple[str, ...] = ()
        if step_id:
            query += " WHERE step_id=?"
            args = (step_id,)
        return [Outcome(*r) for r in self.db.execute(query + " ORDER BY seq", args).fetchall()]

    def request_approval(self, request: ApprovalRequest) -> bool:
        latest = self.approval_request(request.step_id)
        if latest is not None and latest.fingerprint == request.fingerprint:
            return False
        self.db.execute(
            "INSERT INTO approval_requests (step_id, fingerprint, summary, owner, "
            "requested_at, thread) VALUES (?, ?, ?, ?, ?, ?)",
            (
                request.step_id,
                request.fingerprint,
                request.summary,
                request.owner,
                request.requested_at,
                request.thread,
            ),
        )
        return True

    def approval_request(self, step_id: str) -> ApprovalRequest | None:
        row = self.db.execute(
            "SELECT step_id, fingerprint, summary, owner, requested_at, thread "
            "FROM approval_requests WHERE step_id=? ORDER BY seq DESC LIMIT 1",
            (step_id,),
        ).fetchone()
        return None if row is None else ApprovalRequest(*row)

    def set_thread(self, step_id: str, fingerprint: str, thread: str) -> None:
        self.db.execute(
            "UPDATE approval_requests SET thread=? WHERE step_id=? AND fingerprint=? AND thread=''",
            (thread, step_id, fingerprint),
        )

    def replace_thread(self, step_id: str, fingerprint: str, old: str, new: str) -> bool:
        cursor = self.db.execute(
            "UPDATE approval_requests SET thread=? WHERE step_id=? AND fingerprint=? AND thread=?",
            (new, step_id, fingerprint, old),
        )
        return cursor.rowcount > 0

    def step_for_thread(self, thread: str) -> str | None:
        if not thread:
            return None
        row = self.db.execute(
            "SELECT step_id FROM approval_requests WHERE thread=? ORDER BY seq DESC LIMIT 1",
            (thread,),
        ).fetchone()
        return None if row is None else str(row[0])

    def awaiting_threads(self) -> list[ApprovalRequest]:
        rows = self.db.execute(
            "SELECT step_id, fingerprint, summary, owner, requested_at, thread "
            "FROM approval_requests WHERE seq IN "
            "(SELECT MAX(seq) FROM approval_requests GROUP BY step_id) AND thread != '' "
            "ORDER BY seq"
        ).fetchall()
        waiting = []
        for row in rows:
            request = ApprovalRequest(*row)
            latest = self.decision(request.step_id)
            if latest is None or standing(latest, request.fingerprint) == "void":
                waiting.append(request)
        return waiting

    def decide(self, record: ApprovalRecord) -> None:
        self.db.execute(
            "INSERT INTO decisions (step_id, fingerprint, decision, by, reason, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                record.step_id,
                record.fingerprint,
                record.decision.value,
                record.by,
                record.reason,
                record.at,
            ),
        )

    def decision(self, step_id: str) -> ApprovalRecord | None:
        row = self.db.execute(
            "SELECT step_id, fingerprint, decision, by, reason, at FROM decisions "
            "WHERE step_id=? ORDER BY seq DESC LIMIT 1",
            (step_id,),
        ).fetchone()
        if row is None:
            return None
        return ApprovalRecord(row[0], row[1], Decision(row[2]), row[3], row[4], row[5])

    def record_cycle(self, started: str, finished: str, summary: str) -> None:
        self.db.execute(
            "INSERT INTO cycles (started, finished, summary) VALUES (?, ?, ?)",
            (started, finished, summary),
        )

    def cycles(self, limit: int = 10) -> list[tuple[str, str, str]]:
        rows = self.db.execute(
            "SELECT started, finished, summary FROM cycles ORDER BY seq DESC LIMIT ?", (limit,)
        )
        return [tuple(r) for r in rows.fetchall()]
