"""A deterministic synthetic district of any size, for the benchmark.

N students (grades 9-12, all active), 6 enrollments each, one educator per 25 students,
40 courses, each school's classes (every course in two terms), a calendar, and a Checklist:
the Edgenuity mid-year playbook (unticked, Status ``Idle``) plus two benchmark steps.

* ``S-018`` archives ``Students: grade <= 10`` (half the students): ticked for ``plan``.
* ``S-019`` archives ``Students: selected`` (``archive_count(N)`` students have Select
  ticked): ticked for ``archive``.

Nothing depends on ``random`` state or the clock beyond ``today``: the same arguments give
the same rows, always.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.districts.playbooks import load_playbook

FIRST = ("Ana", "Ben", "Chloe", "Diego", "Emma", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kofi")
LAST = ("Garcia", "Smith", "Nguyen", "Johnson", "Okafor", "Patel", "Kim", "Rossi", "Haddad")
COURSES = 40
ENROLLMENTS_PER_STUDENT = 6
STUDENTS_PER_SCHOOL = 2_000
STUDENTS_PER_EDUCATOR = 25
ARCHIVE_RECORDS = 10_000
ADMIN = "admin@bench-district.org"
COORDINATOR = "coordinator@bench-district.org"
PLAN_STEP = "S-018"
ARCHIVE_STEP = "S-019"
CASE_STEPS = {"noop": "", "plan": PLAN_STEP, "archive": ARCHIVE_STEP}
Rows = list[dict[str, str]]


@dataclass
class District:
    """The tabs of one synthetic district, by template tab name."""

    students: int
    today: date
    tabs: dict[str, Rows] = field(default_factory=dict)

    def cells(self) -> int:
        """Cells holding data (headers excluded), a proxy for the sheet's size."""
        return sum(len(rows) * len(rows[0]) for rows in self.tabs.values() if rows)


def archive_count(students: int) -> int:
    """How many students the archive case archives: 10,000, or every student if fewer."""
    return min(ARCHIVE_RECORDS, students)


