"""Schoology roster actions for a district rostered by CSV rather than the PowerSchool app
(where the app's sync does this, these are not in the playbook): users created and updated
in bulk, last year's enrollments archived.

Each is planned against Schoology's users or enrollments: a user Schoology has already is at
target for ``create users`` (an account the sync or an earlier year made), and a creation is
recorded once per rollover; a user whose names, email and graduation year Schoology holds
already is not updated; an enrollment archived already is not sent. Schoology knows an
enrollment by its own number: the plan matches Schoology's enrollments with the Enrollments
tab's rows by Class ID (the section's code) and Student ID (the user's Unique ID).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd

from bot.actions.base import ALLOW_OVER, Action, PlanContext
from bot.actions.context import Targets
from bot.actions.shared import describe_student, lms_field
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.plan import Plan
from bot.core.problems import Problem
from bot.core.targets import Rule
from bot.core.wording import count, listed

SYSTEM = "Schoology"
STAFF_ROLES = ("teacher", "school admin", "system admin", "district admin")
STUDENT_COLUMNS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "school": "School",
    "graduation_year": "Graduation year",
    "birth_date": "Birth date",
}
STUDENT_TARGETS = ("first_name", "last_name", "email", "graduation_year")
STAFF_TARGETS = {"name": "Name", "email": "Email"}
CREATE = Rule(
    to_status="active", from_status=(), once="create", creates=True, existing_at_target=True
)
"""A user is created once per rollover; one Schoology has already is at target."""
ENROLLMENT_STATES = ("active", "expired", "completed", "invite pending", "request pending")
OVER_THRESHOLD = (
    ParamSpec(ALLOW_OVER, "bool", help="yes to act on more than safety.max_change_percent"),
)


def _text(record: dict[str, str], column: str) -> str:
    value = record.get(column, "")
    return "" if value is None or pd.isna(value) else str(value).strip()


def student_fields(record: dict[str, str], params: dict[str, object]) -> dict[str, str]:
    """What Schoology gets of a Students row (its blank cells are not sent)."""
    found = {field: _text(record, column) for field, column in STUDENT_COLUMNS.items()}
    return {k: v for k, v in found.items() if v}


def staff_fields(record: dict[str, str], params: dict[str, object]) -> dict[str, str]:
    """What Schoology gets of an Educators row: its Name as first and last name."""
    first, _, last = _text(record, "Name").partition(" ")
    found = {
        "first_name": first,
        "last_name": last.strip(),
        "name": _text(record, "Name"),
        "email": _text(record, "Email"),
        "role": _text(record, "Role"),
        "school": _text(record, "School"),
    }
    return {k: v for k, v in found.items() if v}


def describe_staff(record: dict[str, str]) -> str:
    return f"({_text(record, 'Name')}, {_text(record, 'Role')})"


def describe_enrollment(record: dict[str, str]) -> str:
    return f"(student {_text(record, 'Student ID')} in {_text(record, 'Class ID')})"


def _refusals(rows: pd.DataFrame, why: pd.Series) -> pd.Series:
    return why.reindex(rows.index).fillna("")


def student_refusal(ctx: PlanContext, rows: pd.DataFrame) -> pd.Series:
    """Schoology needs a first and a last name, and a username or an email (the Students tab
    has no username: the email)."""

    def why(row: pd.Series) -> str:
        record = {k: str(v) for k, v in row.items()}
        uid = _text(record, ctx.id_column)
        if not _text(record, "First name") or not _text(record, "Last name"):
            return f"student {uid} needs a First name and a Last name for {SYSTEM}"
        if not _text(record, "Email"):
            return f"student {uid} needs an Email: {SYSTEM} signs a user in with it"
        return ""

    return _refusals(rows, rows.apply(why, axis=1) if len(rows) else pd.Series(dtype=object))


def staff_refusal(ctx: PlanContext, rows: pd.DataFrame) -> pd.Series:
    """Schoology needs a first and a last name, an email, and one of its staff roles."""

    def why(row: pd.Series) -> str:
        record = {k: str(v) for k, v in row.items()}
        uid = _text(record, ctx.id_column)
        first, _, last = _text(record, "Name").partition(" ")
        if not first or not last.strip():
            return f"staff user {uid} needs a Name with a first and a last name for {SYSTEM}"
        if not _text(record, "Email"):
            return f"staff user {uid} needs an Email: {SYSTEM} signs a user in with it"
        if _text(record, "Role").casefold() not in STAFF_ROLES:
            return (
                f"staff user {uid} has Role {_text(record, 'Role')!r}: {SYSTEM}'s staff roles "
                "are Teacher, School Admin, System Admin and District Admin"
            )
        return ""

    return _refusals(rows, rows.apply(why, axis=1) if len(rows) else pd.Series(dtype=object))


def _targets(columns: dict[str, str]) -> Targets:
    """Each row's target fields: its cell, or (a blank cell) what Schoology holds: a blank
    cell never clears a field."""

    def targets(ctx: PlanContext, rows: pd.DataFrame) -> pd.DataFrame:
        out = {}
        for field, column in columns.items():
            given = rows[column].map(lambda v: "" if pd.isna(v) else str(v).strip())
            out[field] = given.where(given != "", lms_field(ctx, rows, field))
        return pd.DataFrame(out, index=rows.index)

    return targets


def enrollments_by_row(ctx: PlanContext) -> pd.DataFrame:
    """Schoology's enrollments under the Enrollments tab's IDs: an enrollment is the row with
    its Class ID (section) and Student ID (user); one no row names is left out."""
    lms = ctx.lms_records
    tab = ctx.tab("Enrollments")
    rows = tab if not tab.empty and "Class ID" in tab else ctx.selected
    if lms.empty or rows.empty or not {"class_id", "student_id"} <= set(lms.columns):
        return pd.DataFrame({"id": [], "status": []}, dtype=object)
    key = rows["Class ID"].map(str).str.strip() + "\x1f" + rows["Student ID"].map(str).str.strip()
    ids = dict(zip(key, rows[ctx.id_column].map(str).str.strip(), strict=True))
    pairs = lms["class_id"].fillna("").astype(str) + "\x1f" + lms["student_id"].fillna("")
    found = lms.assign(id=pairs.map(ids))
    return found[found["id"].notna()].reset_index(drop=True)


def one_row_per_enrollment(ctx: PlanContext) -> list[Problem]:
    """Two selected rows for one student in one section would both be that enrollment."""
    rows = ctx.selected
    if rows.empty or not {"Class ID", "Student ID"} <= set(rows.columns):
        return []
    pair = rows["Student ID"].map(str).str.strip() + " in " + rows["Class ID"].map(str).str.strip()
    twice = sorted(set(pair[pair.duplicated()]))
    if not twice:
        return []
    return [
        Problem(
            "Scope",
            f"{count(len(twice), 'student-and-class pair')} on more than one Enrollments row: "
            f"{listed(twice)}; {SYSTEM} has one enrollment per student and section: keep one "
            "row each",
        )
    ]


def enrollment_refusal(ctx: PlanContext, rows: pd.DataFrame) -> pd.Series:
    blank = (rows["Class ID"].map(str).str.strip() == "") | (
        rows["Student ID"].map(str).str.strip() == ""
    )
    return blank.map(
        lambda b: (
            f"{SYSTEM} knows an enrollment by its Class ID and Student ID: fill both" if b else ""
        )
    )


def enrollment_fields(record: dict[str, str], params: dict[str, object]) -> dict[str, str]:
    return {"class_id": _text(record, "Class ID"), "student_id": _text(record, "Student ID")}


@dataclass
class EnrollmentAction(Action):
    """An action on enrollments, planned against Schoology's enrollments matched with the
    Enrollments tab's rows (``enrollments_by_row``); the snapshot keeps them so too."""

    def plan(self, ctx: PlanContext) -> tuple[Plan | None, list[Problem]]:
        ctx.lms_records = enrollments_by_row(ctx)
        return super().plan(ctx)


