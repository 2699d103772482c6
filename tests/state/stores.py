"""How to open a state store under test, in this process or a spawned one, and the races each
of two processes runs: for a lease, a claim, an approval request, an outbox key, a snapshot."""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from sqlalchemy import event

from bot.abc import StateStore
from bot.state.base import SqlBase
from bot.state.postgres import PostgresState
from bot.state.sqlite import SqliteState
from bot.structures import ApprovalRequest, OutboxEntry, Outcome, SnapshotRecord

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


def approval_race(spec: StoreSpec, holder: str, rounds: int, barrier: Barrier) -> list[bool]:
    """Each round, once both racers are at the barrier: request approval of the same plan of
    the round's step. Returns whether each request was the one recorded."""
    store = spec.open()
    recorded = []
    try:
        for number in range(rounds):
            barrier.wait(timeout=60)
            request = ApprovalRequest(f"S-{number:03}", "fp", f"by {holder}", holder, "t")
            recorded.append(store.request_approval(request))
    finally:
        store.close()
    return recorded


def outbox_race(spec: StoreSpec, holder: str, rounds: int, barrier: Barrier) -> list[str]:
    """Each round, once both racers are at the barrier: record a message under the round's
    key, each with its own text. Returns the text the outbox answered with."""
    store = spec.open()
    answers = []
    try:
        for number in range(rounds):
            barrier.wait(timeout=60)
            entry = OutboxEntry(f"digest:{number}", "digest", "", "rollover", "", holder)
            answers.append(store.outbox_record(entry, "t").text)
    finally:
        store.close()
    return answers


def snapshot_race(spec: StoreSpec, holder: str, rounds: int, barrier: Barrier) -> list[int]:
    """Each round, once both racers are at the barrier: snapshot the same five records of the
    round's step, each with its own status. Returns how many each found new."""
    store = spec.open()
    counts = []
    try:
        for number in range(rounds):
            barrier.wait(timeout=60)
            records = [
                SnapshotRecord("edgenuity", "students", f"st-{n}", holder, "{}") for n in range(5)
            ]
            counts.append(store.save_snapshot(f"S-{number:03}", records))
    finally:
        store.close()
    return counts


Records = tuple[str, list[Any] | str]
Racer = Callable[[StoreSpec, str, int, Barrier], list[Any]]


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


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def write_then_die(spec: StoreSpec) -> None:
    """A spawned process's entry: one write of each concern, then SIGKILL (no close, no
    clean exit) the instant the last returned."""
    store = spec.open()
    store.record_outcome(Outcome("S-001", "st-1", "archive", "students", "applied", "ok", "", "t"))
    store.request_approval(ApprovalRequest("S-002", "fp", "plan", "owner@d.org", "t"))
    store.acquire_lease("workbook", "dying", RACE_START, RACE_LEASE_SECONDS)
    store.claim(["digest:1"], "t")
    store.outbox_record(OutboxEntry("k1", "digest", "", "rollover", "", "hello"), "t")
    store.record_cycle("09:00", "09:01", "last words")
    die()


def die_inside_a_lease(spec: StoreSpec) -> None:
    """A spawned process's entry: take a lease, but die once its row is written and before
    the transaction commits."""
    store = spec.open()
    assert isinstance(store, SqlBase)

    def after(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO"):
            die()

    event.listen(store.engine, "after_cursor_execute", after)
    store.acquire_lease("workbook", "dying", RACE_START, RACE_LEASE_SECONDS)
