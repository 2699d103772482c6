"""Store records as Schoology REST v1 objects (users, courses, sections, enrollments,
grading periods, schools), and Schoology's numeric IDs.

A record's Schoology ID is its row number in the store: stable for the life of the file, and
unique across kinds, as Schoology's IDs are. The district's own IDs are the ``school_uid`` of
a user, the ``course_code`` of a course and the ``section_school_code`` of a section.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.lms.mock.schoology import SYSTEM
from bot.testing.fake_lms.model import LMSModel

ROLES = {
    "student": (1, "Student"),
    "teacher": (2, "Teacher"),
    "school admin": (3, "School Admin"),
    "system admin": (4, "System Admin"),
    "district admin": (5, "District Admin"),
    "parent": (6, "Parent"),
}
Row = tuple[int, str, str, str, dict[str, str]]
"""``(number, kind, id, status, data)``: a record with its Schoology ID."""
ROLE_NAMES = dict(ROLES.values())
FACULTY = {2, 3, 4, 5}
"""The roles of staff (Schoology's ``faculty`` flag)."""
OTHER_ROLE = 0
ENROLLMENT_CODES = {
    "active": 1,
    "expired": 2,
    "completed": 2,
    "invite pending": 3,
    "request pending": 4,
    "archived": 5,
    "disabled": 5,
}
CODE_STATUS = {1: "active", 2: "expired", 3: "invite pending", 4: "request pending", 5: "archived"}


def role_id(role: str) -> int:
    return ROLES.get(role.strip().casefold(), (OTHER_ROLE, ""))[0]


class Directory:
    """Schoology IDs of the store's records, looked up as a request needs them."""

    def __init__(self, model: LMSModel, base_url: str) -> None:
        self.model = model
        self.base_url = base_url
        self._schools: dict[str, int] | None = None

    def numbers(self, kind: str, records: list[str]) -> dict[str, int]:
        return self.model.number_of(SYSTEM, kind, records)

    def number(self, kind: str, record: str) -> int:
        return self.numbers(kind, [record]).get(record, 0)

    def find(
        self, number: str, kinds: tuple[str, ...]
    ) -> tuple[str, str, str, dict[str, str]] | None:
        """``(kind, id, status, data)`` of the record with Schoology ID ``number`` when it is
        one of ``kinds``."""
        if not number.isdigit():
            return None
        found = self.model.by_number(SYSTEM, int(number))
        return found if found is not None and found[0] in kinds else None

    def school(self, name: str) -> int:
        if self._schools is None:
            frame = self.model.frame(SYSTEM, "schools")
            self._schools = (
                self.numbers("schools", [str(i) for i in frame["id"]]) if len(frame) else {}
            )
        return self._schools.get(name, 0)

    def link(self, path: str) -> str:
        return f"{self.base_url}/v1/{path}"


def names(kind: str, data: dict[str, str]) -> tuple[str, str]:
    if kind == "students":
        return data.get("first_name", ""), data.get("last_name", "")
    first, _, last = data.get("name", "").partition(" ")
    return first, last


def user_json(
    directory: Directory, number: int, kind: str, record: str, data: dict[str, str]
) -> dict[str, Any]:
    first, last = names(kind, data)
    school = directory.school(data.get("school", ""))
    role = ROLES["student"][0] if kind == "students" else role_id(data.get("role", ""))
    return {
        "uid": str(number),
        "id": number,
        "school_id": school,
        "synced": 0,
        "school_uid": record,
        "building_id": school,
        "additional_buildings": "",
        "name_title": "",
        "name_title_show": 0,
        "name_first": first,
        "name_first_preferred": "",
        "name_middle": "",
        "name_middle_show": 0,
        "name_last": last,
        "name_display": f"{first} {last}".strip(),
        "username": data.get("username", ""),
        "primary_email": data.get("email", ""),
        "picture_url": "",
        "gender": None,
        "position": None,
        "grad_year": data.get("graduation_year", ""),
        "birthday_date": data.get("birth_date", ""),
        "password": "",
        "role_id": role,
        "tz_offset": 0,
        "tz_name": "",
        "parents": None,
        "child_uids": None,
    }


def _epoch(day: str) -> int:
    """A date's midnight (UTC) as Unix time; 0 when the date is not known."""
    try:
        return int(datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC).timestamp())
    except ValueError:
        return 0


def role_json(directory: Directory, number: int, title: str) -> dict[str, Any]:
    return {
        "id": str(number),
        "title": title,
        "faculty": 1 if number in FACULTY else 0,
        "role_type": 1,
        "links": {"self": directory.link(f"roles/{number}")},
    }


