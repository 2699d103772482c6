"""The state store on PostgreSQL (SQLAlchemy Core, psycopg 3): the same tables and meaning
as ``SqliteState``, in one schema per district so that several districts share a database.

Every method runs in its own transaction, committed before it returns, so what the ledger
says survives a SIGKILL the instant after (the server's commit is durable). A lease is taken
by one ``INSERT ... ON CONFLICT DO UPDATE`` whose row lock makes it atomic across processes;
claims likewise by one ``INSERT ... ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    case,
    create_engine,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from bot.abc import StateStore
from bot.core.approvals import ApprovalRecord, Decision, standing
from bot.errors import StateError
from bot.state.leases import check, ends, utc
from bot.state.postgres_tables import (
    ENTRY_COLUMNS,
    OUTCOME_COLUMNS,
    REQUEST_COLUMNS,
    approval_requests,
    claims,
    cycles_table,
    decisions,
    leases,
    ledger,
    metadata,
    outbox,
    runs,
    snapshots,
)
from bot.structures import (
    SENT,
    ApprovalRequest,
    Lease,
    OutboxEntry,
    Outcome,
    Run,
    SnapshotRecord,
    outbox_entry,
)

APPLIED = ("applied", "skipped")
SCHEMA_LOCK = 7_466_937_001
ADDED_COLUMNS = (("ledger", "by"),)
"""Text columns added since their table was first made."""
"""Advisory lock key held while creating a schema, so that two bots starting at once do not
trip over each other's CREATE."""
CHUNK = 1000


class Taken(Exception):
    """A claim found a key claimed already: its transaction is rolled back."""