def school_count(students: int) -> int:
    return max(2, students // STUDENTS_PER_SCHOOL)


def _school(n: int) -> str:
    return f"School {n + 1:03d}"


def _students(count: int, today: date) -> Rows:
    schools = school_count(count)
    stride = max(1, count // archive_count(count))
    ticked = archive_count(count)
    rows: Rows = []
    for n in range(1, count + 1):
        grade = 9 + (n - 1) % 4
        first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
        login = today - timedelta(days=n % 90)
        rows.append(
            {
                "Student ID": f"{n:07d}",
                "First name": first,
                "Last name": last,
                "Grade": str(grade),
                "School": _school((n - 1) % schools),
                "Status": "active",
                "Graduation year": str(today.year + 12 - grade),
                "Birth date": date(today.year - grade - 6, 1 + n % 12, 1 + n % 28).isoformat(),
                "Email": f"{first.lower()}.{last.lower()}{n}@students.bench-district.org",
                "Last login": login.isoformat(),
                "Select": "TRUE" if n % stride == 0 and n // stride <= ticked else "FALSE",
                "LMS status": "",
                "Last action": "",
            }
        )
    return rows


def _educators(students: int) -> Rows:
    count = max(COURSES, students // STUDENTS_PER_EDUCATOR)
    schools = school_count(students)
    return [
        {
            "Educator ID": f"T{n:06d}",
            "Name": f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}",
            "Email": f"teacher{n}@bench-district.org",
            "Role": "school admin" if n % 50 == 1 else "teacher",
            "School": _school(n % schools),
            "Status": "active",
            "Last login": "",
            "Select": "FALSE",
            "LMS status": "",
            "Last action": "",
        }
        for n in range(1, count + 1)
    ]


def _courses() -> Rows:
    return [
        {
            "Course ID": f"C-{n:03d}",
            "Title": f"Course {n}",
            "Version": "2025",
            "External course code": f"EXT-{n:03d}" if n % 3 == 0 else "",
            "School": "",
            "Status": "active",
            "Select": "FALSE",
            "LMS status": "",
            "Last action": "",
        }
        for n in range(1, COURSES + 1)
    ]


def _class_id(school: int, course: int, term: str) -> str:
    return f"K-{school + 1:03d}-{course:03d}-{term}"


def _classes(students: int) -> Rows:
    educators = max(COURSES, students // STUDENTS_PER_EDUCATOR)
    rows: Rows = []
    for school in range(school_count(students)):
        for course in range(1, COURSES + 1):
            for term in ("S1", "S2"):
                teacher = 1 + (school * COURSES + course) % educators
                rows.append(
                    {
                        "Class ID": _class_id(school, course, term),
                        "Title": f"Course {course} {term}",
                        "Course ID": f"C-{course:03d}",
                        "School": _school(school),
                        "Term": term,
                        "Teacher ID": f"T{teacher:06d}",
                        "Status": "active",
                        "Select": "FALSE",
                        "LMS status": "",
                        "Last action": "",
                    }
                )
    return rows


def _enrollments(students: int, rollover: date) -> Rows:
    schools = school_count(students)
    start = (rollover - timedelta(days=130)).isoformat()
    target = (rollover - timedelta(days=5)).isoformat()
    rows: Rows = []
    number = 0
    for n in range(1, students + 1):
        school = (n - 1) % schools
        for k in range(ENROLLMENTS_PER_STUDENT):
            number += 1
            course = 1 + (n * 7 + k * 5) % COURSES
            progress = (100, 100, 92, 75, 40, 100)[(n + k) % 6]
            rows.append(
                {
                    "Enrollment ID": f"E-{number:08d}",
                    "Student ID": f"{n:07d}",
                    "Class ID": _class_id(school, course, "S1" if k < 4 else "S2"),
                    "Start date": start,
                    "Target date": target,
                    "Progress": str(progress),
                    "Earned credit": "yes" if progress == 100 else "no",
                    "Status": "active",
                    "Select": "FALSE",
                    "LMS status": "",
                    "Last action": "",
                }
            )
    return rows


def _calendar(rollover: date) -> Rows:
    return [
        {"Date": rollover.isoformat(), "Type": "rollover", "Name": "Rollover", "School": ""},
        {
            "Date": (rollover - timedelta(days=20)).isoformat(),
            "Type": "break",
            "Name": "Winter break",
            "School": "",
        },
        {
            "Date": (rollover + timedelta(days=17)).isoformat(),
            "Type": "holiday",
            "Name": "District holiday",
            "School": "",
        },
    ]


def _checklist(rollover: date, case: str) -> Rows:
    rows = load_playbook("edgenuity-mid-year", rollover)
    for step_id, scope, note in (
        (PLAN_STEP, "Students: grade <= 10", "Benchmark: plan over half the students."),
        (ARCHIVE_STEP, "Students: selected", "Benchmark: archive the ticked students."),
    ):
        rows.append(
            {
                "Step ID": step_id,
                "Phase": "Students",
                "System": "Edgenuity",
                "Action": "archive students",
                "Scope": scope,
                "Parameters": "allow_over_threshold=yes",
                "Depends on": "",
                "Owner": COORDINATOR,
                "Due": (rollover - timedelta(days=7)).isoformat(),
                "Notes": note,
            }
        )
    ticked = CASE_STEPS[case]
    for row in rows:
        row.setdefault("Owner", "")
        row["Owner"] = row["Owner"] or COORDINATOR
        row["Run"] = "TRUE" if row["Step ID"] == ticked else "FALSE"
        row["Status"] = "" if row["Step ID"] == ticked else "Idle"
    return rows


def with_case(district: District, case: str) -> District:
    """The same district with its Checklist ticked for ``case`` (the rosters are shared)."""
    rollover = district.today + timedelta(days=30)
    return District(
        district.students,
        district.today,
        {**district.tabs, "Checklist": _checklist(rollover, case)},
    )


def build(students: int, today: date, case: str = "noop") -> District:
    """The district of ``students`` students with the Checklist ticked for ``case``
    (``noop``: nothing ticked, ``plan``: S-018, ``archive``: S-019)."""
    if case not in CASE_STEPS:
        raise ValueError(f"unknown case {case!r}")
    rollover = today + timedelta(days=30)
    return District(
        students=students,
        today=today,
        tabs={
            "Checklist": _checklist(rollover, case),
            "Students": _students(students, today),
            "Educators": _educators(students),
            "Courses": _courses(),
            "Classes": _classes(students),
            "Enrollments": _enrollments(students, rollover),
            "Calendar": _calendar(rollover),
            "Training": [],
            "Matches": [],
            "Log": [],
        },
    )
