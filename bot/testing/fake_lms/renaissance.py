"""Renaissance's student data transfer API on the fake (designed from its transfer
procedure, seed 003; reference: ``docs/lms-api/renaissance.md``)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

from bot.lms.mock import renaissance as model
from bot.testing.fake_lms.faults import Limit
from bot.testing.fake_lms.http import Call, Response, Router
from bot.testing.fake_lms.model import APPLIED, Item, Outcome, Write
from bot.testing.fake_lms.system import System, json_error
from bot.testing.fake_lms.vendor import (
    Collection,
    add_collections,
    add_settings,
    bulk_answer,
    day,
    page,
    record_json,
    single_answer,
    text_field,
)

SLUG = "renaissance"
BATCH = 50
LIMIT = Limit(5, 1)
PENDING = ("previewed",)
COMPLETED = ("imported with changes", "imported with no changes", "failed")
STATES = {"pending": PENDING, "completed": COMPLETED}
COLLECTIONS = (Collection("students", "students", "student"),)
GENERATE = Write(model.SYSTEM, "generate transfer code", "codes", "transfer code", must_exist=False)
PREVIEW = Write(model.SYSTEM, "preview transfer", "transfers", "transfer", must_exist=False)
IMPORT = Write(model.SYSTEM, "import transfer", "transfers", "transfer")
CANCEL = Write(model.SYSTEM, "cancel transfer", "transfers", "transfer")


def build() -> System:
    router = Router()
    system = System(SLUG, model.SYSTEM, router, LIMIT, BATCH, json_error, "renaissance.md")
    add_collections(router, system, COLLECTIONS)
    add_settings(router, system)
    router.add(
        "GET",
        "/v1/transfer-codes",
        lambda call: page(call, call.model.frame(model.SYSTEM, "codes"), _code_json),
    )
    router.add("GET", "/v1/transfer-codes/{code}", lambda call: _code(call, system))
    router.add("POST", "/v1/transfer-codes", lambda call: _generate(call, system))
    router.add(
        "POST", "/v1/transfer-codes:batchGenerate", lambda call: _generate_many(call, system)
    )
    router.add("GET", "/v1/imports", lambda call: _imports(call, system))
    router.add("POST", "/v1/imports", lambda call: _preview(call, system))
    router.add("GET", "/v1/imports/{code}", lambda call: _import(call, system))
    router.add("GET", "/v1/imports/{code}/log", lambda call: _log(call, system))
    router.add("POST", "/v1/imports/{code}:import", lambda call: _run_import(call, system))
    router.add("POST", "/v1/imports/{code}:cancel", lambda call: _cancel(call, system))
    return system


def _code_json(row: dict[str, Any]) -> dict[str, Any]:
    out = record_json(row)
    out["code"] = out.pop("id")
    created = out.get("created", "")
    if created:
        out["valid_until"] = (
            date.fromisoformat(created) + timedelta(days=model.VALID_DAYS)
        ).isoformat()
    return out


def _code(call: Call, system: System) -> Response:
    code = call.parts["code"]
    found = call.model.get(model.SYSTEM, "codes", code)
    if found is None:
        raise system.fail(404, "not_found", f"transfer code {code} does not exist", code)
    return Response(200, _code_json({"id": code, "status": found[0], **found[1]}))


def _request(call: Call, system: System, body: dict[str, Any]) -> Item:
    """A code request: for one ``student`` or one ``year``, on ``site`` (default: this
    district's site), made ``on`` a day (default: today on the server)."""
    settings = call.model.settings(model.SYSTEM)
    site = text_field(system, body, "site", required=False) or settings.get("site", model.HOME)
    student = text_field(system, body, "student", required=False)
    year = text_field(system, body, "year", required=False)
    on = day(system, body, "on", call.today.isoformat())
    what = f"student {student}" if student else f"year {year}"
    params = {"site": site, "on": on, "student": student, "year": year}
    return Item(f"{site}: {what}", params)


def _generated(call: Call, outcome: Outcome) -> dict[str, Any]:
    answer = outcome.to_json()
    if outcome.outcome == APPLIED:
        code = next((w for w in outcome.message.split() if w.startswith("RT-")), "")
        found = call.model.get(model.SYSTEM, "codes", code)
        if found is not None:
            answer |= _code_json({"id": code, "status": found[0], **found[1]})
    return answer


def _generate(call: Call, system: System) -> Response:
    outcome = call.model.apply_one(GENERATE, _request(call, system, call.object()))
    single_answer(system, outcome, 201)
    return Response(201, _generated(call, outcome))


def _generate_many(call: Call, system: System) -> Response:
    """Several code requests at once (``requests``), each answered on its own."""
    raw = call.object().get("requests")
    if not isinstance(raw, list) or not raw or not all(isinstance(r, dict) for r in raw):
        raise system.fail(400, "invalid_requests", "requests must be a non-empty list of objects")
    if len(raw) > system.batch:
        raise system.fail(
            400,
            "too_many_records",
            f"at most {system.batch} code requests per call; this one has {len(raw)}",
        )
    items = [_request(call, system, r) for r in raw]
    outcomes = call.model.apply(GENERATE, items, call.faults.partial(call.method, call.path))
    answer = bulk_answer(outcomes)
    answer.body["results"] = [_generated(call, o) for o in outcomes]
    return answer


def _import_json(record: str, status: str, data: dict[str, str]) -> dict[str, Any]:
    matches = json.loads(data.get("matches") or "[]")
    matched = sum(1 for m in matches if m.get("proposed"))
    out: dict[str, Any] = {
        "code": record,
        "status": status,
        "site": data.get("site", ""),
        "source_site": data.get("source_site", ""),
        "requesting_school": data.get("enrol_in", ""),
        "new": len(matches) - matched,
        "matched": matched,
        "matches": matches,
    }
    if data.get("log"):
        out["log"] = json.loads(data["log"])
    if data.get("reference"):
        out["reference"] = data["reference"]
    return out


def _imports(call: Call, system: System) -> Response:
    """The transfers entered on this site: ``?state=pending`` (preview ready, waiting for
    review) or ``?state=completed`` (imported or failed), else all."""
    frame = call.model.frame(model.SYSTEM, "transfers")
    state = call.arg("state")
    if state and state not in STATES:
        raise system.fail(
            400, "invalid_state", f"state must be pending or completed, not {state!r}"
        )
    if state and not frame.empty:
        frame = frame[frame["status"].isin(STATES[state])]
    return page(call, frame, lambda r: _import_json(str(r["id"]), str(r["status"]), _fields(r)))


def _fields(row: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in row.items() if isinstance(v, str)}


def _found(call: Call, system: System) -> tuple[str, str, dict[str, str]]:
    code = call.parts["code"]
    found = call.model.get(model.SYSTEM, "transfers", code)
    if found is None:
        raise system.fail(404, "not_found", f"no import of transfer code {code} on this site", code)
    return code, found[0], found[1]


def _import(call: Call, system: System) -> Response:
    return Response(200, _import_json(*_found(call, system)))


def _log(call: Call, system: System) -> Response:
    """The import log as the vendor's CSV (SourceImportStatus, ScoreImportStatus, ...)."""
    code, status, data = _found(call, system)
    if not data.get("log"):
        raise system.fail(
            404, "not_found", f"transfer {code} is {status}: it has no import log", code
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=model.LOG_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(json.loads(data["log"]))
    return Response(200, out.getvalue(), "text/csv; charset=utf-8")


def _answer(call: Call, system: System, outcome: Outcome, ok: int = 200) -> Response:
    single_answer(system, outcome, ok)
    found = call.model.get(model.SYSTEM, "transfers", outcome.record)
    body = outcome.to_json()
    if found is not None:
        body["import"] = _import_json(outcome.record, found[0], found[1])
    return Response(ok, body)


def _preview(call: Call, system: System) -> Response:
    """Enter a transfer code: the import preview (new and matched students) is made."""
    body = call.object()
    code = text_field(system, body, "code")
    params = {
        "on": day(system, body, "on", call.today.isoformat()),
        "enrol_in": text_field(system, body, "enrol_in", required=False),
    }
    site = text_field(system, body, "site", required=False)
    if site:
        params["site"] = site
    return _answer(call, system, call.model.apply_one(PREVIEW, Item(code, params)), 201)


def _run_import(call: Call, system: System) -> Response:
    """Import a previewed transfer with the staff's ``decisions`` (source student ID ->
    ``accept``, ``new`` or a student ID of this site)."""
    body = call.object()
    decisions = body.get("decisions", {})
    if not isinstance(decisions, dict) or not all(isinstance(v, str) for v in decisions.values()):
        raise system.fail(400, "invalid_decisions", "decisions must map student IDs to text")
    params = {
        "on": day(system, body, "on", call.today.isoformat()),
        "decisions": json.dumps(decisions),
    }
    return _answer(call, system, call.model.apply_one(IMPORT, Item(call.parts["code"], params)))


def _cancel(call: Call, system: System) -> Response:
    call.object()
    return _answer(call, system, call.model.apply_one(CANCEL, Item(call.parts["code"])))
