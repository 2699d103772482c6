"""SchoolStatus Connect as its end-of-year guide describes it (seed 001).

Rules kept here: a sync that would archive more than the deletion threshold fails, says how
many records it tried to archive, and still applies its creates and updates; nothing is
archived, removed or deleted before the Connect reports are downloaded; a student is deleted
only when the last students report holds it (the snapshot); a merged duplicate's enrollments
all move to the survivor. A download never overwrites an earlier one, and says which version
of the data it holds (``reports_as_of``, against the settings' ``data_version``, a number
that moves whenever a record changes).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bot.core.wording import count
from bot.errors import RuleViolation
from bot.lms.mock.shared import Handler, KeptChanges, fields_of, reports_dir, write_csv
from bot.lms.mock.store import MockStore
from bot.structures import Operation

SYSTEM = "SchoolStatus"
DEFAULT_THRESHOLD = "10"
REPORTS = {"students": "students", "staff": "educators", "classrooms": "classes"}
NOT_DATA = ("settings", "reports")
"""Kinds of operations that change no record (a sync changes students)."""
FEED_FIELDS = ("first_name", "last_name", "birth_date", "email", "grade", "school")


def _setting(state: str) -> Handler:
    def handler(store: MockStore, op: Operation) -> tuple[str, str]:
        before = store.setting(SYSTEM, "sync", "on")
        store.set_setting(SYSTEM, "sync", state)
        return state, f"sync {'already' if before == state else 'now'} {state}"

    return handler


def set_threshold(store: MockStore, op: Operation) -> tuple[str, str]:
    percent = float(op.params["percent"])
    if not 0 < percent <= 100:
        raise RuleViolation(f"deletion threshold {percent:g}% is not between 0 and 100")
    store.set_setting(SYSTEM, "deletion_threshold", f"{percent:g}")
    return "set", f"deletion threshold {percent:g}%"


def sync(store: MockStore, op: Operation) -> tuple[str, str]:
    """The roster sync: create and update from the feed, archive students no longer in it."""
    if store.setting(SYSTEM, "sync", "on") == "paused":
        raise RuleViolation("the sync is paused: resume it from the SIS Rostering page first")
    feed = {row["id"]: row for row in json.loads(op.params["feed"])}
    current = store.frame(SYSTEM, "students").set_index("id")
    active = current[current["status"] == "active"] if len(current) else current
    created = updated = 0
    for record_id, row in feed.items():
        data = {k: row.get(k, "") for k in FEED_FIELDS}
        found = store.get(SYSTEM, "students", record_id)
        if found is None:
            store.put(SYSTEM, "students", record_id, "active", data)
            created += 1
        elif found[0] == "active" and any(found[1].get(k, "") != v for k, v in data.items()):
            store.put(SYSTEM, "students", record_id, "active", {**found[1], **data})
            updated += 1
    gone = [i for i in active.index if i not in feed]
    threshold = float(store.setting(SYSTEM, "deletion_threshold", DEFAULT_THRESHOLD))
    if gone and len(gone) * 100 > threshold * len(active):
        raise KeptChanges(
            f"deletion threshold error: the sync tried to archive {len(gone)} of "
            f"{len(active)} active students ({len(gone) * 100 / len(active):.1f}% > "
            f"{threshold:g}%) and archived none; {created} created and {updated} updated were "
            "applied; raise the deletion threshold if this is intended"
        )
    for record_id in gone:
        found = store.get(SYSTEM, "students", record_id)
        assert found is not None
        store.put(SYSTEM, "students", record_id, "archived", found[1])
    return "synced", f"{created} created, {updated} updated, {len(gone)} archived"


def download_reports(store: MockStore, op: Operation) -> tuple[str, str]:
    """Write the Connect reports (students, staff, classrooms) to the reports folder."""
    folder = reports_dir(store)
    stamp = _fresh_stamp(folder, op.params.get("on", "latest"))
    written = {}
    for report, kind in REPORTS.items():
        frame = store.frame(SYSTEM, kind).fillna("")
        path = folder / f"schoolstatus-{report}-{stamp}.csv"
        write_csv(path, frame.astype(str).to_dict("records"), list(frame.columns))
        written[report] = path.name
    store.set_setting(SYSTEM, "reports", json.dumps(written))
    store.set_setting(SYSTEM, "reports_as_of", str(data_version(store)))
    return "downloaded", "wrote " + ", ".join(written.values()) + f" to {folder}"


def _fresh_stamp(folder: Path, stamp: str) -> str:
    """``stamp``, or ``stamp-2``, ``stamp-3``...: a download never overwrites an earlier one
    (a report of the day before a delete still holds the deleted students)."""
    taken = {p.name for p in folder.glob(f"schoolstatus-*-{stamp}*.csv")}
    fresh, n = stamp, 1
    while any(name.endswith(f"-{fresh}.csv") for name in taken):
        n += 1
        fresh = f"{stamp}-{n}"
    return fresh


def data_version(store: MockStore) -> int:
    """A number that moves whenever a SchoolStatus record changes: its operations on records
    so far (a sync, a restore included)."""
    return store.changes(SYSTEM, NOT_DATA)


def live_settings(store: MockStore) -> dict[str, str]:
    """What SchoolStatus's settings say of its data now (``data_version``)."""
    return {"data_version": str(data_version(store))}


