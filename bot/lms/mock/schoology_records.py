"""Schoology's users, courses and enrollments as its REST API v1 manages them (the writes the
API offers beyond the PowerSchool app of seed 004).

Rules kept here: a user's Unique ID (school_uid) is unique across the school, students and
staff alike, and a create with a Unique ID already in use fails unless updating existing users
was asked for; a user has a first and last name, a role, and a username or an email; an email
belongs to one user of the school; a user's school is one of the district's schools; only an
active user is deactivated, only an inactive one reactivated; a course code is unique, with
the same create-or-update rule; an enrollment's status is one of Schoology's five (active,
expired, invite pending, request pending, archived); a section enrolls an active user once.
"""

from __future__ import annotations

from bot.errors import RuleViolation
from bot.lms.mock.schoology import SYSTEM
from bot.lms.mock.shared import Handler
from bot.lms.mock.store import MockStore
from bot.structures import Operation

USER_KINDS = ("students", "educators")
ENROLLMENT_STATUSES = ("active", "expired", "invite pending", "request pending", "archived")
USER_FIELDS = ("email", "username", "school", "graduation_year", "birth_date")
COURSE_FIELDS = ("title", "description", "department", "school")


def _other_kind(kind: str) -> str:
    return "educators" if kind == "students" else "students"


def _names(kind: str, data: dict[str, str]) -> tuple[str, str]:
    if kind == "students":
        return data.get("first_name", ""), data.get("last_name", "")
    first, _, last = data.get("name", "").partition(" ")
    return first, last


def _email_owner(store: MockStore, email: str, record: str) -> str:
    """The other user who has ``email`` (any status), if any."""
    for kind in USER_KINDS:
        frame = store.frame(SYSTEM, kind)
        if "email" not in frame:
            continue
        same = frame[
            (frame["email"].fillna("").str.casefold() == email.casefold()) & (frame["id"] != record)
        ]
        if len(same):
            return str(same.iloc[0]["id"])
    return ""


def save_user(store: MockStore, op: Operation) -> tuple[str, str]:
    """Create a user (``kind`` students or educators) or, with ``update_existing=1``, update
    the one with this Unique ID; fields given replace those kept."""
    p = op.params
    if store.get(SYSTEM, _other_kind(op.kind), op.record_id) is not None:
        raise RuleViolation(
            f"Unique ID {op.record_id} belongs to a user of another role type: a user cannot "
            "move between students and staff"
        )
    found = store.get(SYSTEM, op.kind, op.record_id)
    if found is not None and p.get("update_existing") != "1":
        raise RuleViolation(
            f"a user with Unique ID {op.record_id} already exists: update it, or create with "
            "update_existing=1"
        )
    status, data = found if found is not None else ("active", {})
    first, last = _names(op.kind, data)
    first, last = p.get("first_name", first).strip(), p.get("last_name", last).strip()
    if not first or not last:
        raise RuleViolation(f"user {op.record_id} needs a first and a last name")
    data = data | {k: p[k].strip() for k in USER_FIELDS if k in p}
    if op.kind == "students":
        data |= {"student_id": op.record_id, "first_name": first, "last_name": last}
    else:
        role = p.get("role", data.get("role", "")).strip()
        if not role:
            raise RuleViolation(f"user {op.record_id} needs a role")
        data |= {"name": f"{first} {last}", "role": role}
    if not data.get("email") and not data.get("username"):
        raise RuleViolation(f"user {op.record_id} needs a username or an email address")
    owner = _email_owner(store, data["email"], op.record_id) if data.get("email") else ""
    if owner:
        raise RuleViolation(f"email {data['email']} already belongs to user {owner} in this school")
    school = data.get("school", "")
    if school and store.get(SYSTEM, "schools", school) is None:
        raise RuleViolation(f"user {op.record_id}: no school {school!r} in {SYSTEM}")
    store.put(SYSTEM, op.kind, op.record_id, status, data)
    return status, f"{'updated' if found else 'created'} user {op.record_id}"


def _user_status(new: str, old: str, verb: str) -> Handler:
    def handler(store: MockStore, op: Operation) -> tuple[str, str]:
        found = store.get(SYSTEM, op.kind, op.record_id)
        if found is None:
            raise RuleViolation(f"no user {op.record_id} in {SYSTEM}")
        if found[0] != old:
            raise RuleViolation(f"user {op.record_id} is {found[0]}, not {old}")
        since = op.params.get("on") or store.today().isoformat()
        data = found[1] | {"inactive_since": since}
        if new == "active":
            data.pop("inactive_since", None)
        store.put(SYSTEM, op.kind, op.record_id, new, data)
        return new, f"{verb} user {op.record_id}"

    return handler


def save_course(store: MockStore, op: Operation) -> tuple[str, str]:
    """Create a course (its ID is its course code) or, with ``update_existing=1``, update it."""
    found = store.get(SYSTEM, "courses", op.record_id)
    if found is not None and op.params.get("update_existing") != "1":
        raise RuleViolation(
            f"a course with course code {op.record_id} already exists: update it, or create "
            "with update_existing=1"
        )
    status, data = found if found is not None else ("active", {"course_id": op.record_id})
    data = data | {k: op.params[k].strip() for k in COURSE_FIELDS if k in op.params}
    if not data.get("title"):
        raise RuleViolation(f"course {op.record_id} needs a title")
    store.put(SYSTEM, "courses", op.record_id, status, data)
    return status, f"{'updated' if found else 'created'} course {op.record_id}"


