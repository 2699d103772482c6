"""Schoology's REST API v1 on the fake, following its published shapes (reference and the
places its documentation is silent: ``docs/lms-api/schoology.md``). This module serves the
reads and ``multiget``; ``schoology_writes`` the writes; ``powerschool`` the stand-in for the
PowerSchool app's configuration page, which Schoology's API does not expose."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree

from bot.lms.mock.schoology import SYSTEM
from bot.lms.mock.schoology_records import USER_KINDS
from bot.testing.fake_lms import powerschool, schoology_writes
from bot.testing.fake_lms.faults import Limit
from bot.testing.fake_lms.http import ApiError, Call, Response, Router, page_args
from bot.testing.fake_lms.schoology_shapes import (
    ROLE_NAMES,
    Directory,
    Row,
    course_json,
    enrollments_json,
    inactive_json,
    period_json,
    role_json,
    school_json,
    section_json,
    user_json,
)
from bot.testing.fake_lms.system import System

SLUG = "schoology"
BATCH = 50
PAGE = 20
MOST_PER_PAGE = 200
MOST_IDS = 50
LIMIT = Limit(50, 5)
MULTIGET = re.compile(
    r"^/v1/(?:users|courses|sections|groups)/[^/]+"
    r"(?:/(?:sections|groups|enrollments|assignments|grade_items|grades|updates|discussions|events))?$"
)


def schoology_error(status: int, code: str, message: str, record: str = "") -> ApiError:
    """Schoology's error answer: the status, and ``response_code`` with ``message``."""
    return ApiError(status, {"response_code": status, "message": message})


def build() -> System:
    router = Router()
    system = System(SLUG, SYSTEM, router, LIMIT, BATCH, schoology_error, "schoology.md")
    router.add("GET", "/v1/users", lambda call: _users(call, active=True))
    router.add("GET", "/v1/users/inactive", lambda call: _users(call, active=False))
    router.add("GET", "/v1/users/inactive/{id}", _inactive_user)
    router.add("GET", "/v1/users/{id}", _user)
    router.add("GET", "/v1/roles", _roles)
    router.add("GET", "/v1/schools", _schools)
    router.add("GET", "/v1/schools/{id}", _school)
    router.add("GET", "/v1/courses", _courses)
    router.add("GET", "/v1/courses/{id}", _course)
    router.add("GET", "/v1/courses/{id}/sections", _course_sections)
    router.add("GET", "/v1/sections", _sections_by_code)
    router.add("GET", "/v1/sections/{id}", _section)
    router.add("GET", "/v1/sections/{id}/enrollments", _enrollments)
    router.add("GET", "/v1/sections/{id}/enrollments/{eid}", _enrollment)
    router.add("GET", "/v1/gradingperiods", _periods)
    router.add("GET", "/v1/gradingperiods/{id}", _period)
    router.add("POST", "/v1/multiget", lambda call: _multiget(call, router))
    schoology_writes.add(router, system)
    powerschool.add(router)
    return system


def directory(call: Call) -> Directory:
    return Directory(call.model, call.base_url)


def rows(
    call: Call, kinds: tuple[str, ...], keep: Callable[[str, dict[str, Any]], bool]
) -> list[Row]:
    """The records of ``kinds`` that ``keep(kind, row)`` keeps, in Schoology ID order."""
    found: list[Row] = []
    for kind in kinds:
        frame = call.model.frame(SYSTEM, kind)
        if frame.empty:
            continue
        records = [r for r in frame.to_dict("records") if keep(kind, r)]
        numbers = call.model.number_of(SYSTEM, kind, [str(r["id"]) for r in records])
        for r in records:
            data = {k: v for k, v in r.items() if k not in ("id", "status") and isinstance(v, str)}
            found.append((numbers.get(str(r["id"]), 0), kind, str(r["id"]), str(r["status"]), data))
    return sorted(found)


def paged(call: Call, name: str, items: list[Any], total_text: bool = True) -> Response:
    """A Schoology list: the page under ``name``, ``total`` and ``links`` (``next`` while
    more remain); ``start``/``limit`` with at most 200 a page."""
    start, limit = page_args(call, "start", PAGE, MOST_PER_PAGE)
    query = {k: v[-1] for k, v in call.query.items()}
    links = {"self": _url(call, query | {"start": str(start), "limit": str(limit)})}
    if start + limit < len(items):
        links["next"] = _url(call, query | {"start": str(start + limit), "limit": str(limit)})
    total: str | int = str(len(items)) if total_text else len(items)
    return Response(200, {name: items[start : start + limit], "total": total, "links": links})


def _url(call: Call, query: dict[str, str]) -> str:
    prefix = urlsplit(call.base_url).path
    return f"{call.base_url}{call.path[len(prefix) :]}?{urlencode(query)}"


def _ids_arg(call: Call, name: str) -> list[str]:
    ids = [i.strip() for i in call.arg(name).split(",") if i.strip()]
    if len(ids) > MOST_IDS:
        raise call.error(
            400, "too_many", f"{name} takes at most {MOST_IDS} values at a time; got {len(ids)}"
        )
    return ids


