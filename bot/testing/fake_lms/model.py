"""The fake's view of the mock LMS: the same store file and the same vendor rules.

A write runs the vendor model's handler for each record inside one transaction per request,
each record in a savepoint: a record the vendor refuses leaves nothing behind, the others
stay. Every change applied is logged to the store's ``history`` table (as the in-process
mock does), which ``GET /_fake/changes`` serves. Nothing here remembers request keys: the
fake applies what it is sent, as a real API does.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bot.abc import Clock
from bot.errors import RuleViolation
from bot.lms.mock import edgenuity, renaissance, schoology, schoology_records, schoolstatus, twig
from bot.lms.mock.lms import reported_settings
from bot.lms.mock.shared import Handler, KeptChanges
from bot.lms.mock.store import MockStore
from bot.structures import Operation

HANDLERS: dict[str, dict[str, Handler]] = {
    edgenuity.SYSTEM: edgenuity.HANDLERS,
    schoolstatus.SYSTEM: schoolstatus.HANDLERS,
    twig.SYSTEM: twig.HANDLERS,
    renaissance.SYSTEM: renaissance.HANDLERS,
    schoology.SYSTEM: schoology.HANDLERS | schoology_records.HANDLERS,
}
SETTINGS_KIND = "settings"
SETTINGS_STATUS = "settings"

APPLIED, UNCHANGED, REFUSED, NOT_FOUND, FAILED = (
    "applied",
    "unchanged",
    "refused",
    "not_found",
    "failed",
)


@dataclass(frozen=True)
class Item:
    """One record of a write: its ID and the operation's parameters for it."""

    record: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What became of one record: ``outcome`` is applied, unchanged, refused, not_found or
    failed (not attempted: the server failed first); ``status`` is the record's status after;
    ``kept`` says a refusal kept the changes made before it (the vendor's partial failure)."""

    record: str
    outcome: str
    status: str
    message: str
    kept: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.record,
            "outcome": self.outcome,
            "status": self.status,
            "message": self.message,
        }
        if self.kept:
            out["changes_kept"] = True
        if self.outcome == FAILED:
            out["retryable"] = True
        return out


@dataclass(frozen=True)
class Write:
    """How a route writes: the model's action, the record kind, the noun its messages use;
    ``target`` is the status the action leads to (a record already there is ``unchanged``);
    ``must_exist`` answers ``not_found`` for an unknown record before the vendor is asked."""

    system: str
    action: str
    kind: str
    noun: str
    target: str = ""
    must_exist: bool = True


