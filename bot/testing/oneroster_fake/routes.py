"""The fake's endpoints: ``GET <base>/<collection>`` (paged), ``GET <base>/<collection>/<id>``,
and for 1.2 ``POST /token``.

Paging as the binding says: ``limit`` (default 100, at most ``max_limit``: more is served as
``max_limit``), ``offset`` (default 0), the collection's size in ``X-Total-Count`` and ``Link``
headers (``next``, ``prev``, ``first``, ``last``) keeping the other parameters. ``filter``
(see ``filters``), ``sort`` / ``orderBy`` and ``fields`` (a selection of top-level fields) are
served too. Errors are imsx_StatusInfo bodies: 400 ``invalid_filter_field`` /
``invalid_selection_field`` / ``invaliddata``, 401 ``unauthorisedrequest``, 403 ``forbidden``,
404 ``unknownobject``, 429 ``server_busy``, 500 ``internal_server_error``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bot.roster.rest.fields import V11, collections
from bot.testing.oneroster_fake import filters
from bot.testing.oneroster_fake.model import Roster

DEFAULT_LIMIT = 100
MINOR_BY_STATUS = {
    400: "invaliddata",
    401: "unauthorisedrequest",
    403: "forbidden",
    404: "unknownobject",
    429: "server_busy",
    500: "internal_server_error",
    502: "internal_server_error",
    503: "server_busy",
}
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    def __init__(self, status: int, description: str, minor: str = "") -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.minor = minor or MINOR_BY_STATUS.get(status, "internal_server_error")


def status_info(version: str, status: int, description: str, minor: str = "") -> dict[str, Any]:
    """An imsx_StatusInfo body (1.1 spells the minor codes ``imsx_codeMinor``, 1.2
    ``imsx_CodeMinor``)."""
    minor_key = "imsx_codeMinor" if version == V11 else "imsx_CodeMinor"
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        minor_key: {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "TargetEndSystem",
                    "imsx_codeMinorFieldValue": minor or MINOR_BY_STATUS.get(status, "invaliddata"),
                }
            ]
        },
    }


def _int(query: dict[str, list[str]], name: str, default: int, least: int) -> int:
    text = query.get(name, [str(default)])[0]
    if not text.isdigit() or int(text) < least:
        raise ApiError(400, f"{name} must be a whole number of at least {least}, not {text!r}")
    return int(text)


@dataclass
class Paging:
    """How the fake pages (tests turn headers off to try the client's other ways)."""

    max_limit: int = 1000
    total_count: bool = True
    links: bool = True


def names(version: str) -> dict[str, str]:
    """Collection path -> the key of one record of it."""
    return {c.name: c.single for c in collections(version)}


def _select(records: list[dict[str, Any]], query: dict[str, list[str]], keys: set[str]) -> list:
    if "sort" in query:
        key = query["sort"][0]
        if key not in keys:
            raise ApiError(400, f"cannot sort on {key!r}", "invalid_selection_field")
        reverse = query.get("orderBy", ["asc"])[0] == "desc"
        records = sorted(records, key=lambda r: str(r.get(key, "")), reverse=reverse)
    if "fields" in query:
        wanted = [f.strip() for f in ",".join(query["fields"]).split(",") if f.strip()]
        unknown = [f for f in wanted if f not in keys]
        if unknown:
            raise ApiError(400, f"no such fields: {', '.join(unknown)}", "invalid_selection_field")
        records = [{k: r[k] for k in wanted if k in r} for r in records]
    return records


def collection_page(
    roster: Roster,
    name: str,
    query: dict[str, list[str]],
    url: str,
    paging: Paging,
) -> Response:
    """One page of a collection, with X-Total-Count and Link headers."""
    limit = min(_int(query, "limit", DEFAULT_LIMIT, 1), paging.max_limit)
    offset = _int(query, "offset", 0, 0)
    records = roster.records(name)
    keys = roster.keys(name)
    if "filter" in query:
        try:
            chosen = filters.parse(query["filter"][0], keys)
        except filters.BadFilter as exc:
            raise ApiError(400, f"filter: {exc}", "invalid_filter_field") from exc
        records = [r for r in records if chosen.holds(r)]
    records = _select(records, query, keys)
    total = len(records)
    headers: dict[str, str] = {}
    if paging.total_count:
        headers["X-Total-Count"] = str(total)
    if paging.links:
        headers["Link"] = _links(url, query, offset, limit, total)
    return Response(200, {name: records[offset : offset + limit]}, headers)


def _links(url: str, query: dict[str, list[str]], offset: int, limit: int, total: int) -> str:
    rest = {k: v[0] for k, v in query.items() if k not in ("limit", "offset")}

    def link(at: int, rel: str) -> str:
        return f'<{url}?{urlencode({**rest, "limit": limit, "offset": at})}>; rel="{rel}"'

    last = max((total - 1) // limit * limit, 0)
    links = []
    if offset + limit < total:
        links.append(link(offset + limit, "next"))
    if offset > 0:
        links.append(link(max(offset - limit, 0), "prev"))
    links += [link(0, "first"), link(last, "last")]
    return ", ".join(links)


def one_record(roster: Roster, name: str, sourced_id: str) -> Response:
    record = roster.get(name, sourced_id)
    if record is None:
        raise ApiError(404, f"no {names(roster.version)[name]} with sourcedId {sourced_id!r}")
    return Response(200, {names(roster.version)[name]: record})
