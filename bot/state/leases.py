"""Lease rules shared by the state stores: UTC times, and what acquiring leaves behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.structures import Lease

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; naive times are refused (their zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"lease times must be timezone-aware, not {moment!r}")
    return moment.astimezone(UTC)


def check(name: str, holder: str, seconds: float) -> None:
    if not name or not holder:
        raise ValueError("a lease needs a name and a holder")
    if not seconds > 0:
        raise ValueError(f"a lease lasts a positive number of seconds, not {seconds!r}")


def ends(now: datetime, seconds: float) -> datetime:
    """When a lease taken or renewed at ``now`` for ``seconds`` expires (UTC)."""
    return utc(now) + timedelta(seconds=seconds)


def after_acquire(
    current: Lease | None, name: str, holder: str, now: datetime, seconds: float
) -> Lease:
    """The lease once ``holder`` asked for it at ``now``: renewed if theirs (keeping
    ``acquired``), taken if free or expired, else unchanged."""
    check(name, holder, seconds)
    now = utc(now)
    expires = ends(now, seconds)
    if current is not None and current.holder == holder:
        return Lease(name, holder, current.acquired, expires)
    if current is None or current.expires <= now:
        return Lease(name, holder, now, expires)
    return current


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch: an exact integer, so comparisons are exact."""
    return (utc(moment) - EPOCH) // MICROSECOND


def from_micros(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)