def redacted(url: str) -> str:
    """``url`` without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable database URL)"


class PostgresState(StateStore):
    failures = (StateError, SQLAlchemyError)

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
        with self.transaction() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            quoted = conn.dialect.identifier_preparer.quote_schema(self.schema)
            if conn.execute(exists, {"schema": self.schema}).first() is None:
                conn.execute(text(f"CREATE SCHEMA {quoted}"))
            metadata.create_all(conn)
            for table, column in ADDED_COLUMNS:  # a store made before they existed
                conn.execute(
                    text(
                        f'ALTER TABLE {quoted}.{table} ADD COLUMN IF NOT EXISTS "{column}" '
                        "TEXT NOT NULL DEFAULT ''"
                    )
                )

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction, committed on leaving; database errors become StateError."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            raise StateError(
                f"state store {self.where}: {reason[0] if reason else type(exc).__name__}"
            ) from exc

    def close(self) -> None:
        self.engine.dispose()

    def save_snapshot(self, step_id: str, records: list[SnapshotRecord]) -> int:
        if not records:
            return 0
        rows = [
            {
                "step_id": step_id,
                "record_id": r.record_id,
                "system": r.system,
                "kind": r.kind,
                "status": r.status,
                "data": r.data,
            }
            for r in records
        ]
        statement = pg_insert(snapshots).on_conflict_do_nothing().returning(snapshots.c.record_id)
        with self.transaction() as conn:
            return len(conn.execute(statement, rows).all())

    def snapshot(self, step_id: str) -> list[SnapshotRecord]:
        query = (
            select(
                snapshots.c.system,
                snapshots.c.kind,
                snapshots.c.record_id,
                snapshots.c.status,
                snapshots.c.data,
            )
            .where(snapshots.c.step_id == step_id)
            .order_by(snapshots.c.kind, snapshots.c.record_id)
        )
        with self.transaction() as conn:
            return [SnapshotRecord(*r) for r in conn.execute(query)]

    def _run_for(self, conn: Connection, step_id: str) -> Run | None:
        row = conn.execute(
            select(
                runs.c.step_id,
                runs.c.fingerprint,
                runs.c.state,
                runs.c.status,
                runs.c.result,
                runs.c.started,
                runs.c.finished,
                runs.c.inputs,
            )
            .where(runs.c.step_id == step_id, runs.c.reset == 0)
            .order_by(runs.c.id.desc())
            .limit(1)
        ).first()
        return None if row is None else Run(*row)

    def run_for(self, step_id: str) -> Run | None:
        with self.transaction() as conn:
            return self._run_for(conn, step_id)

    def start_run(self, step_id: str, fingerprint: str, at: str, inputs: str = "") -> None:
        with self.transaction() as conn:
            current = self._run_for(conn, step_id)
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
        with self.transaction() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == latest)
                .values(state="finished", status=status, result=result, finished=at)
            )

    def reset_runs(self, step_id: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                update(runs).where(runs.c.step_id == step_id, runs.c.reset == 0).values(reset=1)
            )

    def applied(self, step_id: str) -> set[str]:
        query = select(ledger.c.record_id).where(
            ledger.c.step_id == step_id, ledger.c.outcome.in_(APPLIED)
        )
        with self.transaction() as conn:
            return set(conn.execute(query).scalars())

    def record_outcome(self, outcome: Outcome) -> None:
        with self.transaction() as conn:
            conn.execute(
                insert(ledger).values(**{k: v for k, v in asdict(outcome).items() if k != "seq"})
            )

    def unlogged(self) -> list[Outcome]:
        query = select(*OUTCOME_COLUMNS).where(ledger.c.logged == 0).order_by(ledger.c.seq)
        with self.transaction() as conn:
            return [_outcome(r) for r in conn.execute(query)]

    def mark_logged(self, seqs: list[int]) -> None:
        """One transaction for the lot."""
        if not seqs:
            return
        with self.transaction() as conn:
            for start in range(0, len(seqs), CHUNK):
                chunk = seqs[start : start + CHUNK]
                conn.execute(update(ledger).where(ledger.c.seq.in_(chunk)).values(logged=1))

    def outcomes(self, step_id: str | None = None) -> list[Outcome]:
        query = select(*OUTCOME_COLUMNS).order_by(ledger.c.seq)
        if step_id:
            query = query.where(ledger.c.step_id == step_id)
        with self.transaction() as conn:
            return [_outcome(r) for r in conn.execute(query)]

    def _approval_request(self, conn: Connection, step_id: str) -> ApprovalRequest | None:
        row = conn.execute(
            select(*REQUEST_COLUMNS)
            .where(approval_requests.c.step_id == step_id)
            .order_by(approval_requests.c.seq.desc())
            .limit(1)
        ).first()
        return None if row is None else ApprovalRequest(*row)

    def request_approval(self, request: ApprovalRequest) -> bool:
        with self.transaction() as conn:
            latest = self._approval_request(conn, request.step_id)
            if latest is not None and latest.fingerprint == request.fingerprint:
                return False
            conn.execute(insert(approval_requests).values(**asdict(request)))
            return True

    def approval_request(self, step_id: str) -> ApprovalRequest | None:
        with self.transaction() as conn:
            return self._approval_request(conn, step_id)

    def set_thread(self, step_id: str, fingerprint: str, thread: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                update(approval_requests)
                .where(
                    approval_requests.c.step_id == step_id,
                    approval_requests.c.fingerprint == fingerprint,
                    approval_requests.c.thread == "",
                )
                .values(thread=thread)
            )

    def replace_thread(self, step_id: str, fingerprint: str, old: str, new: str) -> bool:
        with self.transaction() as conn:
            result = conn.execute(
                update(approval_requests)
                .where(
                    approval_requests.c.step_id == step_id,
                    approval_requests.c.fingerprint == fingerprint,
                    approval_requests.c.thread == old,
                )
                .values(thread=new)
            )
            return bool(result.rowcount)

    def step_for_thread(self, thread: str) -> str | None:
        if not thread:
            return None
        query = (
            select(approval_requests.c.step_id)
            .where(approval_requests.c.thread == thread)
            .order_by(approval_requests.c.seq.desc())
            .limit(1)
        )
        with self.transaction() as conn:
            step = conn.execute(query).scalar()
        return None if step is None else str(step)

    def awaiting_threads(self) -> list[ApprovalRequest]:
        latest = select(func.max(approval_requests.c.seq)).group_by(approval_requests.c.step_id)
        query = (
            select(*REQUEST_COLUMNS)
            .where(approval_requests.c.seq.in_(latest), approval_requests.c.thread != "")
            .order_by(approval_requests.c.seq)
        )
        with self.transaction() as conn:
            requests = [ApprovalRequest(*r) for r in conn.execute(query)]
            waiting = []
            for request in requests:
                decided = self._decision(conn, request.step_id)
                if decided is None or standing(decided, request.fingerprint) == "void":
                    waiting.append(request)
        return waiting

    def decide(self, record: ApprovalRecord) -> None:
        with self.transaction() as conn:
            conn.execute(
                insert(decisions).values(
                    step_id=record.step_id,
                    fingerprint=record.fingerprint,
                    decision=record.decision.value,
                    by=record.by,
                    reason=record.reason,
                    at=record.at,
                )
            )

    def _decision(self, conn: Connection, step_id: str) -> ApprovalRecord | None:
        row = conn.execute(
            select(
                decisions.c.step_id,
                decisions.c.fingerprint,
                decisions.c.decision,
                decisions.c.by,
                decisions.c.reason,
                decisions.c.at,
            )
            .where(decisions.c.step_id == step_id)
            .order_by(decisions.c.seq.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        return ApprovalRecord(row[0], row[1], Decision(row[2]), row[3], row[4], row[5])

    def decision(self, step_id: str) -> ApprovalRecord | None:
        with self.transaction() as conn:
            return self._decision(conn, step_id)

    def record_cycle(self, started: str, finished: str, summary: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                insert(cycles_table).values(started=started, finished=finished, summary=summary)
            )

    def cycles(self, limit: int = 10) -> list[tuple[str, str, str]]:
        query = (
            select(cycles_table.c.started, cycles_table.c.finished, cycles_table.c.summary)
            .order_by(cycles_table.c.seq.desc())
            .limit(limit)
        )
        with self.transaction() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(query)]

    def acquire_lease(self, name: str, holder: str, now: datetime, seconds: float) -> Lease:
        """One upsert: on conflict the row is locked, then its holder kept or replaced."""
        check(name, holder, seconds)
        wanted = pg_insert(leases).values(
            name=name, holder=holder, acquired=utc(now), expires=ends(now, seconds)
        )
        new = wanted.excluded
        mine = leases.c.holder == new.holder
        free = leases.c.expires <= new.acquired
        take = or_(mine, free)
        statement = wanted.on_conflict_do_update(
            index_elements=[leases.c.name],
            set_={
                "holder": case((take, new.holder), else_=leases.c.holder),
                "acquired": case(
                    (mine, leases.c.acquired), (free, new.acquired), else_=leases.c.acquired
                ),
                "expires": case((take, new.expires), else_=leases.c.expires),
            },
        ).returning(leases.c.holder, leases.c.acquired, leases.c.expires)
        with self.transaction() as conn:
            row = conn.execute(statement).one()
        return Lease(name, row[0], utc(row[1]), utc(row[2]))

    def release_lease(self, name: str, holder: str) -> bool:
        with self.transaction() as conn:
            result = conn.execute(
                delete(leases).where(and_(leases.c.name == name, leases.c.holder == holder))
            )
            return result.rowcount > 0

    def lease(self, name: str) -> Lease | None:
        query = select(leases.c.holder, leases.c.acquired, leases.c.expires).where(
            leases.c.name == name
        )
        with self.transaction() as conn:
            row = conn.execute(query).first()
        return None if row is None else Lease(name, row[0], utc(row[1]), utc(row[2]))

    def claim(self, keys: Sequence[str], at: str) -> bool:
        """One ``INSERT ... ON CONFLICT DO NOTHING`` (keys in order, so two claims never
        deadlock); a key claimed already, by a committed claim or by one that commits while
        this waits on its row, rolls the lot back."""
        wanted = sorted(set(keys))
        if not wanted:
            return True
        statement = (
            pg_insert(claims)
            .values([{"key": key, "at": at} for key in wanted])
            .on_conflict_do_nothing()
            .returning(claims.c.key)
        )
        try:
            with self.transaction() as conn:
                if len(conn.execute(statement).all()) < len(wanted):
                    raise Taken
        except Taken:
            return False
        return True

    def claimed(self, key: str) -> bool:
        with self.transaction() as conn:
            return conn.execute(select(claims.c.key).where(claims.c.key == key)).first() is not None

    def _entries(self, *where: ColumnElement[bool]) -> list[OutboxEntry]:
        query = select(*ENTRY_COLUMNS).where(*where).order_by(outbox.c.seq)
        with self.transaction() as conn:
            return [outbox_entry(*r) for r in conn.execute(query)]

    def outbox_record(self, entry: OutboxEntry, at: str) -> OutboxEntry:
        statement = (
            pg_insert(outbox)
            .values(
                key=entry.key,
                kind=entry.kind,
                step_id=entry.step_id,
                channel=entry.channel,
                thread=entry.thread,
                text=entry.text,
                blocks=json.dumps(entry.blocks),
                created=at,
            )
            .on_conflict_do_nothing()
        )
        with self.transaction() as conn:
            conn.execute(statement)
            row = conn.execute(select(*ENTRY_COLUMNS).where(outbox.c.key == entry.key)).one()
        return outbox_entry(*row)

    def outbox_entry(self, key: str) -> OutboxEntry | None:
        found = self._entries(outbox.c.key == key)
        return found[0] if found else None

    def outbox_entries(self, state: str = "") -> list[OutboxEntry]:
        return self._entries(outbox.c.state == state) if state else self._entries()

    def outbox_attempt(self, key: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                update(outbox).where(outbox.c.key == key).values(attempts=outbox.c.attempts + 1)
            )

    def outbox_sent(self, key: str, ts: str, channel_id: str, at: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                update(outbox)
                .where(outbox.c.key == key)
                .values(state=SENT, ts=ts, channel_id=channel_id, sent_at=at, error="")
            )

    def outbox_error(self, key: str, error: str, state: str) -> None:
        with self.transaction() as conn:
            conn.execute(update(outbox).where(outbox.c.key == key).values(error=error, state=state))

    def outbox_channel_id(self, channel: str) -> str:
        query = (
            select(outbox.c.channel_id)
            .where(outbox.c.channel == channel, outbox.c.channel_id != "")
            .order_by(outbox.c.seq.desc())
            .limit(1)
        )
        with self.transaction() as conn:
            found = conn.execute(query).scalar()
        return "" if found is None else str(found)

    def outbox_sent_as(self, ts: str) -> OutboxEntry | None:
        found = self._entries(outbox.c.ts == ts, outbox.c.state == SENT)
        return found[0] if found else None


def _outcome(row: Sequence[Any]) -> Outcome:
    """A ledger row (``OUTCOME_COLUMNS``) as an Outcome."""
    return Outcome(*row)