_spec = partial(ActionSpec, SYSTEM)

ACTIONS: list[Action] = [
    Action(
        _spec(
            "create users",
            "create",
            "students",
            "Students",
            False,
            "CSV-rostered Schoology: create new students (POST /v1/users, 50 a request); one "
            "Schoology has already is left as it is.",
        ),
        universe_status="",
        describe_record=describe_student,
        record_params=student_fields,
        rule=CREATE,
        refuse=student_refusal,
    ),
    Action(
        _spec(
            "create staff users",
            "create",
            "staff users",
            "Educators",
            False,
            "CSV-rostered Schoology: create new staff users (POST /v1/users, 50 a request); "
            "one Schoology has already is left as it is.",
        ),
        universe_status="",
        describe_record=describe_staff,
        record_params=staff_fields,
        rule=CREATE,
        refuse=staff_refusal,
    ),
    Action(
        _spec(
            "update users",
            "update",
            "students",
            "Students",
            False,
            "CSV-rostered Schoology: send changed names, emails and graduation years of "
            "students to Schoology (PUT /v1/users, 50 a request).",
        ),
        describe_record=describe_student,
        record_params=student_fields,
        rule=Rule(),
        targets=_targets({f: STUDENT_COLUMNS[f] for f in STUDENT_TARGETS}),
    ),
    Action(
        _spec(
            "update staff users",
            "update",
            "staff users",
            "Educators",
            False,
            "CSV-rostered Schoology: send changed names and emails of staff to Schoology "
            "(PUT /v1/users, 50 a request).",
        ),
        describe_record=describe_staff,
        record_params=staff_fields,
        rule=Rule(),
        targets=_targets(STAFF_TARGETS),
    ),
    EnrollmentAction(
        _spec(
            "archive enrollments",
            "archive",
            "enrollments",
            "Enrollments",
            True,
            "CSV-rostered Schoology: archive last year's enrollments (status 5, 50 a request "
            "per section); grades and work are kept.",
            params=OVER_THRESHOLD,
        ),
        describe_record=describe_enrollment,
        record_params=enrollment_fields,
        checks=(one_row_per_enrollment,),
        rule=Rule(to_status="archived", from_status=ENROLLMENT_STATES),
        refuse=enrollment_refusal,
    ),
]
