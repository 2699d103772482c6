"""A deterministic sample district for the demo: two high schools, grades 9-12."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays
import pandas as pd

from bot.actions import registry
from bot.core.calendar import CalendarRules, DistrictCalendar
from bot.core.values import DateAnchors
from bot.lms.mock import MockLMS
from bot.lms.mock import edgenuity as mock_edgenuity
from bot.lms.mock import renaissance as mock_renaissance
from bot.lms.mock.store import MockStore
from bot.national_holidays import national_holidays
from bot.playbooks import load_playbook

SCHOOLS = ("North High", "South High")
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
COUNTRY = "US"
"""The demo district's national holidays: its Calendar tab lists those around the rollover."""
HOLIDAYS_BEFORE = 45
HOLIDAYS_AFTER = 150
"""The demo's Calendar lists the national holidays from this many days before the rollover
to this many after it."""
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


def holidays_calendar(around: date) -> DistrictCalendar:
    """Business days with the demo country's national holidays (the years around ``around``)."""
    years = {around.year - 1, around.year, around.year + 1}
    return DistrictCalendar(
        rules=CalendarRules(national_holidays=national_holidays(COUNTRY, "", years))
    )


def demo_anchors(today: date, rollover: date) -> DateAnchors:
    """Relative dates of the demo's playbooks, business days with its national holidays."""
    return DateAnchors(today, rollover, holidays_calendar(rollover).add_business_days)


def national_rows(rollover: date) -> list[dict[str, str]]:
    """The national holidays around the rollover, as Calendar rows."""
    first = rollover - timedelta(days=HOLIDAYS_BEFORE)
    last = rollover + timedelta(days=HOLIDAYS_AFTER)
    found = holidays.country_holidays(COUNTRY, years=range(first.year, last.year + 1))
    return [
        {"Date": day.isoformat(), "Type": "holiday", "Name": f"{name} ({COUNTRY})", "School": ""}
        for day, name in sorted(found.items())
        if first <= day <= last
    ]


def _calendar(rollover: date) -> list[dict[str, str]]:
    return [
        {
            "Date": holidays_calendar(rollover).business_day_before(rollover).isoformat(),
            "Type": "pause",
            "Name": "Roster pause",
            "School": "",
        },
        {
            "Date": rollover.isoformat(),
            "Type": "rollover",
            "Name": "Mid-year rollover",
            "School": "",
        },
        {
            "Date": (rollover + timedelta(days=3)).isoformat(),
            "Type": "first day",
            "Name": "Semester 2 begins",
            "School": "",
        },
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
        *national_rows(rollover),
    ]


def school_day_from(day: date, calendar: list[dict[str, str]]) -> date:
    """``day``, or the first school day after it in the demo's calendar."""
    rules = holidays_calendar(day).rules
    district = DistrictCalendar.from_frame(pd.DataFrame(calendar, dtype=object), rules)
    return day if district.is_school_day(day) else district.next_school_day(day)


def _training(rollover: date) -> list[dict[str, str]]:
    return [
        {
            "Session": "Edgenuity mid-year data management webinar",
            "Date": (rollover + timedelta(days=10)).isoformat(),
            "Audience": "school admins",
            "Reserve by": (rollover - timedelta(days=5)).isoformat(),
            "Owner": COORDINATOR,
            "Status": "requested",
        },
    ]


def _checklist(rollover: date, second_term_class: str) -> list[dict[str, str]]:
    """The Edgenuity mid-year playbook, with the steps a district would tick first."""
    calendar = _calendar(rollover)
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
            "Calendar": _calendar(rollover),
            "Training": _training(rollover),
        },
    )


SYSADMIN = "sysadmin@demo-district.org"
OTHER_SITE = "Lakeside District"
TRANSFER_KEY = "demo:lakeside:year-10"
TRANSFER_CODE = mock_renaissance.code_for(TRANSFER_KEY)


def _tick_registered(rows: list[dict[str, str]]) -> None:
    """Tick every step whose action the bot knows (people's steps included: their owners
    say they are done); owners alternate by phase."""
    catalogue = registry().catalogue
    for n, row in enumerate(rows):
        row["Owner"] = COORDINATOR if n % 2 else REGISTRAR
        known = catalogue.get(row["System"], row["Action"]) is not None
        row["Run"] = "TRUE" if known else "FALSE"


def _set(rows: list[dict[str, str]], step: str, **cells: str) -> None:
    for row in rows:
        if row["Step ID"] == step:
            row.update(cells)


def _edgenuity(rows: list[dict[str, str]], tabs: dict[str, list[dict[str, str]]]) -> None:
    rollover = date.fromisoformat(tabs["Calendar"][1]["Date"])
    target = school_day_from(rollover + timedelta(days=140), tabs["Calendar"])
    start = rollover + timedelta(days=3)
    _set(rows, "S-003", Parameters=f"start_date={start}; target_date={target}")
    _set(rows, "S-004", Parameters="version=2026")
    for course in tabs["Courses"]:
        course["Select"] = "TRUE" if course["Course ID"] == "C-GEO" else "FALSE"
    for educator in tabs["Educators"]:
        educator["Select"] = "TRUE" if educator["Educator ID"] in ("T0003", "T0004") else "FALSE"


def _schoolstatus(rows: list[dict[str, str]], tabs: dict[str, list[dict[str, str]]]) -> None:
    inactive = [s for s in tabs["Students"] if s["Status"] == "inactive"]
    for student in inactive[:2]:
        student["Status"] = "withdrawn"


