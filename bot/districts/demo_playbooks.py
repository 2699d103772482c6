"""The demo district for each vendor's playbook: the steps ticked, the rows they act on, and
what the mock LMS holds besides the rosters (duplicates, another Renaissance site)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.actions import registry
from bot.districts.demo_calendar import calendar_rows, demo_anchors, school_day_from, training_rows
from bot.districts.demo_rosters import ADMIN, COORDINATOR, REGISTRAR, SCHOOLS, District
from bot.districts.playbooks import load_playbook
from bot.lms.mock import MockLMS
from bot.lms.mock import edgenuity as mock_edgenuity
from bot.lms.mock import renaissance as mock_renaissance
from bot.lms.mock.store import MockStore

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
    _set(rows, "S-004", Parameters=f"setting=active_year; expected={year}")
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
        "Calendar": calendar_rows(rollover),
        "Training": training_rows(rollover),
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
