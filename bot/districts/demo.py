"""A deterministic sample district for the demo: two high schools, grades 9-12."""

from __future__ import annotations

import random
from datetime import date, timedelta

from bot.districts.demo_calendar import calendar_rows, demo_anchors, school_day_from, training_rows
from bot.districts.demo_playbooks import playbook_district
from bot.districts.demo_rosters import (
    ADMIN,
    COORDINATOR,
    REGISTRAR,
    District,
    _courses_and_classes,
    _educators,
    _enrollments,
    _students,
)
from bot.districts.playbooks import load_playbook

"""The demo district's national holidays: its Calendar tab lists those around the rollover."""
"""The demo's Calendar lists the national holidays from this many days before the rollover
to this many after it."""


def _checklist(rollover: date, second_term_class: str) -> list[dict[str, str]]:
    """The Edgenuity mid-year playbook, with the steps a district would tick first."""
    calendar = calendar_rows(rollover)
    rows = load_playbook("edgenuity-mid-year", demo_anchors(rollover, rollover))
    for row in rows:
        row["Owner"] = COORDINATOR if row["Phase"] == "Students" else REGISTRAR
    ticks = {"S-001", "S-002", "S-003", "S-007", "S-008", "S-009", "S-012"}
    for row in rows:
        row["Run"] = "TRUE" if row["Step ID"] in ticks else "FALSE"
        if row["Step ID"] == "S-003":
            row["Parameters"] = (
                f"start_date={(rollover + timedelta(days=3)).isoformat()}; "
                f"target_date={(rollover - timedelta(days=30)).isoformat()}"
            )
        if row["Step ID"] == "S-009":
            row["Scope"] = "Students: last logn < today-180d; status = inactive"
    rows.append(
        {
            "Step ID": "",
            "Phase": "Enrollments",
            "System": "Edgenuity",
            "Action": "set enrollment dates",
            "Scope": f"Enrollments: class id = {second_term_class}",
            "Parameters": (
                f"start_date={(rollover + timedelta(days=3)).isoformat()}; "
                f"target_date={school_day_from(rollover + timedelta(days=140), calendar)}"
            ),
            "Depends on": "",
            "Owner": COORDINATOR,
            "Due": (rollover - timedelta(days=2)).isoformat(),
            "Run": "TRUE",
            "Notes": "A district's own step: the bot gives it the next Step ID.",
        }
    )
    return rows


def build_district(
    students: int = 300, *, today: date, seed: int = 2026, playbook: str = ""
) -> District:
    """The same district for the same arguments, always; ``playbook`` makes its Checklist
    that playbook's steps (ticked, with the values the demo needs) instead of the default."""
    rng = random.Random(seed)
    rollover = today + timedelta(days=30)
    student_rows = _students(rng, students, today)
    courses, classes = _courses_and_classes(rng)
    enrollments = _enrollments(rng, student_rows, classes, rollover)
    if playbook:
        return playbook_district(
            playbook, rollover, today, student_rows, _educators(rng), courses, classes, enrollments
        )
    return District(
        name="Demo District",
        rollover=rollover,
        admins=[ADMIN, COORDINATOR],
        tabs={
            "Checklist": _checklist(rollover, classes[1]["Class ID"]),
            "Students": student_rows,
            "Educators": _educators(rng),
            "Courses": courses,
            "Classes": classes,
            "Enrollments": enrollments,
            "Calendar": calendar_rows(rollover),
            "Training": training_rows(rollover),
        },
    )