def _reports_first(store: MockStore, what: str) -> dict[str, str]:
    raw = store.setting(SYSTEM, "reports")
    if not raw:
        raise RuleViolation(f"download the Connect reports before {what}")
    reports: dict[str, str] = json.loads(raw)
    return reports


def _retire(kind_noun: str, new: str, what: str) -> Handler:
    def handler(store: MockStore, op: Operation) -> tuple[str, str]:
        _reports_first(store, what)
        found = store.get(SYSTEM, op.kind, op.record_id)
        if found is None:
            raise RuleViolation(f"no {kind_noun} {op.record_id} in {SYSTEM}")
        if found[0] != "active":
            raise RuleViolation(f"{kind_noun} {op.record_id} is {found[0]}, not active")
        store.put(SYSTEM, op.kind, op.record_id, new, found[1])
        return new, f"{new} {kind_noun} {op.record_id}"

    return handler


def delete_student(store: MockStore, op: Operation) -> tuple[str, str]:
    """Delete only a student the last students report (the snapshot) holds."""
    reports = _reports_first(store, "deleting students")
    path = reports_dir(store) / reports["students"]
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            kept = {row["id"] for row in csv.DictReader(handle)}
    except FileNotFoundError:
        raise RuleViolation(
            f"the students report {path.name} is gone from the reports folder: download the "
            "reports again before deleting"
        ) from None
    if op.record_id not in kept:
        raise RuleViolation(
            f"student {op.record_id} is not in the last students report ({path.name}): "
            "download the reports again before deleting"
        )
    found = store.get(SYSTEM, op.kind, op.record_id)
    if found is None or found[0] in ("deleted", "merged"):
        raise RuleViolation(f"no student {op.record_id} to delete in {SYSTEM}")
    store.put(SYSTEM, op.kind, op.record_id, "deleted", {})
    return "deleted", f"deleted student {op.record_id} (kept in {path.name})"


def merge(store: MockStore, op: Operation) -> tuple[str, str]:
    """Merge a duplicate into its survivor: the survivor keeps every enrollment."""
    survivor = op.params.get("survivor", "")
    dup, kept = store.get(SYSTEM, op.kind, op.record_id), store.get(SYSTEM, op.kind, survivor)
    if dup is None or dup[0] != "active":
        raise RuleViolation(f"duplicate {op.record_id} is not an active student")
    if kept is None or kept[0] != "active" or survivor == op.record_id:
        raise RuleViolation(f"survivor {survivor!r} is not another active student")
    moved = 0
    for row in store.frame(SYSTEM, "enrollments").to_dict("records"):
        if row.get("student_id") == op.record_id:
            data = fields_of(row)
            store.put(
                SYSTEM, "enrollments", row["id"], row["status"], data | {"student_id": survivor}
            )
            moved += 1
    store.put(SYSTEM, op.kind, op.record_id, "merged", dup[1] | {"merged_into": survivor})
    return "merged", f"merged {op.record_id} into {survivor}; {count(moved, 'enrollment')} moved"


HANDLERS: dict[str, Handler] = {
    "pause sync": _setting("paused"),
    "resume sync": _setting("on"),
    "set deletion threshold": set_threshold,
    "sync roster": sync,
    "download reports": download_reports,
    "remove inactive staff": _retire("staff member", "removed", "removing staff"),
    "archive classrooms": _retire("classroom", "archived", "archiving classrooms"),
    "archive students": _retire("student", "archived", "archiving students"),
    "delete students": delete_student,
    "merge duplicate students": merge,
}
