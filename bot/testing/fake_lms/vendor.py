"""The pieces the four designed APIs (Edgenuity, SchoolStatus, Twig Science, Renaissance)
share: paged collections, bulk writes with per-record outcomes, settings, single writes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from bot.testing.fake_lms.http import Call, Response, Router, page_args
from bot.testing.fake_lms.model import (
    APPLIED,
    FAILED,
    NOT_FOUND,
    REFUSED,
    UNCHANGED,
    Item,
    Outcome,
    Write,
)
from bot.testing.fake_lms.system import System

STUDENT_FIELDS = (
    "first_name",
    "last_name",
    "grade",
    "school",
    "graduation_year",
    "birth_date",
    "email",
)
"""A student's fields the designed APIs take and give."""
DEFAULT_PAGE = 100
MOST_PER_PAGE = 1000


@dataclass(frozen=True)
class Collection:
    """A list endpoint ``/v1/<name>`` over the store's ``kind`` records."""

    name: str
    kind: str
    noun: str


@dataclass(frozen=True)
class Bulk:
    """``POST <path>``: ``write`` for each record sent; ``fields`` are the per-record
    parameters taken from each record (``required`` must be there)."""

    path: str
    write: Write
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


def record_json(row: dict[str, Any]) -> dict[str, Any]:
    """A store row as the API shows it: ``id``, ``status`` and the fields it has."""
    out = {"id": str(row["id"]), "status": str(row["status"])}
    for name, value in row.items():
        if name in ("id", "status") or value is None:
            continue
        if isinstance(value, float) and math.isnan(value):
            continue
        out[name] = value
    return out


def page(
    call: Call,
    frame: pd.DataFrame,
    shape: Callable[[dict[str, Any]], dict[str, Any]] = record_json,
) -> Response:
    """One page of ``frame`` (filtered by ``?status=``): ``data``, ``total``, ``offset``,
    ``limit`` and ``next_offset`` (``null`` on the last page)."""
    offset, limit = page_args(call, "offset", DEFAULT_PAGE, MOST_PER_PAGE)
    status = call.arg("status")
    if status and not frame.empty:
        frame = frame[frame["status"] == status]
    total = len(frame)
    rows = frame.iloc[offset : offset + limit].to_dict("records") if total else []
    following = offset + limit if offset + limit < total else None
    body = {
        "data": [shape(r) for r in rows],
        "total": total,
        "offset": offset,
        "limit": limit,
        "next_offset": following,
    }
    return Response(200, body)


def add_collections(router: Router, system: System, collections: Sequence[Collection]) -> None:
    for collection in collections:
        router.add("GET", f"/v1/{collection.name}", _lister(system, collection))
        router.add("GET", f"/v1/{collection.name}/{{id}}", _getter(system, collection))


def _lister(system: System, collection: Collection) -> Callable[[Call], Response]:
    def handler(call: Call) -> Response:
        return page(call, call.model.frame(system.name, collection.kind))

    return handler


def _getter(system: System, collection: Collection) -> Callable[[Call], Response]:
    def handler(call: Call) -> Response:
        record = call.parts["id"]
        found = call.model.get(system.name, collection.kind, record)
        if found is None:
            raise system.fail(
                404, "not_found", f"no {collection.noun} {record} in {system.name}", record
            )
        status, data = found
        return Response(200, record_json({"id": record, "status": status, **data}))

    return handler


def add_settings(router: Router, system: System) -> None:
    """``GET /v1/settings``: every setting of the system, as the model keeps them."""
    router.add(
        "GET",
        "/v1/settings",
        lambda call: Response(200, {"settings": call.model.settings(system.name)}),
    )


def add_bulk(router: Router, system: System, bulk: Bulk) -> None:
    def handler(call: Call) -> Response:
        items = bulk_items(call, system, bulk)
        partial = call.faults.partial(call.method, call.path)
        return bulk_answer(call.model.apply(bulk.write, items, partial))

    router.add("POST", bulk.path, handler)