class LMSModel:
    """The store, one lock around it (the server is threaded), and writes through the
    vendors' handlers."""

    def __init__(self, path: Path | str, clock: Clock | None = None) -> None:
        """``clock``: the vendors' time, which their rules read (default: the system's)."""
        self.path = Path(path)
        self.store = MockStore(path, clock)
        self.lock = threading.RLock()

    def close(self) -> None:
        with self.lock:
            self.store.close()

    def get(self, system: str, kind: str, record: str) -> tuple[str, dict[str, str]] | None:
        with self.lock:
            return self.store.get(system, kind, record)

    def frame(self, system: str, kind: str) -> pd.DataFrame:
        with self.lock:
            return self.store.frame(system, kind)

    def settings(self, system: str) -> dict[str, str]:
        """The system's settings as it reports them today (a Twig Science pause set ahead is
        not in effect before its date)."""
        with self.lock:
            return reported_settings(self.store, system)

    def apply(
        self, write: Write, items: Sequence[Item], stop_after: int | None = None
    ) -> list[Outcome]:
        """Apply ``write`` to each item in order, in one transaction; with ``stop_after`` the
        items past that many are not attempted (``failed``: the partial-apply fault)."""
        return self.apply_each([(write, item) for item in items], stop_after)

    def apply_each(
        self, writes: Sequence[tuple[Write, Item]], stop_after: int | None = None
    ) -> list[Outcome]:
        """Like :meth:`apply`, each item with its own write."""
        outcomes = []
        with self.lock, self.store.transaction():
            for n, (write, item) in enumerate(writes):
                if stop_after is not None and n >= stop_after:
                    outcomes.append(
                        Outcome(
                            item.record,
                            FAILED,
                            "",
                            f"{write.noun} {item.record} was not applied: the server failed "
                            "part-way through the request; send it again",
                        )
                    )
                    continue
                outcomes.append(self._one(write, HANDLERS[write.system][write.action], item))
        return outcomes

    def apply_one(self, write: Write, item: Item) -> Outcome:
        return self.apply(write, [item])[0]

    def _one(self, write: Write, handler: Handler, item: Item) -> Outcome:
        store = self.store
        before = store.get(write.system, write.kind, item.record)
        if before is None and write.must_exist:
            return Outcome(
                item.record, NOT_FOUND, "", f"no {write.noun} {item.record} in {write.system}"
            )
        if before is not None and write.target and before[0] == write.target:
            return Outcome(
                item.record,
                UNCHANGED,
                before[0],
                f"{write.noun} {item.record} is already {write.target}",
            )
        op = Operation(write.system, write.action, write.kind, item.record, dict(item.params))
        settings_before = store.settings(write.system)
        state = self._fingerprint(write.system) if write.kind == SETTINGS_KIND else ""
        store.db.execute("SAVEPOINT record")
        try:
            status, message = handler(store, op)
        except KeptChanges as exc:
            self._log(op, before, settings_before)
            store.db.execute("RELEASE SAVEPOINT record")
            found = store.get(write.system, write.kind, item.record)
            return Outcome(item.record, REFUSED, found[0] if found else "", str(exc), True)
        except RuleViolation as exc:
            store.db.execute("ROLLBACK TO SAVEPOINT record")
            store.db.execute("RELEASE SAVEPOINT record")
            return Outcome(item.record, REFUSED, before[0] if before else "", str(exc))
        except BaseException:
            store.db.execute("ROLLBACK TO SAVEPOINT record")
            store.db.execute("RELEASE SAVEPOINT record")
            raise
        if state and self._fingerprint(write.system) == state:
            store.db.execute("RELEASE SAVEPOINT record")
            return Outcome(item.record, UNCHANGED, status, message)
        self._log(op, before, settings_before)
        store.db.execute("RELEASE SAVEPOINT record")
        return Outcome(item.record, APPLIED, status, message)

    def _fingerprint(self, system: str) -> str:
        """A digest of a system's settings and records: a setting's operation that leaves it
        as it was (pausing what is paused) changes nothing and is not logged."""
        digest = hashlib.sha256(json.dumps(self.store.settings(system), sort_keys=True).encode())
        rows = self.store.db.execute(
            "SELECT kind, id, status, data FROM records WHERE system=? ORDER BY kind, id", (system,)
        )
        for row in rows:
            digest.update("\x1f".join(row).encode())
        return digest.hexdigest()

    def _log(
        self, op: Operation, before: tuple[str, dict[str, str]] | None, settings: dict[str, str]
    ) -> None:
        """One history row, as the in-process mock writes it; an operation on a setting (no
        record before or after) logs the settings it changed instead."""
        store = self.store
        after = store.get(op.system, op.kind, op.record_id)
        was: object = before
        now: object = after
        if before is None and after is None:
            current = store.settings(op.system)
            changed = sorted(
                k for k in current.keys() | settings.keys() if current.get(k) != settings.get(k)
            )
            was = (
                [SETTINGS_STATUS, {k: settings[k] for k in changed if k in settings}]
                if changed
                else None
            )
            now = (
                [SETTINGS_STATUS, {k: current[k] for k in changed if k in current}]
                if changed
                else None
            )
        store.log(
            op.system,
            op.kind,
            op.record_id,
            op.action,
            f"{op.system}:{op.action}:{op.record_id}",
            json.dumps(was),
            json.dumps(now),
        )

    def changes(self, since: int = 0) -> list[dict[str, Any]]:
        """Every change applied to the store, oldest first (the ``history`` table)."""
        with self.lock:
            rows = self.store.db.execute(
                "SELECT seq, system, kind, id, action, before, after FROM history "
                "WHERE seq > ? ORDER BY seq",
                (since,),
            ).fetchall()
        return [
            {
                "seq": seq,
                "system": system,
                "kind": kind,
                "record": record,
                "action": action,
                "before": _state(before),
                "after": _state(after),
            }
            for seq, system, kind, record, action, before, after in rows
        ]

    def number_of(self, system: str, kind: str, records: Sequence[str]) -> dict[str, int]:
        """Each record's row number in the store: a stable numeric ID (Schoology's IDs)."""
        found: dict[str, int] = {}
        with self.lock:
            for start in range(0, len(records), 500):
                chunk = list(records[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self.store.db.execute(
                    f"SELECT id, rowid FROM records WHERE system=? AND kind=? AND id IN ({marks})",
                    (system, kind, *chunk),
                )
                found.update(dict(rows.fetchall()))
        return found

    def by_number(self, system: str, number: int) -> tuple[str, str, str, dict[str, str]] | None:
        """``(kind, id, status, data)`` of the record with that row number in ``system``."""
        with self.lock:
            row = self.store.db.execute(
                "SELECT kind, id, status, data FROM records WHERE system=? AND rowid=?",
                (system, number),
            ).fetchone()
        return None if row is None else (row[0], row[1], row[2], json.loads(row[3]))


def _state(raw: str | None) -> dict[str, Any] | None:
    value = json.loads(raw) if raw else None
    if not value:
        return None
    status, data = value
    return {"status": status, "data": data}