def _users(call: Call, active: bool) -> Response:
    d = directory(call)
    roles = {int(r) for r in _ids_arg(call, "role_ids") if r.isdigit()}
    uids = set(_ids_arg(call, "school_uids"))
    building = call.arg("building_id")
    found = rows(call, USER_KINDS, lambda kind, r: (r["status"] == "active") == active)
    if not active:
        return paged(
            call, "user", [inactive_json(n, k, i, data) for n, k, i, _, data in found], False
        )
    users = [user_json(d, n, k, i, data) for n, k, i, _, data in found]
    users = [
        u
        for u in users
        if (not roles or u["role_id"] in roles)
        and (not uids or u["school_uid"] in uids)
        and (not building or str(u["building_id"]) == building)
    ]
    return paged(call, "user", users)


def user_row(call: Call, number: str) -> Row:
    found = directory(call).find(number, USER_KINDS)
    if found is None:
        raise call.error(404, "not_found", f"User {number} not found.")
    kind, record, status, data = found
    return int(number), kind, record, status, data


def _user(call: Call) -> Response:
    number, kind, record, status, data = user_row(call, call.parts["id"])
    if status != "active":
        raise call.error(
            404, "not_found", f"User {number} is inactive: see users/inactive/{number}."
        )
    return Response(
        200, user_json(directory(call), number, kind, record, data) | {"send_message": 1}
    )


def _inactive_user(call: Call) -> Response:
    number, kind, record, status, data = user_row(call, call.parts["id"])
    if status == "active":
        raise call.error(404, "not_found", f"User {number} is not inactive.")
    return Response(200, inactive_json(number, kind, record, data))


def _roles(call: Call) -> Response:
    d = directory(call)
    return Response(200, {"role": [role_json(d, n, t) for n, t in sorted(ROLE_NAMES.items())]})


def _schools(call: Call) -> Response:
    d = directory(call)
    found = rows(call, ("schools",), lambda kind, r: True)
    return paged(call, "school", [school_json(d, n, i, data) for n, _, i, _, data in found])


def _one(call: Call, kind: str, noun: str) -> Row:
    number = call.parts["id"]
    found = directory(call).find(number, (kind,))
    if found is None:
        raise call.error(404, "not_found", f"{noun} {number} not found.")
    return int(number), *found


def _school(call: Call) -> Response:
    number, _, record, _, data = _one(call, "schools", "School")
    return Response(200, school_json(directory(call), number, record, data))


def _courses(call: Call) -> Response:
    d = directory(call)
    building = call.arg("building_id")
    found = rows(call, ("courses",), lambda kind, r: True)
    courses = [course_json(d, n, i, data) for n, _, i, _, data in found]
    return paged(
        call, "course", [c for c in courses if not building or c["building_id"] == building]
    )


def _course(call: Call) -> Response:
    number, _, record, _, data = _one(call, "courses", "Course")
    return Response(200, course_json(directory(call), number, record, data))


def sections_json(call: Call, found: list[Row]) -> list[dict[str, Any]]:
    d = directory(call)
    courses = {str(c): c for c in {data.get("course_id", "") for _, _, _, _, data in found}}
    numbers = call.model.number_of(SYSTEM, "courses", list(courses))
    course_data = {
        c: (numbers.get(c, 0), (call.model.get(SYSTEM, "courses", c) or ("", {}))[1])
        for c in courses
    }
    periods = rows(call, ("grading_periods",), lambda kind, r: r["status"] == "active")
    by_school: dict[str, list[int]] = {}
    for n, _, _, _, data in periods:
        by_school.setdefault(data.get("school", ""), []).append(n)
    return [
        section_json(
            d,
            n,
            status,
            record,
            data,
            course_data[data.get("course_id", "")],
            by_school.get(data.get("school", ""), []),
        )
        for n, _, record, status, data in found
    ]


def _course_sections(call: Call) -> Response:
    _, _, code, _, _ = _one(call, "courses", "Course")
    past = call.arg("include_past") == "1"
    found = rows(
        call,
        ("classes",),
        lambda kind, r: r.get("course_id") == code and (past or r["status"] == "active"),
    )
    return paged(call, "section", sections_json(call, found))


def _sections_by_code(call: Call) -> Response:
    codes = set(_ids_arg(call, "section_school_codes"))
    if not codes:
        raise call.error(400, "missing", "give section_school_codes (up to 50, comma-separated)")
    past = call.arg("include_past") == "1"
    found = rows(
        call, ("classes",), lambda kind, r: r["id"] in codes and (past or r["status"] == "active")
    )
    return paged(call, "section", sections_json(call, found))


def section_row(call: Call) -> Row:
    number = call.parts["id"]
    found = directory(call).find(number, ("classes",))
    if found is None:
        raise call.error(404, "not_found", f"Section {number} not found.")
    return int(number), *found