def bulk_items(call: Call, system: System, bulk: Bulk) -> list[Item]:
    """The records of a bulk request: ``{"ids": [...]}`` when the action takes no
    per-record fields, else ``{"records": [{"id": ..., <field>: ...}]}``; at most the
    system's batch size."""
    body = call.object()
    if "ids" in body and not bulk.required:
        ids = body["ids"]
        if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
            raise system.fail(400, "invalid_ids", "ids must be a list of record IDs")
        raw: list[dict[str, Any]] = [{"id": i} for i in ids]
    elif "records" in body:
        raw = body["records"]
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            raise system.fail(400, "invalid_records", "records must be a list of JSON objects")
    else:
        wanted = "records" if bulk.required else "ids (or records)"
        raise system.fail(400, "missing_records", f"give {wanted} in the request body")
    if not raw:
        raise system.fail(400, "no_records", "the request names no records")
    if len(raw) > system.batch:
        raise system.fail(
            400,
            "too_many_records",
            f"at most {system.batch} records per request; this one has {len(raw)}: split it",
        )
    items = []
    for n, record in enumerate(raw):
        record_id = str(record.get("id", "")).strip()
        if not record_id:
            raise system.fail(400, "missing_id", f"record {n + 1} of the request has no id")
        missing = [f for f in bulk.required if str(record.get(f, "")).strip() == ""]
        if missing:
            raise system.fail(
                400, "missing_field", f"record {record_id} has no {', '.join(missing)}", record_id
            )
        params = {f: _text(record[f]) for f in bulk.fields if f in record and record[f] is not None}
        items.append(Item(record_id, params))
    return items


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def bulk_answer(outcomes: Sequence[Outcome]) -> Response:
    """200 with one result per record, in order, and the counts of each outcome."""
    summary = dict.fromkeys((APPLIED, UNCHANGED, REFUSED, NOT_FOUND, FAILED), 0)
    for outcome in outcomes:
        summary[outcome.outcome] += 1
    return Response(200, {"results": [o.to_json() for o in outcomes], "summary": summary})


def setting_handler(system: System, write: Write, record: str) -> Callable[[Call], Response]:
    """A single-record write of a setting (its body a JSON object), answered as one record."""

    def handler(call: Call) -> Response:
        call.object()
        return single(call, system, write, Item(record))

    return handler


def single(call: Call, system: System, write: Write, item: Item, ok: int = 200) -> Response:
    """One write, answered as its record's result; a refusal is 422 (409 when the record
    is already so), an unknown record 404, each naming the record."""
    return single_answer(system, call.model.apply_one(write, item), ok)


def single_answer(system: System, outcome: Outcome, ok: int = 200) -> Response:
    if outcome.outcome == APPLIED:
        return Response(ok, outcome.to_json())
    if outcome.outcome == UNCHANGED:
        return Response(200, outcome.to_json())
    if outcome.outcome == NOT_FOUND:
        raise system.fail(404, "not_found", outcome.message, outcome.record)
    if outcome.outcome == FAILED:
        raise system.fail(503, "unavailable", outcome.message, outcome.record)
    error = system.fail(422, "refused", outcome.message, outcome.record)
    if outcome.kept:
        error.body["error"]["changes_kept"] = True
    raise error


def day(system: System, body: dict[str, Any], name: str, default: str = "") -> str:
    """A ``YYYY-MM-DD`` field of a request body (``default`` when absent); else a 400."""
    value = body.get(name, default)
    text = value if isinstance(value, str) else ""
    try:
        date.fromisoformat(text)
    except ValueError:
        raise system.fail(
            400, f"invalid_{name}", f"{name} must be a date YYYY-MM-DD, not {value!r}"
        ) from None
    return text


def text_field(system: System, body: dict[str, Any], name: str, required: bool = True) -> str:
    """A text (or number) field of a request body; blank and required is a 400."""
    value = body.get(name, "")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise system.fail(400, f"invalid_{name}", f"{name} must be text, not {value!r}")
    text = str(value).strip()
    if required and not text:
        raise system.fail(400, f"missing_{name}", f"give {name} in the request body")
    return text