def inactive_json(number: int, kind: str, record: str, data: dict[str, str]) -> dict[str, Any]:
    first, last = names(kind, data)
    return {
        "uid": number,
        "name": f"{first} {last}".strip(),
        "school_uid": record,
        "synced": 0,
        "inactive_timestamp": _epoch(data.get("inactive_since", "")),
        "modified_by_uid": 0,
    }


def course_json(
    directory: Directory, number: int, record: str, data: dict[str, str]
) -> dict[str, Any]:
    school = directory.school(data.get("school", ""))
    return {
        "id": number,
        "title": data.get("title", ""),
        "course_code": record,
        "department": data.get("department", ""),
        "description": data.get("description", ""),
        "credits": 0,
        "subject_area": 0,
        "grade_level_range_start": 0,
        "grade_level_range_end": 0,
        "synced": 0,
        "building_id": str(school) if school else "",
    }


def section_json(
    directory: Directory,
    number: int,
    status: str,
    record: str,
    data: dict[str, str],
    course: tuple[int, dict[str, str]],
    periods: list[int],
) -> dict[str, Any]:
    return {
        "id": str(number),
        "course_title": course[1].get("title", ""),
        "course_code": data.get("course_id", ""),
        "course_id": str(course[0]) if course[0] else "",
        "school_id": str(directory.school(data.get("school", ""))),
        "access_code": "",
        "section_title": data.get("title", ""),
        "section_code": data.get("term", ""),
        "section_school_code": record,
        "synced": "0",
        "active": 1 if status == "active" else 0,
        "description": "",
        "grading_periods": periods,
        "profile_url": "",
        "location": "",
        "meeting_days": [""],
        "start_time": "",
        "end_time": "",
        "weight": "0",
        "options": {
            "weighted_grading_categories": "0",
            "upload_documents": "0",
            "create_discussion": "0",
            "member_post": "1",
            "member_post_comment": "1",
            "content_index_visibility": dict.fromkeys(
                (
                    "topics",
                    "assignments",
                    "assessments",
                    "documents",
                    "discussion",
                    "album",
                    "pages",
                ),
                1,
            ),
        },
        "links": {"self": directory.link(f"sections/{number}")},
        "admin": 1,
    }


def enrollment_json(
    directory: Directory,
    number: int,
    status: str,
    section: int,
    data: dict[str, str],
    user: tuple[int, str, dict[str, str]],
) -> dict[str, Any]:
    user_number, kind, person = user
    first, last = names(kind, person)
    record = data.get("student_id") or data.get("educator_id", "")
    return {
        "id": str(number),
        "uid": str(user_number),
        "school_uid": record,
        "name_title": "",
        "name_title_show": "0",
        "name_first": first,
        "name_first_preferred": "",
        "name_middle": "",
        "name_middle_show": "0",
        "name_last": last,
        "name_display": f"{first} {last}".strip(),
        "admin": int(data.get("admin", "0") or 0),
        "status": str(ENROLLMENT_CODES.get(status, 5)),
        "picture_url": "",
        "links": {"self": directory.link(f"sections/{section}/enrollments/{number}")},
    }


def period_json(
    directory: Directory, number: int, status: str, data: dict[str, str]
) -> dict[str, Any]:
    return {
        "id": number,
        "title": data.get("name", ""),
        "start": data.get("start_date", ""),
        "end": data.get("end_date", ""),
        "active": "1" if status == "active" else "0",
        "school_id": directory.school(data.get("school", "")),
        "links": {"self": directory.link(f"gradingperiods/{number}")},
    }


def school_json(
    directory: Directory, number: int, record: str, data: dict[str, str]
) -> dict[str, Any]:
    return {
        "id": str(number),
        "title": data.get("name", record),
        "address1": "",
        "address2": "",
        "city": "",
        "state": "",
        "postal_code": "",
        "country": "",
        "website": "",
        "phone": "",
        "fax": "",
        "building_code": "",
        "picture_url": "",
        "links": {"self": directory.link(f"schools/{number}")},
    }


def enrollments_json(directory: Directory, section: int, found: list[Row]) -> list[dict[str, Any]]:
    """Section ``section``'s enrollments, each with its user's Schoology ID and names."""
    model = directory.model
    people: dict[str, tuple[int, str, dict[str, str]]] = {}
    for kind, field in (("students", "student_id"), ("educators", "educator_id")):
        ids = sorted({data[field] for _, _, _, _, data in found if data.get(field)})
        numbers = model.number_of(SYSTEM, kind, ids)
        for i in ids:
            person = model.get(SYSTEM, kind, i)
            people[i] = (numbers.get(i, 0), kind, person[1] if person else {})
    out = []
    for n, _, _, status, data in found:
        who = data.get("student_id") or data.get("educator_id", "")
        out.append(
            enrollment_json(
                directory, n, status, section, data, people.get(who, (0, "students", {}))
            )
        )
    return out
