"""Edgenuity Courseware as the vendor's mid-year procedure describes it.

Rules kept here (seed 000): seniors are archived before grades are promoted (a grade 12
student cannot be promoted); a student ID that exists or ever existed is never reused; an
enrollment's target date falls after its start date, and on a school day once the district
calendar is set; a course is archived only once its External Course Code is removed, and the
import recreates an active enrollment from an archived course that still carries one (the
vendor's trap, reachable through its back-end scripts); only active records change state.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from bot.core.wording import count
from bot.errors import RuleViolation
from bot.lms.mock.shared import Handler, fields_of
from bot.lms.mock.store import MockStore
from bot.structures import Operation

SYSTEM = "Edgenuity"
TOP_GRADE = 12
SATURDAY = 5
ROLE_DEFAULTS = {
    "teacher": "assign courses, view reports, view students",
    "school admin": "assign courses, manage educators, manage students, view reports, "
    "view students",
    "district admin": "assign courses, manage calendar, manage educators, manage schools, "
    "manage students, view reports, view students",
}


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
    if target and not school_day(store, date.fromisoformat(target)):
        raise RuleViolation(f"target date {target} is not a school day in the district calendar")
    data.update({"start_date": start, "target_date": target})
    store.put(SYSTEM, op.kind, op.record_id, "active", data)
    return "active", f"dates {start or '-'} to {target or '-'}"


def school_day(store: MockStore, day: date) -> bool:
    """A school day of the district calendar; every day counts until one is set (7-day week)."""
    raw = store.setting(SYSTEM, "calendar")
    if not raw:
        return True
    calendar = json.loads(raw)
    if day.isoformat() in calendar["open"]:
        return True
    closed = {d for d, _, _ in calendar["closed"]}
    weekend = calendar["week"] == "5-day" and day.weekday() >= SATURDAY
    return not weekend and day.isoformat() not in closed


def run_import(store: MockStore) -> list[str]:
    """Edgenuity's roster import: an archived course that still has an External Course Code
    comes back as an active enrollment. Returns the enrollments it created."""
    created = []
    for course in store.frame(SYSTEM, "courses").to_dict("records"):
        code = str(course.get("external_course_code") or "").strip()
        if course["status"] != "archived" or not code or pd.isna(code):
            continue
        enrollment = f"{course['id']}-IMPORT-{code}"
        if store.get(SYSTEM, "enrollments", enrollment) is None:
            data = {"course_id": str(course["id"]), "external_course_code": code}
            store.put(SYSTEM, "enrollments", enrollment, "active", data)
            created.append(enrollment)
    return created


def imports(state: str) -> Handler:
    def handler(store: MockStore, op: Operation) -> tuple[str, str]:
        before = store.setting(SYSTEM, "imports", "on")
        store.set_setting(SYSTEM, "imports", state)
        verb = "already" if before == state else "now"
        message = f"imports {verb} {state}"
        if state == "on":
            created = run_import(store)
            if created:
                message += (
                    f"; the import created {count(len(created), 'active enrollment')} from "
                    f"archived courses still carrying an External Course Code: {', '.join(created)}"
                )
        return state, message

    return handler


def import_now(store: MockStore, op: Operation) -> tuple[str, str]:
    created = run_import(store)
    return "done", f"import ran; {count(len(created), 'enrollment')} created"


def update_version(store: MockStore, op: Operation) -> tuple[str, str]:
    data = _active(store, op, "course")
    before, data["version"] = data.get("version", ""), op.params["version"]
    store.put(SYSTEM, op.kind, op.record_id, "active", data)
    return "active", f"version {before or '-'} -> {data['version']}"


def remove_code(store: MockStore, op: Operation) -> tuple[str, str]:
    found = store.get(SYSTEM, op.kind, op.record_id)
    if found is None:
        raise RuleViolation(f"no course {op.record_id} in {SYSTEM}")
    status, data = found
    code, data["external_course_code"] = data.get("external_course_code", ""), ""
    store.put(SYSTEM, op.kind, op.record_id, status, data)
    return status, f"removed External Course Code {code}" if code else "had no External Course Code"


def retire_course(new: str) -> Handler:
    def handler(store: MockStore, op: Operation) -> tuple[str, str]:
        data = _active(store, op, "course")
        code = data.get("external_course_code", "")
        if code:
            raise RuleViolation(
                f"course {op.record_id} still has External Course Code {code}: remove it first "
                "(the next import would create an active enrollment from the archived course)"
            )
        store.put(SYSTEM, op.kind, op.record_id, new, data)
        return new, f"{new} course {op.record_id}"

    return handler


def change_school(store: MockStore, op: Operation) -> tuple[str, str]:
    data = _active(store, op, "student")
    school = op.params.get("school", "").strip()
    if not school:
        raise RuleViolation(f"no school given for student {op.record_id}")
    before, data["school"] = data.get("school", ""), school
    store.put(SYSTEM, op.kind, op.record_id, "active", data)
    return "active", f"home school {before or '-'} -> {school}"


def reset_permissions(store: MockStore, op: Operation) -> tuple[str, str]:
    data = _active(store, op, "educator")
    role = data.get("role", "").strip().casefold()
    default = ROLE_DEFAULTS.get(role, "")
    if not default:
        raise RuleViolation(f"educator {op.record_id} has role {role!r}, which has no defaults")
    data |= {"permissions": default, "default_permissions": default}
    store.put(SYSTEM, op.kind, op.record_id, "active", data)
    return "active", f"permissions reset to {role} defaults"


def set_calendar(store: MockStore, op: Operation) -> tuple[str, str]:
    closed = json.loads(op.params.get("closed", "[]"))
    calendar = {
        "week": op.params.get("week", "5-day"),
        "closed": closed,
        "open": json.loads(op.params.get("open", "[]")),
    }
    store.set_setting(SYSTEM, "calendar", json.dumps(calendar))
    message = f"calendar set: {calendar['week']} week, {len(closed)} non-school days"
    if not any(kind in ("holiday", "break") for _, kind, _ in closed):
        message += "; warning: no holidays or breaks set"
    return "set", message


def seed(store: MockStore, frames: dict[str, pd.DataFrame]) -> None:
    """Each educator's permissions (its role's defaults, when unknown) and those defaults."""
    for educator in store.frame(SYSTEM, "educators").to_dict("records"):
        data = fields_of(educator)
        default = ROLE_DEFAULTS.get(data.get("role", "").strip().casefold(), "")
        data["default_permissions"] = default
        data.setdefault("permissions", default)
        store.put(SYSTEM, "educators", str(educator["id"]), str(educator["status"]), data)


HANDLERS: dict[str, Handler] = {
    "archive students": _change_status("student", "archived"),
    "promote grades": promote,
    "create students": create,
    "set enrollment dates": set_dates,
    "complete enrollments": _change_status("enrollment", "completed"),
    "disable enrollments": _change_status("enrollment", "disabled"),
    "pause imports": imports("paused"),
    "resume imports": imports("on"),
    "run import": import_now,
    "update course version": update_version,
    "remove external course code": remove_code,
    "archive courses": retire_course("archived"),
    "remove custom courses": retire_course("removed"),
    "change home school": change_school,
    "archive educators": _change_status("educator", "archived"),
    "reset permissions": reset_permissions,
    "set district calendar": set_calendar,
}


def set_permissions(store: MockStore, educator: str, permissions: str) -> None:
    """Give an educator permissions of its own (an admin's manual edit, for demos and tests)."""
    found = store.get(SYSTEM, "educators", educator)
    if found is None:
        raise RuleViolation(f"no educator {educator} in {SYSTEM}")
    store.put(SYSTEM, "educators", educator, found[0], found[1] | {"permissions": permissions})
