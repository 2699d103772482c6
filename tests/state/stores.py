"""How to open a state store under test, in this process or a spawned one, and the lease race
and the claim race each of two processes runs."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from bot.abc import StateStore
from bot.state.sqlite import SqliteState

RACE_START = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
RACE_LEASE_SECONDS = 50.0
RACE_ROUND_SECONDS = 100.0


@dataclass(frozen=True)
class StoreSpec:
    """A SQLite file, or a PostgreSQL URL and schema."""

    kind: str
    target: str
    schema: str = ""

    def open(self) -> StateStore:
        if self.kind == "sqlite":
            return SqliteState(self.target)
        from bot.state.postgres import PostgresState

        return PostgresState(self.target, self.schema)


def race(spec: StoreSpec, holder: str, rounds: int, barrier: Barrier) -> list[tuple[str, str]]:
    """Each round, once both racers are at the barrier: ask for a fresh lease, and for the
    shared one (expired since the previous round). Returns who held each afterwards."""
    store = spec.open()
    seen = []
    try:
        for number in range(rounds):
            now = RACE_START + timedelta(seconds=number * RACE_ROUND_SECONDS)
            barrier.wait(timeout=60)
            fresh = store.acquire_lease(f"fresh:{number}", holder, now, RACE_LEASE_SECONDS)
            shared = store.acquire_lease("shared", holder, now, RACE_LEASE_SECONDS)
            seen.append((fresh.holder, shared.holder))
    finally:
        store.close()
    return seen


def claim_race(spec: StoreSpec, holder: str, rounds: int, barrier: Barrier) -> list[bool]:
    """Each round, once both racers are at the barrier: claim the round's shared key together
    with one of the racer's own. Returns whether each claim was won."""
    store = spec.open()
    won = []
    try:
        for number in range(rounds):
            barrier.wait(timeout=60)
            won.append(store.claim([f"{number}:{holder}", f"{number}:shared"], "t"))
    finally:
        store.close()
    return won


Records = tuple[str, list[tuple[str, str]] | list[bool] | str]
Racer = Callable[[StoreSpec, str, int, Barrier], list[tuple[str, str]] | list[bool]]


def race_in_child(
    spec: StoreSpec,
    holder: str,
    rounds: int,
    barrier: Barrier,
    out: Queue[Records],
    racer: Racer = race,
) -> None:
    """A spawned process's entry: ``racer``, then its records (or its traceback) sent back on
    ``out``; a failure breaks the barrier so that the other racer stops too."""
    try:
        out.put((holder, racer(spec, holder, rounds, barrier)))
    except BaseException:
        barrier.abort()
        out.put((holder, traceback.format_exc()))
