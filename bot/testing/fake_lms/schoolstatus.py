"""SchoolStatus Connect's API on the fake (designed from its end-of-year guide, seed 001;
reference: ``docs/lms-api/schoolstatus.md``)."""

from __future__ import annotations

import json
from functools import partial

from bot.lms.mock import schoolstatus as model
from bot.lms.mock.shared import reports_dir
from bot.testing.fake_lms.faults import Limit
from bot.testing.fake_lms.http import Call, Response, Router
from bot.testing.fake_lms.model import Item, Write
from bot.testing.fake_lms.system import System, json_error
from bot.testing.fake_lms.vendor import (
    Bulk,
    Collection,
    add_bulk,
    add_collections,
    add_settings,
    day,
    setting_handler,
    single,
)

SLUG = "schoolstatus"
BATCH = 100
LIMIT = Limit(10, 1)
MOST_IN_FEED = 100_000
COLLECTIONS = (
    Collection("students", "students", "student"),
    Collection("staff", "educators", "staff member"),
    Collection("classrooms", "classes", "classroom"),
    Collection("enrollments", "enrollments", "enrollment"),
)
REPORT_NAMES = tuple(model.REPORTS)


_write = partial(Write, model.SYSTEM)
"""A route's write on this vendor's records."""


BULK = (
    Bulk(
        "/v1/staff:remove", _write("remove inactive staff", "educators", "staff member", "removed")
    ),
    Bulk(
        "/v1/classrooms:archive", _write("archive classrooms", "classes", "classroom", "archived")
    ),
    Bulk("/v1/students:archive", _write("archive students", "students", "student", "archived")),
    Bulk("/v1/students:delete", _write("delete students", "students", "student", "deleted")),
    Bulk(
        "/v1/students:merge",
        _write("merge duplicate students", "students", "student", "merged"),
        ("survivor",),
        ("survivor",),
    ),
)


def build() -> System:
    router = Router()
    system = System(SLUG, model.SYSTEM, router, LIMIT, BATCH, json_error, "schoolstatus.md")
    add_collections(router, system, COLLECTIONS)
    add_settings(router, system)
    for bulk in BULK:
        add_bulk(router, system, bulk)
    router.add("GET", "/v1/sync", _sync_state)
    for verb, action in (("pause", "pause sync"), ("resume", "resume sync")):
        router.add(
            "POST",
            f"/v1/sync:{verb}",
            setting_handler(system, _write(action, "settings", "sync", must_exist=False), "sync"),
        )
    router.add("PUT", "/v1/sync/deletion-threshold", lambda call: _threshold(call, system))
    router.add("POST", "/v1/sync:run", lambda call: _run_sync(call, system))
    router.add("POST", "/v1/reports:download", lambda call: _download(call, system))
    router.add("GET", "/v1/reports", _reports)
    router.add("GET", "/v1/reports/{report}", lambda call: _report(call, system))
    return system


def _sync_state(call: Call) -> Response:
    settings = call.model.settings(model.SYSTEM)
    return Response(
        200,
        {
            "state": settings.get("sync", "on"),
            "deletion_threshold": float(
                settings.get("deletion_threshold", model.DEFAULT_THRESHOLD)
            ),
        },
    )


def _threshold(call: Call, system: System) -> Response:
    """The share (percent) of active students a sync may archive before it fails."""
    percent = call.object().get("percent")
    if isinstance(percent, bool) or not isinstance(percent, int | float):
        raise system.fail(400, "invalid_percent", f"percent must be a number, not {percent!r}")
    write = _write("set deletion threshold", "settings", "deletion_threshold", must_exist=False)
    return single(call, system, write, Item("deletion_threshold", {"percent": f"{percent:g}"}))


def _run_sync(call: Call, system: System) -> Response:
    """A roster sync from the SIS feed in the body (``students``: every student the SIS
    has): creates and updates, then archives the active students missing from it, unless
    that is over the deletion threshold (422; the creates and updates stay)."""
    feed = call.object().get("students")
    if not isinstance(feed, list) or not all(
        isinstance(r, dict) and str(r.get("id", "")).strip() for r in feed
    ):
        raise system.fail(
            400, "invalid_students", "students must be a list of objects, each with an id"
        )
    if len(feed) > MOST_IN_FEED:
        raise system.fail(
            400, "too_many_records", f"a sync feed holds at most {MOST_IN_FEED:,} students"
        )
    rows = [
        {"id": str(r["id"]).strip()} | {f: str(r.get(f) or "") for f in model.FEED_FIELDS}
        for r in feed
    ]
    write = _write("sync roster", "sync", "sync", must_exist=False)
    return single(call, system, write, Item("students", {"feed": json.dumps(rows)}))


def _download(call: Call, system: System) -> Response:
    """Save the Connect reports (students, staff, classrooms) as they are now."""
    on = day(system, call.object(), "on", call.today.isoformat())
    write = _write("download reports", "reports", "reports", must_exist=False)
    return single(call, system, write, Item("reports", {"on": on}))


def _saved(call: Call) -> dict[str, str]:
    raw = call.model.settings(model.SYSTEM).get("reports")
    return json.loads(raw) if raw else {}


def _reports(call: Call) -> Response:
    return Response(200, {"reports": _saved(call)})


def _report(call: Call, system: System) -> Response:
    name = call.parts["report"]
    if name not in REPORT_NAMES:
        raise system.fail(
            404, "not_found", f"no report {name!r}: reports are {', '.join(REPORT_NAMES)}"
        )
    saved = _saved(call).get(name)
    if not saved:
        raise system.fail(404, "not_found", f"the {name} report has not been downloaded yet")
    path = reports_dir(call.model.store) / saved
    if not path.is_file():
        raise system.fail(
            404, "not_found", f"the {name} report {saved} is gone: download the reports again"
        )
    return Response(200, path.read_text(encoding="utf-8"), "text/csv; charset=utf-8")
