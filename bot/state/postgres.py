"""The state store on PostgreSQL (``[state] url``; psycopg 3): the rules of ``SqlStore`` in one
schema per district, so that several districts share a database.

Every store method is one transaction, committed before it returns (the server's commit is
durable), so what the ledger says survives a SIGKILL the instant after. Transactions are READ
COMMITTED; a writer that reads before it decides (a lease, a claim, an approval request, ...)
first takes a transaction-level advisory lock per name it gives, so that two processes
deciding about the same thing take turns, and the second reads what the first committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.errors import StateError
from bot.state.store import SqlStore
from bot.state.tables import add_missing_columns, metadata, outbox

SCHEMA_LOCK = 7_466_937_001
"""Advisory lock key held while creating a schema, so that two bots starting at once do not
trip over each other's CREATE."""
LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))")


def redacted(url: str) -> str:
    """``url`` without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable database URL)"


class PostgresState(SqlStore):
    def __init__(self, url: str, schema: str) -> None:
        self.where = f"{redacted(url)} (schema {schema})"
        if not schema or len(schema) > 63:
            raise StateError(f"state store {self.where}: a schema name has 1 to 63 characters")
        self.schema = schema
        try:
            address = make_url(url)
            if address.drivername in ("postgresql", "postgres"):
                address = address.set(drivername="postgresql+psycopg")
            engine = create_engine(address, pool_pre_ping=True, hide_parameters=True)
        except (SQLAlchemyError, ImportError) as exc:
            raise StateError(f"cannot open state store {self.where}: {exc}") from exc
        self.engine = engine.execution_options(schema_translate_map={None: schema})
        try:
            self.create_tables()
        except StateError:
            self.engine.dispose()
            raise

    def create_tables(self) -> None:
        """The schema and its tables, those missing only (so that a role without CREATE on
        the database can use a schema made for it)."""
        exists = text("SELECT 1 FROM pg_namespace WHERE nspname = :schema")
        with self.writing() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            if conn.execute(exists, {"schema": self.schema}).first() is None:
                quoted = conn.dialect.identifier_preparer.quote_schema(self.schema)
                conn.execute(text(f"CREATE SCHEMA {quoted}"))
            metadata.create_all(conn)
            add_missing_columns(conn)

    @contextmanager
    def transaction(self, writing: bool) -> Iterator[Connection]:
        """A connection of the pool, in a READ COMMITTED transaction."""
        with self.engine.begin() as conn:
            yield conn

    @property
    def outbox_order(self) -> ColumnElement[int]:
        return outbox.c.seq

    def lock(self, conn: Connection, names: list[str]) -> None:
        """One advisory lock per name (in this schema), held until the transaction ends."""
        for name in names:
            conn.execute(LOCK, {"name": f"{self.schema}:{name}"})
