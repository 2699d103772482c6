"""Leases (who runs a district's cycles) and claims (things done once): each read, decided
and written in one transaction that holds the lease's or the keys' lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from bot.abc import LeasesAndClaims
from bot.state.base import SqlBase
from bot.state.tables import claims, leases, utc
from bot.structures import Lease


def check(name: str, holder: str, now: datetime, seconds: float) -> None:
    """Refuse a lease without a name or holder, a naive time, or a length that is not > 0."""
    utc(now)
    if not name or not holder:
        raise ValueError("a lease needs a name and a holder")
    if not seconds > 0:
        raise ValueError(f"a lease lasts a positive number of seconds, not {seconds!r}")


def after_acquire(
    current: Lease | None, name: str, holder: str, now: datetime, seconds: float
) -> Lease:
    """The lease once ``holder`` asked for it at ``now``: renewed if theirs (keeping
    ``acquired``), taken if free or expired, else unchanged."""
    check(name, holder, now, seconds)
    now = utc(now)
    expires = now + timedelta(seconds=seconds)
    if current is not None and current.holder == holder:
        return Lease(name, holder, current.acquired, expires)
    if current is None or current.expires <= now:
        return Lease(name, holder, now, expires)
    return current


def stored_lease(conn: Connection, name: str) -> Lease | None:
    row = conn.execute(
        select(leases.c.holder, leases.c.acquired, leases.c.expires).where(leases.c.name == name)
    ).first()
    return None if row is None else Lease(name, *row)


class SqlLeasesAndClaims(SqlBase, LeasesAndClaims):
    def acquire_lease(self, name: str, holder: str, now: datetime, seconds: float) -> Lease:
        check(name, holder, now, seconds)
        with self.writing(f"lease:{name}") as conn:
            current = stored_lease(conn, name)
            wanted = after_acquire(current, name, holder, now, seconds)
            row = {"holder": wanted.holder, "acquired": wanted.acquired, "expires": wanted.expires}
            if current is None:
                conn.execute(insert(leases), {"name": name, **row})
            elif wanted != current:
                conn.execute(update(leases).where(leases.c.name == name).values(**row))
        return wanted

    def release_lease(self, name: str, holder: str) -> bool:
        with self.writing(f"lease:{name}") as conn:
            gone = conn.execute(
                delete(leases).where(leases.c.name == name, leases.c.holder == holder)
            )
            return gone.rowcount > 0

    def lease(self, name: str) -> Lease | None:
        with self.reading() as conn:
            return stored_lease(conn, name)

    def claim(self, keys: Sequence[str], at: str) -> bool:
        wanted = sorted(set(keys))
        if not wanted:
            return True
        taken = select(func.count()).select_from(claims).where(claims.c.key.in_(wanted))
        with self.writing(*(f"claim:{key}" for key in wanted)) as conn:
            if conn.execute(taken).scalar_one():
                return False
            conn.execute(insert(claims), [{"key": key, "at": at} for key in wanted])
        return True

    def claimed(self, key: str) -> bool:
        with self.reading() as conn:
            found = conn.execute(select(claims.c.key).where(claims.c.key == key)).first()
        return found is not None
