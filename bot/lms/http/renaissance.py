"""Renaissance's student data transfer API (designed from its transfer procedure, seed 003;
``docs/lms-api/renaissance.md``): the bot's operations and reads mapped onto it. Its transfer
codes and imports are listed in the API's own shapes; the frames give them back in the
model's (a code's ``id`` is the code; an import's matches and log are JSON text)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.lms.http.designed import BulkWrite, DesignedApi, SingleWrite, no_body
from bot.lms.http.limits import Limit
from bot.structures import Operation


def _code(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in ("code", "valid_until")}
    return {"id": row.get("code", ""), **out}


def _import(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.get("code", ""),
        "status": row.get("status", ""),
        "site": row.get("site", ""),
        "source_site": row.get("source_site", ""),
        "enrol_in": row.get("requesting_school", ""),
        "matches": json.dumps(row.get("matches") or []),
    }
    if row.get("log"):
        out["log"] = json.dumps(row["log"])
    if row.get("reference"):
        out["reference"] = row["reference"]
    return out


def _requests(ops: Sequence[Operation]) -> dict[str, Any]:
    """Code requests: each for one ``student`` or one ``year``, on a ``site``, ``on`` a day."""
    wanted = ("site", "student", "year", "on")
    return {"requests": [{k: op.params[k] for k in wanted if op.params.get(k)} for op in ops]}


def _preview(op: Operation) -> dict[str, Any]:
    body: dict[str, Any] = {"code": op.record_id}
    body |= {k: op.params[k] for k in ("on", "enrol_in") if k in op.params}
    if op.params.get("site"):
        body["site"] = op.params["site"]
    return body


def _import_body(op: Operation) -> dict[str, Any]:
    decisions = json.loads(op.params.get("decisions") or "{}")
    body: dict[str, Any] = {"decisions": decisions}
    if op.params.get("on"):
        body["on"] = op.params["on"]
    return body


API = DesignedApi(
    system="Renaissance",
    slug="renaissance",
    batch=50,
    limit=Limit(5, 1),
    collections={
        "students": "/v1/students",
        "codes": "/v1/transfer-codes",
        "transfers": "/v1/imports",
    },
    shapes={"codes": _code, "transfers": _import},
    writes={
        # Each request makes a new code: never sent again after a lost answer.
        "generate transfer code": BulkWrite(
            "/v1/transfer-codes:batchGenerate", repeatable=False, payload=_requests
        ),
        "preview transfer": SingleWrite("POST", "/v1/imports", _preview),
        "import transfer": SingleWrite(
            "POST", "/v1/imports/{id}:import", _import_body, repeatable=False
        ),
        "cancel transfer": SingleWrite(
            "POST", "/v1/imports/{id}:cancel", no_body, repeatable=False
        ),
    },
)
