"""Runs, the per-record ledger and the snapshots taken before destructive steps."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from bot.abc import RunsAndLedger
from bot.state.base import SqlBase
from bot.state.tables import (
    OUTCOME_COLUMNS,
    RUN_COLUMNS,
    SNAPSHOT_COLUMNS,
    intents,
    ledger,
    runs,
    snapshots,
)
from bot.structures import Outcome, Run, SnapshotRecord

APPLIED = ("applied", "skipped")
CHUNK = 1000
"""Ledger rows marked logged per statement (well under any engine's limit on parameters)."""
ADD_OUTCOME = insert(ledger)
"""Built once: the statement of the hottest write (one per record a step touches)."""


def latest_run(conn: Connection, step_id: str) -> Run | None:
    row = conn.execute(
        select(*RUN_COLUMNS)
        .where(runs.c.step_id == step_id, runs.c.reset == 0)
        .order_by(runs.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else Run(*row)


def outcome_row(outcome: Outcome) -> dict[str, str]:
    return {
        "step_id": outcome.step_id,
        "record_id": outcome.record_id,
        "action": outcome.action,
        "kind": outcome.kind,
        "outcome": outcome.outcome,
        "message": outcome.message,
        "lms_status": outcome.lms_status,
        "at": outcome.at,
        "by": outcome.by,
    }


def add_outcomes(conn: Connection, outcomes: Sequence[Outcome]) -> None:
    """The ledger rows of ``outcomes``, in order, in ``conn``'s transaction."""
    rows = [outcome_row(o) for o in outcomes]
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(ledger), rows[start : start + CHUNK])


class SqlRunsAndLedger(SqlBase, RunsAndLedger):
    def run_for(self, step_id: str) -> Run | None:
        with self.reading() as conn:
            return latest_run(conn, step_id)

    def start_run(self, step_id: str, fingerprint: str, at: str, inputs: str = "") -> None:
        with self.writing(f"run:{step_id}") as conn:
            current = latest_run(conn, step_id)
            if current and current.fingerprint == fingerprint and current.state == "running":
                return
            conn.execute(
                insert(runs).values(
                    step_id=step_id,
                    fingerprint=fingerprint,
                    state="running",
                    started=at,
                    inputs=inputs,
                )
            )

    def finish_run(self, step_id: str, fingerprint: str, status: str, result: str, at: str) -> None:
        latest = (
            select(func.max(runs.c.id))
            .where(runs.c.step_id == step_id, runs.c.fingerprint == fingerprint, runs.c.reset == 0)
            .scalar_subquery()
        )
        with self.writing() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == latest)
                .values(state="finished", status=status, result=result, finished=at)
            )

    def reset_runs(self, step_id: str) -> None:
        with self.writing() as conn:
            conn.execute(
                update(runs).where(runs.c.step_id == step_id, runs.c.reset == 0).values(reset=1)
            )

    def applied(self, step_id: str) -> set[str]:
        query = select(ledger.c.record_id).where(
            ledger.c.step_id == step_id, ledger.c.outcome.in_(APPLIED)
        )
        with self.reading() as conn:
            return set(conn.execute(query).scalars())

    def intend(self, step_id: str, fingerprint: str, record_ids: Sequence[str]) -> None:
        with self.writing(f"intents:{step_id}") as conn:
            after = conn.execute(select(func.coalesce(func.max(ledger.c.seq), 0))).scalar_one()
            conn.execute(delete(intents).where(intents.c.step_id == step_id))
            rows = [
                {"step_id": step_id, "fingerprint": fingerprint, "record_id": r, "after_seq": after}
                for r in dict.fromkeys(record_ids)
            ]
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(intents), rows[start : start + CHUNK])

    def unresolved(self, step_id: str, fingerprint: str) -> set[str]:
        meant = select(intents.c.record_id, intents.c.after_seq).where(
            intents.c.step_id == step_id, intents.c.fingerprint == fingerprint
        )
        with self.reading() as conn:
            rows = conn.execute(meant).all()
            if not rows:
                return set()
            after = min(int(seq) for _, seq in rows)
            said = select(ledger.c.record_id).where(
                ledger.c.step_id == step_id,
                ledger.c.seq > after,
                ledger.c.outcome.in_(APPLIED),
            )
            return {str(r) for r, _ in rows} - set(conn.execute(said).scalars())

    def record_outcome(self, outcome: Outcome) -> None:
        self.append(ADD_OUTCOME, outcome_row(outcome))

    def outcomes(self, step_id: str | None = None) -> list[Outcome]:
        query = select(*OUTCOME_COLUMNS).order_by(ledger.c.seq)
        if step_id:
            query = query.where(ledger.c.step_id == step_id)
        with self.reading() as conn:
            return [Outcome(*list(r)) for r in conn.execute(query)]

    def unlogged(self) -> list[Outcome]:
        query = select(*OUTCOME_COLUMNS).where(ledger.c.logged == 0).order_by(ledger.c.seq)
        with self.reading() as conn:
            return [Outcome(*list(r)) for r in conn.execute(query)]

    def mark_logged(self, seqs: list[int]) -> None:
        """One transaction for the lot (one sync to disk, not one per outcome)."""
        if not seqs:
            return
        with self.writing() as conn:
            for start in range(0, len(seqs), CHUNK):
                chunk = seqs[start : start + CHUNK]
                conn.execute(update(ledger).where(ledger.c.seq.in_(chunk)).values(logged=1))

    def save_snapshot(self, step_id: str, records: list[SnapshotRecord]) -> int:
        if not records:
            return 0
        known = select(snapshots.c.kind, snapshots.c.record_id).where(
            snapshots.c.step_id == step_id
        )
        with self.writing(f"snapshot:{step_id}") as conn:
            seen = {(kind, record_id) for kind, record_id in conn.execute(known)}
            new = []
            for record in records:
                if (record.kind, record.record_id) not in seen:
                    seen.add((record.kind, record.record_id))
                    new.append({"step_id": step_id, **vars(record)})
            if new:
                conn.execute(insert(snapshots), new)
        return len(new)

    def snapshot(self, step_id: str) -> list[SnapshotRecord]:
        query = (
            select(*SNAPSHOT_COLUMNS)
            .where(snapshots.c.step_id == step_id)
            .order_by(snapshots.c.kind, snapshots.c.record_id)
        )
        with self.reading() as conn:
            return [SnapshotRecord(*r) for r in conn.execute(query)]