def _twig(rows: list[dict[str, str]], tabs: dict[str, list[dict[str, str]]]) -> None:
    _set(
        rows,
        "S-009",
        Parameters="message=twig-rostering-method; current_method=Clever; new_method=ClassLink",
    )
    for n, (first, last) in enumerate((("Maya", "Reyes"), ("Theo", "Walsh")), start=1):
        tabs["Students"].append(
            {
                "Student ID": f"SUM{n:03d}",
                "First name": first,
                "Last name": last,
                "Grade": "9",
                "School": SCHOOLS[0],
                "Status": "new",
                "Email": f"{first.lower()}.{last.lower()}@students.demo-district.org",
                "Select": "TRUE",
            }
        )


def _renaissance(rows: list[dict[str, str]], tabs: dict[str, list[dict[str, str]]]) -> None:
    first_active = next(s["Student ID"] for s in tabs["Students"] if s["Status"] == "active")
    _set(
        rows,
        "S-002",
        Parameters="message=renaissance-request; to=admin@lakeside.example.org; "
        f"other_site={OTHER_SITE}; students=year 10",
    )
    _set(rows, "S-003", Parameters=f"code={TRANSFER_CODE}; enrol_in={SCHOOLS[0]}")
    _set(rows, "S-005", Parameters=f"code={TRANSFER_CODE}")
    _set(rows, "S-009", Parameters=f"student={first_active}")


def _schoology(rows: list[dict[str, str]], tabs: dict[str, list[dict[str, str]]]) -> None:
    rollover = date.fromisoformat(tabs["Calendar"][1]["Date"])
    year = f"{rollover.year}-{rollover.year + 1}"
    start = school_day_from(rollover + timedelta(days=3), tabs["Calendar"])
    end = school_day_from(rollover + timedelta(days=140), tabs["Calendar"])
    _set(rows, "S-004", Parameters=f"year={year}")
    _set(rows, "S-005", Parameters=f"name={year} S1; start_date={start}; end_date={end}")
    tabs["Educators"].append(
        {
            "Educator ID": "T0021",
            "Name": "Sys Admin",
            "Email": SYSADMIN,
            "Role": "System Admin",
            "School": "",
            "Status": "active",
            "Select": "FALSE",
        }
    )


PLAYBOOK_DATA = {
    "Edgenuity": _edgenuity,
    "SchoolStatus": _schoolstatus,
    "Twig Science": _twig,
    "Renaissance": _renaissance,
    "Schoology": _schoology,
}


def playbook_district(
    playbook: str,
    rollover: date,
    today: date,
    students: list[dict[str, str]],
    educators: list[dict[str, str]],
    courses: list[dict[str, str]],
    classes: list[dict[str, str]],
    enrollments: list[dict[str, str]],
) -> District:
    """The demo district with ``playbook`` as its Checklist and what its steps need."""
    rows = load_playbook(playbook, demo_anchors(today, rollover))
    _tick_registered(rows)
    tabs = {
        "Checklist": rows,
        "Students": students,
        "Educators": educators,
        "Courses": courses,
        "Classes": classes,
        "Enrollments": enrollments,
        "Calendar": _calendar(rollover),
        "Training": _training(rollover),
    }
    for system in sorted({r["System"] for r in rows}):
        prepare = PLAYBOOK_DATA.get(system)
        if prepare is not None:
            prepare(rows, tabs)
    return District("Demo District", rollover, tabs, [ADMIN, COORDINATOR], playbook)


def seed_extras(lms: MockLMS, district: District, today: date) -> None:
    """What the mock LMS holds beyond the roster: the state each playbook's steps meet."""
    store = lms.store
    with store.transaction():
        if "Edgenuity" in district.systems and district.playbook:
            mock_edgenuity.set_permissions(
                store, "T0003", mock_edgenuity.ROLE_DEFAULTS["teacher"] + ", manage schools"
            )
        if "SchoolStatus" in district.systems:
            _duplicates(store, district.tabs["Students"])
        if "Renaissance" in district.systems:
            _second_site(store, district.tabs["Students"], today)


def _duplicates(store: MockStore, students: list[dict[str, str]]) -> None:
    """Manually uploaded duplicates: one with the same name and birth date, one same email."""
    active = [s for s in students if s["Status"] == "active"]
    for source, keep in (
        (active[0], ("First name", "Last name", "Birth date")),
        (active[1], ("Email",)),
    ):
        data = {
            "first_name": source["First name"] if "First name" in keep else "Dup",
            "last_name": source["Last name"] if "Last name" in keep else "Licate",
            "birth_date": source["Birth date"] if "Birth date" in keep else "",
            "email": source["Email"] if "Email" in keep else "",
            "grade": source["Grade"],
            "school": source["School"],
        }
        store.put("SchoolStatus", "students", f"M-{source['Student ID']}", "active", data)


def _second_site(store: MockStore, students: list[dict[str, str]], today: date) -> None:
    """Lakeside District, a second Renaissance site, and the year-10 code it sent."""
    active = [s for s in students if s["Status"] == "active"]
    incoming = [
        {
            "student_id": f"L-{n}",
            "first_name": s["First name"],
            "last_name": s["Last name"],
            "birth_date": s["Birth date"],
            "email": "",
            "year": "10",
            "scores": "4",
        }
        for n, s in enumerate(active[:2], start=1)
    ]
    incoming += [
        {
            "student_id": active[2]["Student ID"],
            "first_name": "Noor",
            "last_name": "Haddad",
            "year": "10",
            "user_name": "noor.haddad",
            "scores": "7",
        },
        {
            "student_id": "L-9",
            "first_name": "Leo",
            "last_name": "Park",
            "year": "10",
            "scores": "0",
        },
    ]
    mock_renaissance.add_site(store, OTHER_SITE, incoming)
    mock_renaissance.generate_code(
        store, TRANSFER_KEY, OTHER_SITE, today - timedelta(days=3), year="10"
    )
