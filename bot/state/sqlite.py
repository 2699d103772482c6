"""The state store on a SQLite file (the default): the rules of ``SqlStore`` over SQLAlchemy's
sqlite3 driver, set up so that its transactions are SQLite's own.

Why nothing committed is lost, nor decided twice:

* The connection is prepared by a ``connect`` event, whenever one is opened: ``journal_mode=WAL``
  (kept in the file) and ``synchronous=FULL`` (per connection: the WAL is synced to disk at
  every commit); and sqlite3's own transaction handling is switched off (``isolation_level =
  None``): left on, it BEGINs only before INSERT/UPDATE/DELETE, so a rule's reads and the
  tables' DDL would run outside its transaction.
* The ``begin`` event sends the BEGIN itself (SQLAlchemy's recipe for sqlite3 before Python
  3.12): ``BEGIN IMMEDIATE`` for a writing transaction, which takes the database's write lock
  before its first read, so what a rule read is still true when it writes, whoever else (a
  thread, a process) wants to write; plain ``BEGIN`` for a reading one, which sees one
  committed state and never blocks a writer (WAL). sqlite3 still sends COMMIT and ROLLBACK.
* Every store method is one transaction, committed before it returns: once ``record_outcome``
  (say) has returned, its row is in the WAL on disk, and a SIGKILL the instant after loses
  nothing. A process killed inside a transaction leaves only uncommitted WAL frames, which
  SQLite ignores; its locks go with it.
* One connection (``StaticPool``) serves the store's threads (a cycle, Slack listeners, the
  lease heartbeat), one transaction at a time: a transaction holds ``mutex`` from its BEGIN to
  its COMMIT, so no thread's statement lands inside another's transaction. Between processes,
  BEGIN IMMEDIATE waits (up to sqlite3's 5 seconds) for the other's COMMIT. So a lease, a
  claim or an approval request is decided by one writer at a time; ``lock`` has nothing to add.
* Tables are made, those missing, in one writing transaction (SQLite's DDL is transactional),
  so two processes opening a new file at once do not both create them.
* The ledger's INSERT (one per record a step touches) is the one write not sent through
  SQLAlchemy's execution: ``append`` runs the SQL SQLAlchemy compiled for it on the sqlite3
  connection, under ``mutex``, outside BEGIN, where SQLite makes the lone statement a
  transaction of its own, committed and synced before it returns, as before SQLAlchemy (and
  at about the same cost per record: a few microseconds more, where the sync takes hundreds).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Insert, Integer, create_engine, event, literal_column
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.ddl import CreateColumn

from bot.errors import StateError
from bot.state.store import SqlStore
from bot.state.tables import POSTGRESQL_ONLY, add_missing_columns, metadata


@compiles(CreateColumn, "sqlite")
def _without_postgresql_only(create: CreateColumn, compiler: DDLCompiler, **kw: Any) -> Any:
    """SQLite's CREATE TABLE leaves out the columns marked PostgreSQL-only."""
    if create.element.info.get(POSTGRESQL_ONLY):
        return None
    return compiler.visit_create_column(create, **kw)


def _prepare(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=WAL").close()
    dbapi_connection.execute("PRAGMA synchronous=FULL").close()


def _sqlite3(conn: Connection) -> sqlite3.Connection:
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


class SqliteState(SqlStore):
    def __init__(self, path: Path | str) -> None:
        self.where = str(path)
        self.mutex = threading.RLock()
        self.begin_with = "BEGIN"
        self.compiled: dict[tuple[Insert, tuple[str, ...]], tuple[str, list[str]]] = {}
        self.engine = create_engine(
            URL.create("sqlite", database=str(path)),
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
        event.listen(self.engine, "connect", _prepare)
        event.listen(self.engine, "begin", self._begin)
        try:
            with self.errors():
                self.conn = self.engine.connect()
            with self.writing() as conn:
                metadata.create_all(conn)
                add_missing_columns(conn)
        except StateError as exc:
            self.engine.dispose()
            raise StateError(f"cannot open {exc}") from exc.__cause__

    @contextmanager
    def transaction(self, writing: bool) -> Iterator[Connection]:
        """The one connection, this thread's until the transaction ends."""
        with self.mutex:
            self.begin_with = "BEGIN IMMEDIATE" if writing else "BEGIN"
            with self.conn.begin():
                yield self.conn

    def _begin(self, conn: Connection) -> None:
        """The ``begin`` event: BEGIN on the sqlite3 connection itself."""
        try:
            _sqlite3(conn).execute(self.begin_with).close()
        except sqlite3.Error as exc:
            raise self.failed(exc) from exc

    def append(self, statement: Insert, row: dict[str, Any]) -> None:
        """The INSERT as SQLAlchemy compiled it (once per statement and columns), run on the
        sqlite3 connection outside BEGIN: SQLite makes a lone statement a transaction of its
        own, committed (and synced) before it returns."""
        names = tuple(row)
        known = self.compiled.get((statement, names))
        if known is None:
            compiled = statement.compile(dialect=self.engine.dialect, column_keys=list(names))
            known = self.compiled[statement, names] = (str(compiled), compiled.positiontup or [])
        sql, order = known
        with self.mutex:
            try:
                _sqlite3(self.conn).execute(sql, [row[name] for name in order]).close()
            except (sqlite3.Error, SQLAlchemyError) as exc:
                raise self.failed(exc) from exc

    def lock(self, conn: Connection, names: list[str]) -> None:
        """Nothing to add: ``BEGIN IMMEDIATE`` holds the whole database's write lock."""

    @property
    def outbox_order(self) -> ColumnElement[int]:
        return literal_column("rowid", Integer)

    def close(self) -> None:
        with self.mutex:
            self.conn.close()
            super().close()
