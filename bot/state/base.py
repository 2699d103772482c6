"""What the store's rules need of a database: a transaction to read in, one to write in that
first takes named locks, and the engine's errors as ``StateError``. Each engine
(``bot/state/sqlite.py``, ``bot/state/postgres.py``) says how in a few lines."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import StateError


class SqlBase(ABC):
    """Transactions over SQLAlchemy Core. A rule that reads and then writes (take a lease,
    claim keys, request an approval, ...) runs in ``writing(...)``, naming what it decides
    about, so that two processes deciding about the same thing take turns."""

    engine: Engine
    where: str
    """The store, for messages (no password)."""

    @abstractmethod
    def transaction(self, writing: bool) -> AbstractContextManager[Connection]:
        """A connection in a new transaction (a writing one, or one that only reads), committed
        when the block ends, rolled back if it raises."""

    @abstractmethod
    def lock(self, conn: Connection, names: list[str]) -> None:
        """Hold ``names`` (sorted, so two writers never wait on each other in a circle) until
        ``conn``'s transaction ends, against every other writer naming any of them."""

    @property
    @abstractmethod
    def outbox_order(self) -> ColumnElement[int]:
        """The outbox's rows in the order they were added."""

    def append(self, statement: Insert, row: dict[str, Any]) -> None:
        """Insert one row, in a transaction of its own, committed before this returns. The
        store's hottest write (one per record a step touches), which an engine may do its own
        faster way."""
        with self.writing() as conn:
            conn.execute(statement, row)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """One transaction that sees one state of the store."""
        with self.errors(), self.transaction(writing=False) as conn:
            yield conn

    @contextmanager
    def writing(self, *locks: str) -> Iterator[Connection]:
        """One transaction holding ``locks``, committed (durably) before this returns."""
        with self.errors(), self.transaction(writing=True) as conn:
            if locks:
                self.lock(conn, sorted(set(locks)))
            yield conn

    @contextmanager
    def errors(self) -> Iterator[None]:
        """The database's errors as ``StateError`` naming the store."""
        try:
            yield
        except SQLAlchemyError as exc:
            raise self.failed(getattr(exc, "orig", None) or exc) from exc

    def failed(self, error: BaseException) -> StateError:
        lines = str(error).strip().splitlines()
        reason = lines[0] if lines else type(error).__name__
        return StateError(f"state store {self.where}: {reason}")
