"""MockLMS: the LMS seam over the SQLite-backed vendor models."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from bot.abc import LMS
from bot.errors import LMSError, RuleViolation
from bot.lms.mock import edgenuity, renaissance, schoology, schoolstatus, twig
from bot.lms.mock.faults import Faults
from bot.lms.mock.shared import KeptChanges, Seeder
from bot.lms.mock.store import MockStore
from bot.structures import Operation, OpResult
from bot.templates import normalize_header

MODELS = {
    edgenuity.SYSTEM: edgenuity.HANDLERS,
    schoolstatus.SYSTEM: schoolstatus.HANDLERS,
    twig.SYSTEM: twig.HANDLERS,
    renaissance.SYSTEM: renaissance.HANDLERS,
    schoology.SYSTEM: schoology.HANDLERS,
}
SEEDERS: dict[str, Seeder] = {
    edgenuity.SYSTEM: edgenuity.seed,
    twig.SYSTEM: twig.seed,
    renaissance.SYSTEM: renaissance.seed,
    schoology.SYSTEM: schoology.seed,
}
NOT_YET_IN_LMS = frozenset({"new", "transfer", "incoming"})


class MockLMS(LMS):
    def __init__(self, path: Path | str, faults: Faults | None = None) -> None:
        self.store = MockStore(path)
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
            earlier = self.store.replay(op.key)
            if earlier is not None:
                return OpResult(status=earlier[0], message=earlier[1], replayed=True)
            before = self.store.get(op.system, op.kind, op.record_id)
            kept: KeptChanges | None = None
            try:
                status, message = handler(self.store, op)
            except KeptChanges as exc:
                kept, status, message = exc, "failed", str(exc)
            after = self.store.get(op.system, op.kind, op.record_id)
            if kept is None:
                self.store.remember(op.key, status, message)
            self.store.log(
                op.system,
                op.kind,
                op.record_id,
                op.action,
                op.key,
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
        return self.store.settings(system)

    def is_empty(self, system: str) -> bool:
        return all(self.store.count(system, kind) == 0 for kind in KINDS.values())

    def seed(self, system: str, frames: dict[str, pd.DataFrame]) -> int:
        """Load roster tabs into an empty system; rows whose Status is new/transfer stay out."""
        count = 0
        with self.store.transaction():
            for tab, kind in KINDS.items():
                frame = frames.get(tab)
                if frame is None:
                    continue
                for record in frame.to_dict("records"):
                    data = {FIELDS.get(k, k): str(v) for k, v in record.items() if k in FIELDS}
                    record_id = str(record.get(ID_COLUMNS[tab], "")).strip()
                    sis_status = str(record.get("Status", "")).strip().casefold()
                    if not record_id or sis_status in NOT_YET_IN_LMS:
                        continue
                    status = sis_status if sis_status in LMS_STATES.get(kind, ()) else "active"
                    self.store.put(system, kind, record_id, status, data)
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


KINDS = {
    "Students": "students",
    "Educators": "educators",
    "Courses": "courses",
    "Classes": "classes",
    "Enrollments": "enrollments",
}
ID_COLUMNS = {
    "Students": "Student ID",
    "Educators": "Educator ID",
    "Courses": "Course ID",
    "Classes": "Class ID",
    "Enrollments": "Enrollment ID",
}
LMS_STATES = {"enrollments": ("completed", "disabled"), "courses": ("archived",)}
FIELDS = {
    "First name": "first_name",
    "Last name": "last_name",
    "Grade": "grade",
    "School": "school",
    "Email": "email",
    "Name": "name",
    "Role": "role",
    "Title": "title",
    "Version": "version",
    "External course code": "external_course_code",
    "Course ID": "course_id",
    "Student ID": "student_id",
    "Class ID": "class_id",
    "Start date": "start_date",
    "Target date": "target_date",
    "Progress": "progress",
    "Earned credit": "earned_credit",
    "Birth date": "birth_date",
    "Graduation year": "graduation_year",
    "Last login": "last_login",
    "Term": "term",
    "Teacher ID": "teacher_id",
}
