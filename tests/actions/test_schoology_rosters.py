"""Schoology rostered by CSV (no PowerSchool sync): users created and updated, last year's
enrollments archived, each planned against Schoology's own records."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bot.core.targets import Done, Fate
from tests.actions.action_helpers import (
    AT_TARGET,
    CHANGE,
    calls,
    execute,
    fates,
    plan,
    seeded,
    tab,
)

SYS = "Schoology"


def student(uid: str, status: str = "active", **more: str) -> dict[str, str]:
    row = {
        "Student ID": uid,
        "First name": "Kim",
        "Last name": f"L{uid}",
        "Email": f"{uid.lower()}@d.org",
        "School": "North",
        "Graduation year": "2030",
        "Status": status,
    }
    return row | more


def test_new_students_are_created_once_and_one_schoology_has_is_at_target(
    tmp_path: Path,
) -> None:
    rows = [student("S1"), student("S2", "new"), student("S3", "new"), student("S4", "new")]
    rows[3]["Email"] = ""
    frames = {"Students": tab("Students", rows)}
    lms = seeded(tmp_path, SYS, frames)
    scope = "Students: status in (new, active)"
    planned = plan(lms, SYS, "create users", frames, scope=scope)
    assert fates(planned) == {
        "S1": AT_TARGET,
        "S2": CHANGE,
        "S3": CHANGE,
        "S4": Fate.NOT_ALLOWED.value,
    }
    assert planned.plan and not planned.plan.destructive
    assert "student S4 needs an Email" in planned.plan.summary
    assert execute(lms, planned) == {"S2": "created user S2", "S3": "created user S3"}
    users = lms.records(SYS, "students").set_index("id")
    assert users.loc["S2", ["first_name", "email", "school", "graduation_year"]].tolist() == [
        "Kim",
        "s2@d.org",
        "North",
        "2030",
    ]
    ledger = {uid: Done("S-001", {}) for uid in ("S2", "S3")}
    again = plan(lms, SYS, "create users", frames, scope=scope, ledger=ledger)
    assert fates(again)["S2"] == AT_TARGET and fates(again)["S3"] == AT_TARGET
    assert again.plan and again.plan.summary.startswith("Nothing to create")
    assert calls(lms, SYS, "create users") == 2


def test_staff_need_one_of_schoologys_staff_roles(tmp_path: Path) -> None:
    rows = [
        {"Educator ID": "T1", "Name": "Ann Lee", "Email": "a@d.org", "Role": "Teacher"},
        {"Educator ID": "T2", "Name": "Bo Park", "Email": "b@d.org", "Role": "Librarian"},
    ]
    frames = {"Educators": tab("Educators", [r | {"Status": "new"} for r in rows])}
    lms = seeded(tmp_path, SYS, frames)
    planned = plan(lms, SYS, "create staff users", frames, scope="Educators: all")
    assert fates(planned) == {"T1": CHANGE, "T2": Fate.NOT_ALLOWED.value}
    assert "Role 'Librarian'" in planned.plan.summary if planned.plan else False
    assert execute(lms, planned) == {"T1": "created user T1"}
    staff = lms.records(SYS, "educators").set_index("id")
    assert staff.loc["T1", ["name", "role"]].tolist() == ["Ann Lee", "Teacher"]


def test_changed_names_and_emails_are_sent_and_unchanged_users_are_not(tmp_path: Path) -> None:
    rows = [student("S1"), student("S2"), student("S3")]
    frames = {"Students": tab("Students", rows)}
    lms = seeded(tmp_path, SYS, frames)
    changed = [
        student("S1", **{"Last name": "Moreno"}),
        student("S2", Email="kim.two@d.org"),
        student("S3", **{"Graduation year": ""}),
        student("S9"),
    ]
    frames = {"Students": tab("Students", changed)}
    planned = plan(lms, SYS, "update users", frames, scope="Students: all")
    assert fates(planned) == {
        "S1": CHANGE,
        "S2": CHANGE,
        "S3": AT_TARGET,
        "S9": Fate.MISSING.value,
    }
    assert planned.plan and "last name LS1 -> Moreno" in planned.plan.summary
    assert execute(lms, planned) == {"S1": "updated user S1", "S2": "updated user S2"}
    users = lms.records(SYS, "students").set_index("id")
    assert users.loc["S1", "last_name"] == "Moreno"
    assert users.loc["S2", "email"] == "kim.two@d.org"
    assert users.loc["S3", "graduation_year"] == "2030", "a blank cell clears nothing"
    again = plan(lms, SYS, "update users", frames, scope="Students: all")
    assert set(fates(again).values()) == {AT_TARGET, Fate.MISSING.value}


def enrollments_frames() -> dict[str, pd.DataFrame]:
    students = [student(f"S{n}") for n in range(1, 5)]
    classes = [
        {"Class ID": "OLD1", "Title": "Algebra 2026", "School": "North", "Term": "2026-2027"},
        {"Class ID": "NEW1", "Title": "Algebra 2027", "School": "North", "Term": "2027-2028"},
    ]
    enrollments = [
        {"Enrollment ID": f"E{n}", "Student ID": f"S{n}", "Class ID": "OLD1"} for n in (1, 2, 3)
    ] + [{"Enrollment ID": "E4", "Student ID": "S4", "Class ID": "NEW1"}]
    return {
        "Students": tab("Students", students),
        "Classes": tab("Classes", classes),
        "Enrollments": tab("Enrollments", enrollments),
    }


def test_last_years_enrollments_are_archived_with_approval_and_once(tmp_path: Path) -> None:
    frames = enrollments_frames()
    lms = seeded(tmp_path, SYS, frames)
    with lms.store.transaction():
        found = lms.store.get(SYS, "enrollments", "E3")
        assert found is not None
        lms.store.put(SYS, "enrollments", "E3", "archived", found[1])
    scope = "Enrollments: Class ID = OLD1"
    planned = plan(lms, SYS, "archive enrollments", frames, scope, "allow_over_threshold=yes")
    assert fates(planned) == {"E1": CHANGE, "E2": CHANGE, "E3": AT_TARGET}
    assert planned.plan and planned.plan.destructive
    assert planned.plan.summary.startswith("Will archive 2 of 3 active enrollments")
    assert execute(lms, planned) == {
        "E1": "enrollment E1 active -> archived",
        "E2": "enrollment E2 active -> archived",
    }
    statuses = lms.records(SYS, "enrollments").set_index("id")["status"].to_dict()
    assert statuses == {"E1": "archived", "E2": "archived", "E3": "archived", "E4": "active"}
    again = plan(lms, SYS, "archive enrollments", frames, scope, "allow_over_threshold=yes")
    assert set(fates(again).values()) == {AT_TARGET}
    assert calls(lms, SYS, "archive enrollments") == 2


def test_enrollments_are_matched_by_section_and_student_not_by_schoologys_numbers(
    tmp_path: Path,
) -> None:
    """Schoology's records carry no Enrollment ID: the tab's row is the one with the same
    Class ID and Student ID; two rows for one pair are not acted on."""
    frames = enrollments_frames()
    rows = frames["Enrollments"]
    lms = seeded(tmp_path, SYS, frames | {"Enrollments": rows[rows["Enrollment ID"] != "E1"]})
    with lms.store.transaction():
        lms.store.put(
            SYS, "enrollments", "77001", "active", {"student_id": "S1", "class_id": "OLD1"}
        )
    scope = "Enrollments: Class ID = OLD1"
    planned = plan(lms, SYS, "archive enrollments", frames, scope, "allow_over_threshold=yes")
    assert fates(planned) == {"E1": CHANGE, "E2": CHANGE, "E3": CHANGE}
    assert planned.ctx is not None
    assert sorted(planned.ctx.lms_records["id"]) == ["E1", "E2", "E3", "E4"]
    assert execute(lms, planned)["E1"] == "enrollment E1 active -> archived"
    assert lms.records(SYS, "enrollments").set_index("id").loc["77001", "status"] == "archived"

    twice = pd.concat([rows, rows.iloc[[0]].assign(**{"Enrollment ID": "E9"})])
    doubled = plan(lms, SYS, "archive enrollments", frames | {"Enrollments": twice}, scope)
    assert doubled.plan is None
    assert "S1 in OLD1" in doubled.why and "keep one row each" in doubled.why
