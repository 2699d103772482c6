"""MockLMS: the LMS seam over the SQLite-backed vendor models."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from bot.abc import LMS, Clock
from bot.errors import LMSError, RuleViolation
from bot.lms.mock import edgenuity, renaissance, schoology, schoology_records, schoolstatus, twig
from bot.lms.mock.faults import Faults
from bot.lms.mock.shared import KeptChanges, Seeder, SettingsView
from bot.lms.mock.store import MockStore
from bot.structures import Operation, OpResult
from bot.templates import load_template, normalize_header

MODELS = {
    edgenuity.SYSTEM: edgenuity.HANDLERS,
    schoolstatus.SYSTEM: schoolstatus.HANDLERS,
    twig.SYSTEM: twig.HANDLERS,
    renaissance.SYSTEM: renaissance.HANDLERS,
    schoology.SYSTEM: schoology.HANDLERS | schoology_records.HANDLERS,
}
SEEDERS: dict[str, Seeder] = {
    edgenuity.SYSTEM: edgenuity.seed,
    twig.SYSTEM: twig.seed,
    renaissance.SYSTEM: renaissance.seed,
    schoology.SYSTEM: schoology.seed,
}
NOT_YET_IN_LMS = frozenset({"new", "transfer", "incoming"})
LMS_STATES = {"enrollments": ("completed", "disabled"), "courses": ("archived",)}


VIEWS: dict[str, SettingsView] = {twig.SYSTEM: twig.settings_view}
"""Per system, its settings as the LMS reports them today (a scheduled pause reads as not
yet in effect)."""
LIVE: dict[str, Callable[[MockStore], dict[str, str]]] = {
    schoolstatus.SYSTEM: schoolstatus.live_settings
}
"""Per system, what its settings say of its data now (SchoolStatus's ``data_version``)."""


def reported_settings(store: MockStore, system: str) -> dict[str, str]:
    """``system``'s settings as it reports them on the store's date."""
    settings = store.settings(system)
    live = LIVE.get(system)
    if live is not None:
        settings |= live(store)
    view = VIEWS.get(system)
    return settings if view is None else view(settings, store.today())


class MockLMS(LMS):
    def __init__(
        self, path: Path | str, faults: Faults | None = None, clock: Clock | None = None
    ) -> None:
        """``clock``: the LMS's own time (default: the wall clock, UTC)."""
        self.store = MockStore(path, clock)
        self.faults = faults or Faults()

    def close(self) -> None:
        self.store.close()

    def execute(self, op: Operation) -> OpResult:
        handlers = MODELS.get(op.system)
        if handlers is None:
            raise LMSError(f"the mock LMS has no system {op.system!r}")
        handler = _restore if op.action == RESTORE else handlers.get(normalize_header(op.action))
        if handler is None:
            raise LMSError(f"{op.system} has no operation {op.action!r}")
        self.faults.before(f"{op.action} {op.record_id}")
        with self.store.transaction():
            before = self.store.get(op.system, op.kind, op.record_id)
            kept: KeptChanges | None = None
            try:
                status, message = handler(self.store, op)
            except KeptChanges as exc:
                kept, status, message = exc, "failed", str(exc)
            after = self.store.get(op.system, op.kind, op.record_id)
            self.store.log(
                op.system,
                op.kind,
                op.record_id,
                op.action,
                f"{op.system}:{op.action}:{op.record_id}",
                json.dumps(before),
                json.dumps(after),
            )
        self.faults.after()
        if kept is not None:
            raise kept
        return OpResult(status=status, message=message)

    def records(self, system: str, kind: str) -> pd.DataFrame:
        return self.store.frame(system, kind)

    def settings(self, system: str) -> dict[str, str]:
        return reported_settings(self.store, system)

    def is_empty(self, system: str) -> bool:
        rosters = load_template().roster_tabs
        return all(self.store.count(system, tab.kind) == 0 for tab in rosters)

    def seed(self, system: str, frames: dict[str, pd.DataFrame]) -> int:
        """Load roster tabs into an empty system; rows whose Status is new/transfer stay out.
        Each row is a record of its tab's kind, its ID the key column, its data the columns
        the template gives an LMS field."""
        count = 0
        with self.store.transaction():
            for tab in load_template().roster_tabs:
                frame = frames.get(tab.name)
                if frame is None:
                    continue
                fields = tab.fields
                for record in frame.to_dict("records"):
                    data = {fields[k]: str(v) for k, v in record.items() if k in fields}
                    record_id = str(record.get(tab.key, "")).strip()
                    sis_status = str(record.get("Status", "")).strip().casefold()
                    if not record_id or sis_status in NOT_YET_IN_LMS:
                        continue
                    states = LMS_STATES.get(tab.kind, ())
                    status = sis_status if sis_status in states else "active"
                    self.store.put(system, tab.kind, record_id, status, data)
                    count += 1
            seeder = SEEDERS.get(system)
            if seeder is not None:
                seeder(self.store, frames)
        return count


RESTORE = "restore from snapshot"


def _restore(store: MockStore, op: Operation) -> tuple[str, str]:
    """Put a record back as a snapshot saw it (``undo``): status and every field."""
    if store.get(op.system, op.kind, op.record_id) is None:
        raise RuleViolation(f"{op.record_id} is no longer in {op.system}; it cannot be restored")
    status = op.params["status"]
    store.put(op.system, op.kind, op.record_id, status, json.loads(op.params["data"]))
    return status, f"restored {op.record_id} to {status}"