def _section(call: Call) -> Response:
    """One section: as listed, with its course's subject and grade range."""
    section = sections_json(call, [section_row(call)])[0]
    course = _course_data(call, section["course_code"])
    grades = {
        "subject_area": str(course["subject_area"]),
        "grade_level_range_start": str(course["grade_level_range_start"]),
        "grade_level_range_end": str(course["grade_level_range_end"]),
    }
    return Response(200, section | grades)


def _course_data(call: Call, code: str) -> dict[str, Any]:
    found = call.model.get(SYSTEM, "courses", code)
    number = directory(call).number("courses", code)
    return course_json(directory(call), number, code, found[1] if found else {})


def _enrollments(call: Call) -> Response:
    section, _, code, _, _ = section_row(call)
    found = rows(call, ("enrollments",), lambda kind, r: r.get("class_id") == code)
    enrollments = enrollments_json(directory(call), section, found)
    statuses = set(_ids_arg(call, "enrollment_status"))
    uids = set(_ids_arg(call, "uid"))
    enrollments = [
        e
        for e in enrollments
        if (not statuses or e["status"] in statuses) and (not uids or e["uid"] in uids)
    ]
    return paged(call, "enrollment", enrollments)


def enrollment_row(call: Call, section_code: str) -> Row:
    number = call.parts["eid"]
    found = directory(call).find(number, ("enrollments",))
    if found is None or found[3].get("class_id") != section_code:
        raise call.error(404, "not_found", f"Enrollment {number} not found in this section.")
    return int(number), *found


def _enrollment(call: Call) -> Response:
    section, _, code, _, _ = section_row(call)
    row = enrollment_row(call, code)
    return Response(200, enrollments_json(directory(call), section, [row])[0])


def _periods(call: Call) -> Response:
    d = directory(call)
    title, starts = call.arg("title"), call.arg("startswith") == "1"
    school = call.arg("school_id")
    found = rows(call, ("grading_periods",), lambda kind, r: True)
    periods = [period_json(d, n, status, data) for n, _, _, status, data in found]
    periods = [
        p
        for p in periods
        if (not title or (p["title"].startswith(title) if starts else p["title"] == title))
        and (not school or str(p["school_id"]) == school)
    ]
    start, limit = page_args(call, "start", PAGE, MOST_PER_PAGE)
    return Response(200, {"total": len(periods), "gradingperiods": periods[start : start + limit]})


def _period(call: Call) -> Response:
    number, _, _, status, data = _one(call, "grading_periods", "Grading period")
    return Response(200, period_json(directory(call), number, status, data))


def _multiget(call: Call, router: Router) -> Response:
    """Up to 50 GETs in one request: ``{"request": ["/v1/users/1", ...]}`` (or Schoology's
    XML ``<requests><request>...</request></requests>``); each answered in full, in order."""
    wanted = _multiget_paths(call)
    if not wanted:
        raise call.error(400, "missing", "give the GET paths to make under request")
    if len(wanted) > MOST_IDS:
        raise call.error(
            400, "too_many", f"multiget takes at most {MOST_IDS} requests; got {len(wanted)}"
        )
    answers = []
    for text in wanted:
        target = urlsplit(text.strip())
        location = f"{call.base_url}{target.path}"
        if not MULTIGET.match(target.path):
            answers.append(
                {
                    "response_code": 400,
                    "location": location,
                    "body": {
                        "response_code": 400,
                        "message": f"multiget does not serve {target.path}",
                    },
                }
            )
            continue
        sub = Call(
            "GET",
            urlsplit(call.base_url).path + target.path,
            call.base_url,
            parse_qs(target.query, keep_blank_values=True),
            b"",
            call.model,
            call.faults,
            call.today,
            call.principal,
            {},
            call.error,
        )
        try:
            found = router.route("GET", target.path)
            if found is None:
                raise call.error(404, "not_found", f"{target.path} not found.")
            sub.parts = found[1]
            answer = found[0](sub)
            answers.append(
                {"response_code": answer.status, "location": location, "body": answer.body}
            )
        except ApiError as exc:
            answers.append({"response_code": exc.status, "location": location, "body": exc.body})
        except LookupError:
            answers.append(
                {
                    "response_code": 405,
                    "location": location,
                    "body": {"response_code": 405, "message": "only GET"},
                }
            )
    return Response(200, {"response": answers})


def _multiget_paths(call: Call) -> list[str]:
    text = call.raw_body.decode("utf-8", "replace").strip()
    if text.startswith("<"):
        try:
            root = ElementTree.fromstring(text)
        except ElementTree.ParseError as exc:
            raise call.error(
                400, "invalid_xml", f"the request body is not valid XML: {exc}"
            ) from None
        return [e.text or "" for e in root.iter("request")]
    body = call.object()
    requests = body.get("request", [])
    if isinstance(requests, str):
        requests = [requests]
    if not isinstance(requests, list) or not all(isinstance(r, str) for r in requests):
        raise call.error(400, "invalid", "request must be a list of paths such as /v1/users/1")
    return [str(r) for r in requests]
