"""SchoolStatus Connect's API (designed from its end-of-year guide, seed 001;
``docs/lms-api/schoolstatus.md``): the bot's operations and reads mapped onto it."""

from __future__ import annotations

from typing import Any

from bot.lms.http.designed import BulkWrite, DesignedApi, SingleWrite, json_param, no_body
from bot.lms.http.limits import Limit
from bot.structures import Operation


def _threshold(op: Operation) -> dict[str, Any]:
    text = op.params.get("percent", "")
    try:
        return {"percent": float(text)}
    except ValueError:
        return {"percent": text}


def _sync(op: Operation) -> dict[str, Any]:
    return {"students": json_param("feed")(op)}


def _download(op: Operation) -> dict[str, Any]:
    return {"on": op.params["on"]} if op.params.get("on") else {}


API = DesignedApi(
    system="SchoolStatus",
    slug="schoolstatus",
    batch=100,
    limit=Limit(10, 1),
    collections={
        "students": "/v1/students",
        "educators": "/v1/staff",
        "classes": "/v1/classrooms",
        "enrollments": "/v1/enrollments",
    },
    writes={
        "remove inactive staff": BulkWrite("/v1/staff:remove"),
        "archive classrooms": BulkWrite("/v1/classrooms:archive"),
        "archive students": BulkWrite("/v1/students:archive"),
        "delete students": BulkWrite("/v1/students:delete"),
        "merge duplicate students": BulkWrite("/v1/students:merge", ("survivor",), ("survivor",)),
        "pause sync": SingleWrite("POST", "/v1/sync:pause", no_body),
        "resume sync": SingleWrite("POST", "/v1/sync:resume", no_body),
        "set deletion threshold": SingleWrite("PUT", "/v1/sync/deletion-threshold", _threshold),
        "sync roster": SingleWrite("POST", "/v1/sync:run", _sync),
        "download reports": SingleWrite("POST", "/v1/reports:download", _download),
    },
)
