"""Twig Science's API on the fake (designed from its end-of-year rostering guide, seed 002;
reference: ``docs/lms-api/twig.md``)."""

from __future__ import annotations

from functools import partial

from bot.lms.mock import twig as model
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
    single,
)

SLUG = "twig"
BATCH = 100
LIMIT = Limit(10, 1)
COLLECTIONS = (
    Collection("students", "students", "student"),
    Collection("teachers", "educators", "teacher"),
    Collection("classes", "classes", "class"),
    Collection("enrollments", "enrollments", "enrollment"),
    Collection("assignments", "assignments", "assignment"),
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
    Bulk(
        "/v1/students:importSummerRoster",
        _write("import summer school roster", "students", "student", must_exist=False),
        STUDENT_FIELDS,
        ("first_name", "last_name"),
    ),
    Bulk("/v1/classes:archive", _write("archive previous year", "classes", "class", "archived")),
)


def build() -> System:
    router = Router()
    system = System(SLUG, model.SYSTEM, router, LIMIT, BATCH, json_error, "twig.md")
    add_collections(router, system, COLLECTIONS)
    add_settings(router, system)
    for bulk in BULK:
        add_bulk(router, system, bulk)
    router.add("GET", "/v1/rostering", _rostering)
    router.add("POST", "/v1/rostering:pause", lambda call: _pause(call, system))
    router.add("POST", "/v1/rostering:resume", lambda call: _resume(call, system))
    return system


def _rostering(call: Call) -> Response:
    """Rostering on the server's date: a pause set ahead reads ``on`` until its date."""
    settings = call.model.settings(model.SYSTEM)
    return Response(
        200,
        {
            "state": settings.get("rostering", "on"),
            "pause_date": settings.get("pause_date") or None,
            "rollover_date": settings.get("rollover_date") or None,
        },
    )


def _pause(call: Call, system: System) -> Response:
    """Pause rostering for the rollover on ``rollover_date``, from ``pause_date`` (the
    district calendar's business day before it; default: Twig's, weekends only). Set ahead,
    the pause takes effect on its date; set late, at once."""
    body = call.object()
    rollover = day(system, body, "rollover_date")
    params = {"rollover_date": rollover}
    if body.get("pause_date") is not None:
        params["pause_date"] = day(system, body, "pause_date")
        if params["pause_date"] >= rollover:
            raise system.fail(
                400,
                "invalid_pause_date",
                f"pause_date {params['pause_date']} must be before the rollover date {rollover}",
            )
    write = _write("pause rostering", "settings", "rostering", must_exist=False)
    return single(call, system, write, Item("rostering", params))


def _resume(call: Call, system: System) -> Response:
    call.object()
    write = _write("resume rostering", "settings", "rostering", must_exist=False)
    return single(call, system, write, Item("rostering"))