def set_enrollment_status(store: MockStore, op: Operation) -> tuple[str, str]:
    status = op.params.get("status", "")
    if status not in ENROLLMENT_STATUSES:
        raise RuleViolation(
            f"enrollment {op.record_id}: status must be one of {', '.join(ENROLLMENT_STATUSES)}, "
            f"not {status!r}"
        )
    found = store.get(SYSTEM, "enrollments", op.record_id)
    if found is None:
        raise RuleViolation(f"no enrollment {op.record_id} in {SYSTEM}")
    store.put(SYSTEM, "enrollments", op.record_id, status, found[1])
    return status, f"enrollment {op.record_id} {found[0]} -> {status}"


def enroll(store: MockStore, op: Operation) -> tuple[str, str]:
    """Enroll ``user`` (a student, or staff as the section's admin) in section ``class_id``."""
    section, user = op.params.get("class_id", ""), op.params.get("user", "")
    found = store.get(SYSTEM, "classes", section)
    if found is None or found[0] != "active":
        raise RuleViolation(f"no active section {section} in {SYSTEM}")
    kind = next((k for k in USER_KINDS if store.get(SYSTEM, k, user) is not None), "")
    person = store.get(SYSTEM, kind, user) if kind else None
    if person is None or person[0] != "active":
        raise RuleViolation(f"user {user} is not an active user of {SYSTEM}")
    field = "student_id" if kind == "students" else "educator_id"
    frame = store.frame(SYSTEM, "enrollments")
    if field in frame and "class_id" in frame:
        there = frame[(frame[field] == user) & (frame["class_id"] == section)]
        if len(there):
            raise RuleViolation(
                f"user {user} is already enrolled in section {section} ({there.iloc[0]['id']})"
            )
    status = op.params.get("status", "active")
    if status not in ENROLLMENT_STATUSES:
        raise RuleViolation(
            f"status must be one of {', '.join(ENROLLMENT_STATUSES)}, not {status!r}"
        )
    admin = op.params.get("admin") or ("1" if kind == "educators" else "0")
    store.put(
        SYSTEM,
        "enrollments",
        op.record_id,
        status,
        {field: user, "class_id": section, "admin": admin},
    )
    return status, f"enrolled {user} in section {section}"


def create_user(store: MockStore, op: Operation) -> tuple[str, str]:
    """The bot's ``create users``: a new user only (a Unique ID in use is refused)."""
    params = {k: v for k, v in op.params.items() if k != "update_existing"}
    return save_user(store, Operation(op.system, op.action, op.kind, op.record_id, params))


def update_user(store: MockStore, op: Operation) -> tuple[str, str]:
    """The bot's ``update users``: the fields given, on a user Schoology has (``PUT
    /v1/users`` addresses users by their Schoology ID: one it does not have is refused)."""
    if store.get(SYSTEM, op.kind, op.record_id) is None:
        raise RuleViolation(f"no user {op.record_id} in {SYSTEM} to update")
    params = op.params | {"update_existing": "1"}
    return save_user(store, Operation(op.system, op.action, op.kind, op.record_id, params))


def _enrollment_of(store: MockStore, op: Operation) -> str:
    """The enrollment of user ``student_id`` in section ``class_id`` (Schoology knows it so,
    not by the district's Enrollment ID), else the one with ``op``'s ID."""
    section, user = op.params.get("class_id", ""), op.params.get("student_id", "")
    frame = store.frame(SYSTEM, "enrollments")
    if section and user and {"class_id", "student_id"} <= set(frame.columns):
        found = frame[(frame["class_id"] == section) & (frame["student_id"] == user)]
        if len(found):
            return str(found.iloc[0]["id"])
        raise RuleViolation(f"{op.record_id}: {user} is not enrolled in section {section}")
    return op.record_id


def archive_enrollment(store: MockStore, op: Operation) -> tuple[str, str]:
    """The bot's ``archive enrollments``: the enrollment's status set to archived (5)."""
    params = op.params | {"status": "archived"}
    record = _enrollment_of(store, op)
    status, message = set_enrollment_status(
        store, Operation(op.system, op.action, op.kind, record, params)
    )
    return status, message.replace(f"enrollment {record} ", f"enrollment {op.record_id} ", 1)


HANDLERS: dict[str, Handler] = {
    "create users": create_user,
    "create staff users": create_user,
    "update users": update_user,
    "update staff users": update_user,
    "archive enrollments": archive_enrollment,
    "save users": save_user,
    "deactivate users": _user_status("deactivated", "active", "deactivated"),
    "reactivate users": _user_status("active", "deactivated", "reactivated"),
    "save courses": save_course,
    "set enrollment status": set_enrollment_status,
    "enroll users": enroll,
}
