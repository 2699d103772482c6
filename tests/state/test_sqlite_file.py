"""The SQLite file itself: files made before the store moved to SQLAlchemy open and keep
working, and every pooled connection runs with WAL and synchronous=FULL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.state.sqlite import SqliteState
from bot.structures import SENT, Lease, OutboxEntry, Outcome

EARLIER_SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, step_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    state TEXT NOT NULL, status TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '',
    started TEXT NOT NULL DEFAULT '', finished TEXT NOT NULL DEFAULT '',
    reset INTEGER NOT NULL DEFAULT 0, inputs TEXT NOT NULL DEFAULT '');
CREATE INDEX runs_step ON runs (step_id);
CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, step_id TEXT NOT NULL, record_id TEXT NOT NULL,
    action TEXT NOT NULL, kind TEXT NOT NULL, outcome TEXT NOT NULL, message TEXT NOT NULL,
    lms_status TEXT NOT NULL, at TEXT NOT NULL, logged INTEGER NOT NULL DEFAULT 0);
CREATE INDEX ledger_step ON ledger (step_id, outcome);
CREATE INDEX ledger_unlogged ON ledger (logged);
CREATE TABLE approval_requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, step_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    summary TEXT NOT NULL, owner TEXT NOT NULL, requested_at TEXT NOT NULL,
    thread TEXT NOT NULL DEFAULT '');
CREATE TABLE decisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, step_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    decision TEXT NOT NULL, by TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE snapshots (
    step_id TEXT NOT NULL, record_id TEXT NOT NULL, system TEXT NOT NULL, kind TEXT NOT NULL,
    status TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (step_id, kind, record_id));
CREATE TABLE cycles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT, finished TEXT, summary TEXT);
CREATE TABLE leases (
    name TEXT PRIMARY KEY, holder TEXT NOT NULL,
    acquired INTEGER NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE slack_seen (key TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE outbox (
    key TEXT PRIMARY KEY, kind TEXT NOT NULL, step_id TEXT NOT NULL, channel TEXT NOT NULL,
    thread TEXT NOT NULL, text TEXT NOT NULL, blocks TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', ts TEXT NOT NULL DEFAULT '',
    channel_id TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, sent_at TEXT NOT NULL DEFAULT '');
CREATE INDEX outbox_state ON outbox (state);
CREATE INDEX outbox_ts ON outbox (ts);
"""
"""The tables as the store made them before it moved to SQLAlchemy."""

ACQUIRED = datetime(2026, 11, 22, 9, 30, 15, 123456, tzinfo=UTC)


def earlier_file(path: Path) -> None:
    """A file from before: a step's ledger, a lease (times in microseconds since the epoch)
    and two outbox messages, the later one inserted first by key order."""
    micros = (ACQUIRED - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(EARLIER_SCHEMA)
    db.execute(
        "INSERT INTO ledger (step_id, record_id, action, kind, outcome, message, lms_status, at)"
        " VALUES ('S-001', 'st-1', 'archive', 'students', 'applied', 'ok', 'archived', 't')"
    )
    db.execute("INSERT INTO runs (step_id, fingerprint, state) VALUES ('S-001', 'fp', 'running')")
    db.execute(
        "INSERT INTO leases VALUES ('workbook', 'host-a', ?, ?)", (micros, micros + 60_000_000)
    )
    for key, channel_id in (("z-first", "C1"), ("a-second", "")):
        db.execute(
            "INSERT INTO outbox (key, kind, step_id, channel, thread, text, blocks, state, "
            "channel_id, created) VALUES (?, 'digest', '', 'rollover', '', ?, '[]', ?, ?, 't')",
            (key, key, SENT if channel_id else "pending", channel_id),
        )
    db.close()


def test_a_file_made_before_opens_and_keeps_working(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    earlier_file(path)
    store = SqliteState(path)
    try:
        assert store.applied("S-001") == {"st-1"}
        run = store.run_for("S-001")
        assert run is not None and run.fingerprint == "fp"
        lease = Lease("workbook", "host-a", ACQUIRED, ACQUIRED + timedelta(seconds=60))
        assert store.lease("workbook") == lease
        assert store.acquire_lease("workbook", "host-b", ACQUIRED, 60) == lease
        assert [e.key for e in store.outbox_entries()] == ["z-first", "a-second"]
        assert store.outbox_channel_id("rollover") == "C1"
        store.outbox_record(OutboxEntry("m-third", "digest", "", "rollover", "", "3"), "t")
        assert [e.key for e in store.outbox_entries()][-1] == "m-third"
        store.record_outcome(
            Outcome("S-001", "st-2", "archive", "students", "applied", "", "", "t")
        )
        assert [o.seq for o in store.unlogged()] == [1, 2]
    finally:
        store.close()


def test_every_connection_is_in_wal_with_full_sync(tmp_path: Path) -> None:
    """Each store has its connection (two processes would have one each): both are set up
    alike, whichever opened the file first."""
    first, second = SqliteState(tmp_path / "state.sqlite"), SqliteState(tmp_path / "state.sqlite")
    try:
        for store in (first, second):
            with store.reading() as conn:
                journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
                synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            assert (journal, synchronous) == ("wal", 2)
    finally:
        first.close()
        second.close()
