"""The state store's tables (SQLAlchemy Core), one definition for every engine.

They carry no schema: PostgreSQL maps them into the district's. Two columns differ by engine,
each said so where it is declared: lease times (``Instant``), and the outbox's ``seq``, which
PostgreSQL has and SQLite does without (its rowid numbers the rows in the same order). The
SQLite files made before these definitions have the same tables, columns and indexes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    inspect,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

POSTGRESQL_ONLY = "postgresql only"
"""``Column.info`` flag of a column SQLite's CREATE TABLE leaves out."""

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

metadata = MetaData()


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; naive times are refused (their zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"lease times must be timezone-aware, not {moment!r}")
    return moment.astimezone(UTC)


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch: an exact integer, so comparisons are exact."""
    return (utc(moment) - EPOCH) // MICROSECOND


def from_micros(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


class Instant(TypeDecorator[datetime]):
    """A timezone-aware moment: ``timestamptz`` on PostgreSQL; on SQLite, which has no time
    type, exact integer microseconds since the epoch (UTC either way when read back)."""

    impl = BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(BigInteger())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return utc(value) if dialect.name == "postgresql" else to_micros(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return utc(value) if isinstance(value, datetime) else from_micros(int(value))


def _text(name: str) -> Column[str]:
    return Column(name, Text, nullable=False, server_default="")


def _required(*names: str) -> list[Column[str]]:
    return [Column(name, Text, nullable=False) for name in names]


def _numbered(name: str) -> Column[int]:
    """An increasing row number, never reused (SQLite's AUTOINCREMENT)."""
    return Column(name, Integer, primary_key=True, autoincrement=True)


runs = Table(
    "runs",
    metadata,
    _numbered("id"),
    *_required("step_id", "fingerprint", "state"),
    _text("status"),
    _text("result"),
    _text("started"),
    _text("finished"),
    Column("reset", Integer, nullable=False, server_default=text("0")),
    _text("inputs"),
    Index("runs_step", "step_id"),
    sqlite_autoincrement=True,
)
ledger = Table(
    "ledger",
    metadata,
    _numbered("seq"),
    *_required("step_id", "record_id", "action", "kind", "outcome", "message", "lms_status", "at"),
    Column("logged", Integer, nullable=False, server_default=text("0")),
    _text("by"),
    Index("ledger_step", "step_id", "outcome"),
    Index("ledger_unlogged", "logged"),
    sqlite_autoincrement=True,
)
approval_requests = Table(
    "approval_requests",
    metadata,
    _numbered("seq"),
    *_required("step_id", "fingerprint", "summary", "owner", "requested_at"),
    _text("thread"),
    sqlite_autoincrement=True,
)
decisions = Table(
    "decisions",
    metadata,
    _numbered("seq"),
    *_required("step_id", "fingerprint", "decision", "by", "reason", "at"),
    sqlite_autoincrement=True,
)
intents = Table(
    "intents",
    metadata,
    *_required("step_id", "fingerprint", "record_id"),
    Column("after_seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("step_id", "record_id"),
)
snapshots = Table(
    "snapshots",
    metadata,
    *_required("step_id", "record_id", "system", "kind", "status", "data"),
    PrimaryKeyConstraint("step_id", "kind", "record_id"),
)
cycles = Table(
    "cycles",
    metadata,
    _numbered("seq"),
    Column("started", Text),
    Column("finished", Text),
    Column("summary", Text),
    sqlite_autoincrement=True,
)
leases = Table(
    "leases",
    metadata,
    Column("name", Text, primary_key=True),
    Column("holder", Text, nullable=False),
    Column("acquired", Instant, nullable=False),
    Column("expires", Instant, nullable=False),
)
claims = Table(
    "slack_seen",
    metadata,
    Column("key", Text, primary_key=True),
    Column("at", Text, nullable=False),
)
once_changes = Table(
    "once_changes",
    metadata,
    *_required("rollover", "system", "kind", "change", "record_id", "step_id", "target"),
    Column("applied", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("rollover", "system", "kind", "change", "record_id"),
)
baselines = Table(
    "baselines",
    metadata,
    *_required("rollover", "system", "kind"),
    Column("active", Integer, nullable=False),
    PrimaryKeyConstraint("rollover", "system", "kind"),
)
step_ids = Table("step_ids", metadata, Column("step_id", Text, primary_key=True))
outbox = Table(
    "outbox",
    metadata,
    Column("key", Text, primary_key=True),
    *_required("kind", "step_id", "channel", "thread", "text", "blocks"),
    Column("state", Text, nullable=False, server_default="pending"),
    _text("ts"),
    _text("channel_id"),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    _text("error"),
    Column("created", Text, nullable=False),
    _text("sent_at"),
    Column("seq", BigInteger, Identity(), nullable=False, info={POSTGRESQL_ONLY: True}),
    UniqueConstraint("seq").ddl_if(dialect="postgresql"),
    Index("outbox_state", "state"),
    Index("outbox_ts", "ts"),
)

RUN_COLUMNS = (
    runs.c.step_id,
    runs.c.fingerprint,
    runs.c.state,
    runs.c.status,
    runs.c.result,
    runs.c.started,
    runs.c.finished,
    runs.c.inputs,
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
SNAPSHOT_COLUMNS = (
    snapshots.c.system,
    snapshots.c.kind,
    snapshots.c.record_id,
    snapshots.c.status,
    snapshots.c.data,
)
REQUEST_COLUMNS = (
    approval_requests.c.step_id,
    approval_requests.c.fingerprint,
    approval_requests.c.summary,
    approval_requests.c.owner,
    approval_requests.c.requested_at,
    approval_requests.c.thread,
)
DECISION_COLUMNS = (
    decisions.c.step_id,
    decisions.c.fingerprint,
    decisions.c.decision,
    decisions.c.by,
    decisions.c.reason,
    decisions.c.at,
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


ADDED_COLUMNS = ((ledger, "by"),)
"""Columns added since their table was first made: a store made before gets them when it is
opened (``add_missing_columns``)."""


def add_missing_columns(conn: Connection) -> None:
    """``ALTER TABLE ... ADD COLUMN`` each of ``ADDED_COLUMNS`` the store lacks (in the
    opening transaction, which holds the store's write lock)."""
    have: dict[str, set[str]] = {}
    inspector = inspect(conn)
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
    for table, name in ADDED_COLUMNS:
        if table.name not in have:
            columns = inspector.get_columns(table.name, schema=schema)
            have[table.name] = {c["name"] for c in columns}
        if name in have[table.name]:
            continue
        column = table.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        default = getattr(column.server_default, "arg", "")
        prepare = conn.dialect.identifier_preparer
        quoted = prepare.quote_identifier(table.name)
        if schema:
            quoted = f"{prepare.quote_schema(schema)}.{quoted}"
        name_q = prepare.quote_identifier(name)
        conn.execute(
            text(f"ALTER TABLE {quoted} ADD COLUMN {name_q} {kind} NOT NULL DEFAULT '{default}'")
        )
