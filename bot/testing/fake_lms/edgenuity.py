"""Edgenuity Courseware's API on the fake (designed from its mid-year data management
procedure, seed 000; reference: ``docs/lms-api/edgenuity.md``)."""

from __future__ import annotations

import json
from functools import partial

from bot.lms.mock import edgenuity as model
from bot.testing.fake_lms.faults import Limit
from bot.testing.fake_lms.http import Call, Response, Router
from bot.testing.fake_lms.model import Item, Write
from bot.testing.fake_lms.system import System, json_error
from bot.testing.fake_lms.vendor import (
    STUDENT_FIELDS,
    Bulk,
    Collection,
    add_bulk,
    add_collections,
    add_settings,
    day,
    setting_handler,
    single,
    text_field,
)

SLUG = "edgenuity"
BATCH = 200
LIMIT = Limit(20, 1)
WEEKS = ("5-day", "7-day")
COLLECTIONS = (
    Collection("students", "students", "student"),
    Collection("educators", "educators", "educator"),
    Collection("courses", "courses", "course"),
    Collection("classes", "classes", "class"),
    Collection("enrollments", "enrollments", "enrollment"),
)


_write = partial(Write, model.SYSTEM)
"""A route's write on this vendor's records."""


BULK = (
    Bulk(
        "/v1/students",
        _write("create students", "students", "student", must_exist=False),
        STUDENT_FIELDS,
        ("first_name", "last_name"),
    ),
    Bulk("/v1/students:archive", _write("archive students", "students", "student", "archived")),
    Bulk("/v1/students:promote", _write("promote grades", "students", "student")),
    Bulk(
        "/v1/students:changeHomeSchool",
        _write("change home school", "students", "student"),
        ("school",),
        ("school",),
    ),
    Bulk(
        "/v1/enrollments:complete",
        _write("complete enrollments", "enrollments", "enrollment", "completed"),
    ),
    Bulk(
        "/v1/enrollments:disable",
        _write("disable enrollments", "enrollments", "enrollment", "disabled"),
    ),
    Bulk(
        "/v1/enrollments:setDates",
        _write("set enrollment dates", "enrollments", "enrollment"),
        ("start_date", "target_date"),
    ),
    Bulk(
        "/v1/courses:updateVersion",
        _write("update course version", "courses", "course"),
        ("version",),
        ("version",),
    ),
    Bulk(
        "/v1/courses:removeExternalCode",
        _write("remove external course code", "courses", "course"),
    ),
    Bulk("/v1/courses:archive", _write("archive courses", "courses", "course", "archived")),
    Bulk("/v1/courses:remove", _write("remove custom courses", "courses", "course", "removed")),
    Bulk("/v1/educators:archive", _write("archive educators", "educators", "educator", "archived")),
    Bulk("/v1/educators:resetPermissions", _write("reset permissions", "educators", "educator")),
)


def build() -> System:
    router = Router()
    system = System(SLUG, model.SYSTEM, router, LIMIT, BATCH, json_error, "edgenuity.md")
    add_collections(router, system, COLLECTIONS)
    add_settings(router, system)
    for bulk in BULK:
        add_bulk(router, system, bulk)
    router.add("GET", "/v1/imports", lambda call: _imports(call))
    for verb, action in (
        ("pause", "pause imports"),
        ("resume", "resume imports"),
        ("run", "run import"),
    ):
        write = _write(action, "settings", "imports", must_exist=False)
        router.add("POST", f"/v1/imports:{verb}", setting_handler(system, write, "imports"))
    router.add("GET", "/v1/calendar", lambda call: _calendar(call, system))
    router.add("PUT", "/v1/calendar", lambda call: _set_calendar(call, system))
    return system


def _imports(call: Call) -> Response:
    return Response(200, {"state": call.model.settings(model.SYSTEM).get("imports", "on")})


def _calendar(call: Call, system: System) -> Response:
    raw = call.model.settings(model.SYSTEM).get("calendar")
    if not raw:
        raise system.fail(
            404, "not_found", "no district calendar is set: every day counts (7-day week)"
        )
    return Response(200, json.loads(raw))


def _set_calendar(call: Call, system: System) -> Response:
    """The district calendar: ``week`` (5-day or 7-day), ``closed`` days as
    ``[date, kind, name]`` and ``open`` days (make-up days) as dates."""
    body = call.object()
    week = text_field(system, body, "week", required=False) or "5-day"
    if week not in WEEKS:
        raise system.fail(400, "invalid_week", f"week must be 5-day or 7-day, not {week!r}")
    closed = body.get("closed", [])
    if not isinstance(closed, list) or not all(
        isinstance(d, list) and len(d) == 3 and all(isinstance(p, str) for p in d) for d in closed
    ):
        raise system.fail(400, "invalid_closed", "closed must be a list of [date, kind, name]")
    opened = body.get("open", [])
    if not isinstance(opened, list) or not all(isinstance(d, str) for d in opened):
        raise system.fail(400, "invalid_open", "open must be a list of dates")
    for when in [d[0] for d in closed] + opened:
        day(system, {"date": when}, "date")
    params = {"week": week, "closed": json.dumps(closed), "open": json.dumps(opened)}
    write = _write("set district calendar", "settings", "calendar", must_exist=False)
    return single(call, system, write, Item("calendar", params))
