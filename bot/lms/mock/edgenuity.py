"""Edgenuity Courseware as the vendor's mid-year procedure describes it.

Rules kept here (seed 000): seniors are archived before grades are promoted (a grade 12
student cannot be promoted); a student ID that exists or ever existed is never reused; an
enrollment's target date falls after its start date; only active records change state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.errors import RuleViolation
from bot.lms.mock.store import MockStore
from bot.structures import Operation

SYSTEM = "Edgenuity"
Handler = Callable[[MockStore, Operation], tuple[str, str]]
TOP_GRADE = 12


def _active(store: MockStore, op: Operation, noun: str) -> dict[str, str]:
    found = store.get(SYSTEM, op.kind, op.record_id)
    if found is None:
        raise RuleViolation(f"no {noun} {op.record_id} in {SYSTEM}")
    status, data = found
    if status != "active":
        raise RuleViolation(f"{noun} {op.record_id} is {status}, not active")
    return data


def _change_status(noun: str, new: str) -> Handler:
    def handler(store: MockStore, op: Operation) -> tuple[str, str]:
        data = _active(store, op, noun)
        store.put(SYSTEM, op.kind, op.record_id, new, data)
        return new, f"{new} {noun} {op.record_id}"

    return handler


def promote(store: MockStore, op: Operation) -> tuple[str, str]:
    data = _active(store, op, "student")
    grade = int(data.get("grade") or 0)
    if grade >= TOP_GRADE:
        raise RuleViolation(
            f"student {op.record_id} is in grade {grade}: archive seniors before promoting grades"
        )
    data["grade"] = str(grade + 1)
    store.put(SYSTEM, op.kind, op.record_id, "active", data)
    return "active", f"promoted {op.record_id} from grade {grade} to {grade + 1}"


def create(store: MockStore, op: Operation) -> tuple[str, str]:
    if store.ever_existed(SYSTEM, op.kind, op.record_id):
        found = store.get(SYSTEM, op.kind, op.record_id)
        state = found[0] if found else "deleted"
        raise RuleViolation(
            f"student ID {op.record_id} already exists or existed in {SYSTEM} ({state}); "
            "IDs are never reused"
        )
    store.put(SYSTEM, op.kind, op.record_id, "active", dict(op.params))
    return "active", f"created student {op.record_id}"


def set_dates(store: MockStore, op: Operation) -> tuple[str, str]:
    data = _active(store, op, "enrollment")
    start = op.params.get("start_date") or data.get("start_date", "")
    target = op.params.get("target_date") or data.get("target_date", "")
    if start and target and date.fromisoformat(target) <= date.fromisoformat(start):
        raise RuleViolation(f"target date {target} is not after start date {start}")
    data.update({"start_date": start, "target_date": target})
    store.put(SYSTEM, op.kind, op.record_id, "active", data)
    return "active", f"dates {start or '-'} to {target or '-'}"


def imports(state: str) -> Handler:
    def handler(store: MockStore, op: Operation) -> tuple[str, str]:
        before = store.setting(SYSTEM, "imports", "on")
        store.set_setting(SYSTEM, "imports", state)
        verb = "already" if before == state else "now"
        return state, f"imports {verb} {state}"

    return handler


HANDLERS: dict[str, Handler] = {
    "archive students": _change_status("student", "archived"),
    "promote grades": promote,
    "create students": create,
    "set enrollment dates": set_dates,
    "complete enrollments": _change_status("enrollment", "completed"),
    "disable enrollments": _change_status("enrollment", "disabled"),
    "pause imports": imports("paused"),
    "resume imports": imports("on"),
}
