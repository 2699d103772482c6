"""A stand-in for the PowerSchool app's configuration page in Schoology (seed 004): the acting
user, the sync mode, the active year and a sync run. Schoology's REST API has no endpoint for
these; the fake serves them under ``/schoology/powerschool/v1`` so the Schoology playbook can
run over HTTP, with the designed APIs' error shape."""

from __future__ import annotations

import json

from bot.lms.mock.schoology import SYSTEM
from bot.testing.fake_lms.faults import Limit
from bot.testing.fake_lms.http import Call, Response, Router
from bot.testing.fake_lms.model import Item, Write
from bot.testing.fake_lms.system import System, json_error
from bot.testing.fake_lms.vendor import single, text_field

PREFIX = "/powerschool/v1"
MODES = ("manual", "automatic")
STAND_IN = System("schoology", SYSTEM, Router(), Limit(1, 1), 1, json_error, "schoology.md")
"""Only its error shape is used: the stand-in answers as the designed APIs do."""


def _write(action: str, record: str) -> Write:
    return Write(SYSTEM, action, "settings", record, must_exist=False)


def add(router: Router) -> None:
    router.add("GET", f"{PREFIX}/settings", _settings)
    router.add("POST", f"{PREFIX}/acting-user:check", _check)
    router.add("PUT", f"{PREFIX}/acting-user", _acting_user)
    router.add("PUT", f"{PREFIX}/sync-mode", _sync_mode)
    router.add("PUT", f"{PREFIX}/active-year", _active_year)
    router.add("POST", f"{PREFIX}/sync", _sync)


def _settings(call: Call) -> Response:
    return Response(200, {"settings": call.model.settings(SYSTEM)})


def _check(call: Call) -> Response:
    call.object()
    return single(call, STAND_IN, _write("check acting user", "acting_user"), Item("acting_user"))


def _acting_user(call: Call) -> Response:
    user = text_field(STAND_IN, call.object(), "user")
    return single(
        call,
        STAND_IN,
        _write("set acting user", "acting_user"),
        Item("acting_user", {"user": user}),
    )


def _sync_mode(call: Call) -> Response:
    mode = text_field(STAND_IN, call.object(), "mode").casefold()
    if mode not in MODES:
        raise STAND_IN.fail(400, "invalid_mode", f"mode must be manual or automatic, not {mode!r}")
    return single(
        call, STAND_IN, _write("set sync mode", "sync_mode"), Item("sync_mode", {"mode": mode})
    )


def _active_year(call: Call) -> Response:
    year = text_field(STAND_IN, call.object(), "year")
    return single(
        call,
        STAND_IN,
        _write("set active year", "active_year"),
        Item("active_year", {"year": year}),
    )


def _sync(call: Call) -> Response:
    """A sync run from PowerSchool: ``feed`` is a list of records, each with ``kind``,
    ``id``, ``year`` and its fields; only the active year's come in, nothing is removed."""
    feed = call.object().get("feed")
    if not isinstance(feed, list) or not all(
        isinstance(r, dict) and r.get("kind") and r.get("id") for r in feed
    ):
        raise STAND_IN.fail(
            400, "invalid_feed", "feed must be a list of records, each with kind and id"
        )
    rows = [{k: str(v) for k, v in r.items()} for r in feed]
    return single(
        call, STAND_IN, _write("sync now", "sync"), Item("sync", {"feed": json.dumps(rows)})
    )
