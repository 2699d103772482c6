"""What spans the steps of one rollover: changes made once per rollover (each record's entry
written before the LMS call, settled after it), the threshold's base, and the Step IDs given
(so a new row never gets the ID of a deleted one)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from sqlalchemy import ColumnElement, delete, insert, select, update
from sqlalchemy.engine import Connection

from bot.abc import Rollovers
from bot.core.targets import Done
from bot.state.base import SqlBase
from bot.state.tables import baselines, once_changes, step_ids
from bot.structures import OnceKey, Settlement

CHUNK = 500
"""Records per statement of a batch (well under any engine's limit on parameters)."""


def _keyed(key: OnceKey) -> tuple[ColumnElement[bool], ...]:
    c = once_changes.c
    return (
        c.rollover == key.rollover,
        c.system == key.system,
        c.kind == key.kind,
        c.change == key.change,
    )


def settle(conn: Connection, settled: Settlement) -> None:
    """Settle a batch's once-per-rollover entries in ``conn``'s transaction: applied ones
    marked so, dropped ones deleted, the others left as intended."""
    c = once_changes.c
    for records, applied in ((sorted(settled.applied), True), (sorted(settled.dropped), False)):
        for start in range(0, len(records), CHUNK):
            where = (*_keyed(settled.key), c.record_id.in_(records[start : start + CHUNK]))
            if applied:
                conn.execute(update(once_changes).where(*where).values(applied=1))
            else:
                conn.execute(delete(once_changes).where(*where))


class SqlRollovers(SqlBase, Rollovers):
    def once_entries(self, rollover: str, system: str, kind: str, change: str) -> dict[str, Done]:
        c = once_changes.c
        query = select(c.record_id, c.step_id, c.target, c.applied).where(
            c.rollover == rollover, c.system == system, c.kind == kind, c.change == change
        )
        with self.reading() as conn:
            return {
                record: Done(step, json.loads(target), bool(applied))
                for record, step, target, applied in conn.execute(query)
            }

    def intend_once(
        self,
        rollover: str,
        system: str,
        kind: str,
        change: str,
        record_id: str,
        step_id: str,
        target: Mapping[str, str],
    ) -> bool:
        c = once_changes.c
        key = (c.rollover == rollover, c.system == system, c.kind == kind, c.change == change)
        lock = f"once:{rollover}:{system}:{kind}:{change}:{record_id}"
        with self.writing(lock) as conn:
            held = conn.execute(
                select(c.step_id).where(*key, c.record_id == record_id)
            ).scalar_one_or_none()
            if held is not None:
                return bool(held == step_id)
            conn.execute(
                insert(once_changes).values(
                    rollover=rollover,
                    system=system,
                    kind=kind,
                    change=change,
                    record_id=record_id,
                    step_id=step_id,
                    target=json.dumps(dict(target), sort_keys=True),
                )
            )
            return True

    def intend_once_many(
        self, key: OnceKey, step_id: str, targets: Mapping[str, Mapping[str, str]]
    ) -> set[str]:
        c = once_changes.c
        wanted = sorted(targets)
        lock = f"once:{key.rollover}:{key.system}:{key.kind}:{key.change}"
        with self.writing(lock) as conn:
            held: dict[str, str] = {}
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                query = select(c.record_id, c.step_id).where(*_keyed(key), c.record_id.in_(chunk))
                held.update({str(r): str(s) for r, s in conn.execute(query)})
            new = [
                {
                    "rollover": key.rollover,
                    "system": key.system,
                    "kind": key.kind,
                    "change": key.change,
                    "record_id": record,
                    "step_id": step_id,
                    "target": json.dumps(dict(targets[record]), sort_keys=True),
                }
                for record in wanted
                if record not in held
            ]
            for start in range(0, len(new), CHUNK):
                conn.execute(insert(once_changes), new[start : start + CHUNK])
        return {r for r in wanted if held.get(r, step_id) == step_id}

    def settle_once(
        self, rollover: str, system: str, kind: str, change: str, record_id: str, applied: bool
    ) -> None:
        c = once_changes.c
        where = (
            c.rollover == rollover,
            c.system == system,
            c.kind == kind,
            c.change == change,
            c.record_id == record_id,
        )
        with self.writing() as conn:
            if applied:
                conn.execute(update(once_changes).where(*where).values(applied=1))
            else:
                conn.execute(delete(once_changes).where(*where))

    def drop_once(self, step_id: str) -> None:
        with self.writing() as conn:
            conn.execute(delete(once_changes).where(once_changes.c.step_id == step_id))

    def baseline(self, rollover: str, system: str, kind: str) -> int:
        c = baselines.c
        query = select(c.active).where(c.rollover == rollover, c.system == system, c.kind == kind)
        with self.reading() as conn:
            return int(conn.execute(query).scalar_one_or_none() or 0)

    def set_baseline(self, rollover: str, system: str, kind: str, count: int) -> int:
        c = baselines.c
        where = (c.rollover == rollover, c.system == system, c.kind == kind)
        with self.writing(f"baseline:{rollover}:{system}:{kind}") as conn:
            kept = conn.execute(select(c.active).where(*where)).scalar_one_or_none()
            if kept:
                return int(kept)
            conn.execute(delete(baselines).where(*where))
            conn.execute(
                insert(baselines).values(rollover=rollover, system=system, kind=kind, active=count)
            )
            return count

    def reset_baseline(self, rollover: str, system: str, kind: str, count: int) -> None:
        c = baselines.c
        where = (c.rollover == rollover, c.system == system, c.kind == kind)
        with self.writing(f"baseline:{rollover}:{system}:{kind}") as conn:
            conn.execute(delete(baselines).where(*where))
            conn.execute(
                insert(baselines).values(rollover=rollover, system=system, kind=kind, active=count)
            )

    def issued_step_ids(self) -> set[str]:
        with self.reading() as conn:
            return {str(i) for i in conn.execute(select(step_ids.c.step_id)).scalars()}

    def issue_step_ids(self, ids: Iterable[str]) -> None:
        wanted = sorted(set(ids))
        if not wanted:
            return
        with self.writing("step_ids") as conn:
            have = set(conn.execute(select(step_ids.c.step_id)).scalars())
            new = [{"step_id": i} for i in wanted if i not in have]
            if new:
                conn.execute(insert(step_ids), new)
