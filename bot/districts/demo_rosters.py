"""The demo district's rosters: students, educators, courses, classes and enrollments, drawn
from a seeded random generator (the same district every time)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

SCHOOLS = ("North High", "South High")

ADMIN = "admin@demo-district.org"

COORDINATOR = "coordinator@demo-district.org"

REGISTRAR = "registrar@demo-district.org"


@dataclass
class District:
    name: str
    rollover: date
    tabs: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    admins: list[str] = field(default_factory=list)
    playbook: str = ""

    @property
    def systems(self) -> list[str]:
        """The systems its Checklist uses (the mock LMS seeds each from the roster tabs)."""
        return sorted({r["System"] for r in self.tabs["Checklist"] if r.get("System")})


FIRST = (
    "Ana",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Jade",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vic",
    "Wen",
    "Xena",
    "Yusuf",
    "Zoe",
)
LAST = (
    "Garcia",
    "Smith",
    "Nguyen",
    "Johnson",
    "Okafor",
    "Patel",
    "Kim",
    "Rossi",
    "Haddad",
    "Lopez",
    "Brown",
    "Silva",
    "Cohen",
    "Ali",
    "Novak",
    "Moreau",
    "Tanaka",
    "Diaz",
)
COURSES = (
    ("ALG1", "Algebra I", "EXT-ALG1"),
    ("GEO", "Geometry", "EXT-GEO"),
    ("ALG2", "Algebra II", ""),
    ("BIO", "Biology", "EXT-BIO"),
    ("CHEM", "Chemistry", ""),
    ("ENG9", "English 9", "EXT-ENG9"),
    ("ENG10", "English 10", ""),
    ("USH", "US History", "EXT-USH"),
    ("GOV", "Government", ""),
    ("SPAN1", "Spanish I", ""),
)


def _students(rng: random.Random, count: int, today: date) -> list[dict[str, str]]:
    rows = []
    for n in range(1, count + 1):
        grade = 9 + (n - 1) % 4
        school = SCHOOLS[(n // 4) % 2]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        status = "active"
        roll = rng.random()
        if grade == 12 and roll < 0.12:
            status = "graduated"
        elif roll < 0.04:
            status = "new"
        elif roll < 0.06:
            status = "transfer"
        elif roll < 0.10:
            status = "inactive"
        login = today - timedelta(
            days=rng.randint(200, 400) if status == "inactive" else rng.randint(0, 60)
        )
        rows.append(
            {
                "Student ID": f"{n:06d}",
                "First name": first,
                "Last name": last,
                "Grade": str(grade),
                "School": school,
                "Status": status,
                "Graduation year": str(today.year + (12 - grade) + (1 if today.month > 6 else 0)),
                "Birth date": date(
                    today.year - grade - 6, rng.randint(1, 12), rng.randint(1, 28)
                ).isoformat(),
                "Email": f"{first.lower()}.{last.lower()}{n}@students.demo-district.org",
                "Last login": login.isoformat() if status not in ("new", "transfer") else "",
                "Select": "TRUE"
                if status == "active" and grade < 12 and rng.random() < 0.03
                else "FALSE",
            }
        )
    return rows


def _educators(rng: random.Random) -> list[dict[str, str]]:
    rows = []
    for n in range(1, 21):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        status = "inactive" if n in (7, 15) else "active"
        rows.append(
            {
                "Educator ID": f"T{n:04d}",
                "Name": f"{first} {last}",
                "Email": f"{first.lower()}.{last.lower()}@demo-district.org",
                "Role": "school admin" if n in (1, 11) else "teacher",
                "School": SCHOOLS[n % 2],
                "Status": status,
                "Last login": "",
                "Select": "FALSE",
            }
        )
    return rows


def _courses_and_classes(
    rng: random.Random,
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    courses, classes = [], []
    for code, title, external in COURSES:
        courses.append(
            {
                "Course ID": f"C-{code}",
                "Title": title,
                "Version": "2025",
                "External course code": external,
                "School": "",
                "Status": "active",
                "Select": "FALSE",
            }
        )
        for school in SCHOOLS:
            for term in ("S1", "S2"):
                tag = "NH" if school == "North High" else "SH"
                classes.append(
                    {
                        "Class ID": f"K-{tag}-{code}-{term}",
                        "Title": f"{title} {term}",
                        "Course ID": f"C-{code}",
                        "School": school,
                        "Term": term,
                        "Teacher ID": f"T{rng.randint(1, 20):04d}",
                        "Status": "active",
                        "Select": "FALSE",
                    }
                )
    return courses, classes


def _enrollments(
    rng: random.Random,
    students: list[dict[str, str]],
    classes: list[dict[str, str]],
    rollover: date,
) -> list[dict[str, str]]:
    rows = []
    n = 0
    for student in students:
        if student["Status"] in ("new", "transfer"):
            continue
        mine = [c for c in classes if c["School"] == student["School"] and c["Term"] == "S1"]
        for klass in rng.sample(mine, 3):
            n += 1
            progress = rng.choice((100, 100, 100, 92, 75, 40))
            rows.append(
                {
                    "Enrollment ID": f"E-{n:07d}",
                    "Student ID": student["Student ID"],
                    "Class ID": klass["Class ID"],
                    "Start date": (rollover - timedelta(days=130)).isoformat(),
                    "Target date": (rollover - timedelta(days=5)).isoformat(),
                    "Progress": str(progress),
                    "Earned credit": "yes" if progress == 100 else "no",
                    "Status": "active",
                    "Select": "TRUE" if progress < 50 and rng.random() < 0.5 else "FALSE",
                }
            )
        second = [c for c in classes if c["School"] == student["School"] and c["Term"] == "S2"]
        n += 1
        rows.append(
            {
                "Enrollment ID": f"E-{n:07d}",
                "Student ID": student["Student ID"],
                "Class ID": rng.choice(second)["Class ID"],
                "Start date": "",
                "Target date": "",
                "Progress": "0",
                "Earned credit": "no",
                "Status": "active",
                "Select": "FALSE",
            }
        )
    return rows
