"""The PostgreSQL state store's tables (SQLAlchemy Core), the same as SQLite's (the outbox
numbers its rows in ``seq``, where SQLite has its rowid); they carry no schema:
``PostgresState`` maps them into the district's."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)

metadata = MetaData()


def _text(name: str) -> Column[str]:
    return Column(name, Text, nullable=False, server_default="")


runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("step_id", Text, nullable=False),
    Column("fingerprint", Text, nullable=False),
    Column("state", Text, nullable=False),
    _text("status"),
    _text("result"),
    _text("started"),
    _text("finished"),
    Column("reset", Integer, nullable=False, server_default="0"),
    _text("inputs"),
    Index("runs_step", "step_id"),
)
ledger = Table(
    "ledger",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    *(
        Column(name, Text, nullable=False)
        for name in (
            "step_id",
            "record_id",
            "action",
            "kind",
            "outcome",
            "message",
            "lms_status",
            "at",
        )
    ),
    Column("logged", Integer, nullable=False, server_default="0"),
    _text("by"),
    Index("ledger_step", "step_id", "outcome"),
    Index("ledger_unlogged", "logged"),
)
approval_requests = Table(
    "approval_requests",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    *(
        Column(name, Text, nullable=False)
        for name in ("step_id", "fingerprint", "summary", "owner", "requested_at")
    ),
    _text("thread"),
)
decisions = Table(
    "decisions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    *(
        Column(name, Text, nullable=False)
        for name in ("step_id", "fingerprint", "decision", "by", "reason", "at")
    ),
)
snapshots = Table(
    "snapshots",
    metadata,
    Column("step_id", Text, primary_key=True),
    Column("record_id", Text, primary_key=True),
    Column("system", Text, nullable=False),
    Column("kind", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("data", Text, nullable=False),
)
cycles_table = Table(
    "cycles",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("started", Text),
    Column("finished", Text),
    Column("summary", Text),
)
leases = Table(
    "leases",
    metadata,
    Column("name", Text, primary_key=True),
    Column("holder", Text, nullable=False),
    Column("acquired", DateTime(timezone=True), nullable=False),
    Column("expires", DateTime(timezone=True), nullable=False),
)
claims = Table(
    "slack_seen",
    metadata,
    Column("key", Text, primary_key=True),
    Column("at", Text, nullable=False),
)
outbox = Table(
    "outbox",
    metadata,
    Column("key", Text, primary_key=True),
    *(Column(name, Text, nullable=False) for name in ("kind", "step_id", "channel", "thread")),
    Column("text", Text, nullable=False),
    Column("blocks", Text, nullable=False),
    Column("state", Text, nullable=False, server_default="pending"),
    _text("ts"),
    _text("channel_id"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    _text("error"),
    Column("created", Text, nullable=False),
    _text("sent_at"),
    Column("seq", BigInteger, Identity(), nullable=False, unique=True),
    Index("outbox_state", "state"),
    Index("outbox_ts", "ts"),
)
REQUEST_COLUMNS = (
    approval_requests.c.step_id,
    approval_requests.c.fingerprint,
    approval_requests.c.summary,
    approval_requests.c.owner,
    approval_requests.c.requested_at,
    approval_requests.c.thread,
)
OUTCOME_COLUMNS = (
    ledger.c.step_id,
    ledger.c.record_id,
    ledger.c.action,
    ledger.c.kind,
    ledger.c.outcome,
    ledger.c.message,
    ledger.c.lms_status,
    ledger.c.at,
    ledger.c.seq,
    ledger.c.by,
)
ENTRY_COLUMNS = (
    outbox.c.key,
    outbox.c.kind,
    outbox.c.step_id,
    outbox.c.channel,
    outbox.c.thread,
    outbox.c.text,
    outbox.c.blocks,
    outbox.c.state,
    outbox.c.ts,
    outbox.c.channel_id,
    outbox.c.attempts,
    outbox.c.error,
)
