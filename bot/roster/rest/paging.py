"""Reading a whole collection of a OneRoster API, page by page.

Each page is ``GET <base>/<collection>?limit=L&offset=O`` (and ``filter`` for a delta pull).
The binding sends the collection's size in ``X-Total-Count`` and may send ``Link`` headers
(``rel="next"`` and others). The next page is the one ``rel="next"`` names (on the same
server); a response with Link headers but no ``next`` is the last page; without Link headers
the bot asks for the next offset (advanced by the records received, as a server may serve
fewer than the limit asked) until it holds X-Total-Count records, or, without that header,
until a page comes back empty (a short page may only be the server's own cap). A page that is
not JSON, lacks the collection's key, or holds fewer records in all than X-Total-Count
promised refuses the pull, named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from bot.core.wording import count
from bot.progress import Progress
from bot.roster.rest.errors import UNCHANGED, Malformed, OneRosterError
from bot.roster.rest.fields import Collection
from bot.roster.rest.http import Transport, json_body
from bot.roster.rest.records import sourced_id

MAX_PAGES = 100_000
Refusal = Callable[[requests.Response], OneRosterError]


@dataclass(frozen=True)
class Page:
    records: list[dict[str, Any]]
    total: int | None
    next: str | None
    linked: bool


def _total(response: requests.Response, where: str) -> int | None:
    value = response.headers.get("X-Total-Count")
    if value is None or not value.strip():
        return None
    if not value.strip().isdigit():
        raise Malformed(f"{where}: the X-Total-Count header {value!r} is not a number; {UNCHANGED}")
    return int(value)


def _next(response: requests.Response, base: str) -> tuple[str | None, bool]:
    """The ``rel="next"`` URL if it is on the service's own server, and whether the
    response carries Link headers at all."""
    links = response.links
    target = links.get("next", {}).get("url")
    if not target:
        return None, bool(links)
    url = urljoin(response.url, target)
    same = urlsplit(url)[:2] == urlsplit(base)[:2]
    return (url if same else None), bool(links)


def _offset(url: str) -> str:
    """The offset a next link asks for (as the server wrote it)."""
    return parse_qs(urlsplit(url).query).get("offset", ["?"])[0]


def read_page(response: requests.Response, collection: Collection, where: str) -> Page:
    """One page: its records (each an object with a sourcedId), the total, the next link."""
    try:
        body = json_body(response)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Malformed(f"{where} is not JSON ({exc}); {UNCHANGED}") from exc
    records = body.get(collection.name) if isinstance(body, dict) else None
    if not isinstance(records, list):
        raise Malformed(
            f'{where} has no "{collection.name}" list (the collection\'s key in the OneRoster '
            f"REST binding); {UNCHANGED}"
        )
    for number, record in enumerate(records, start=1):
        try:
            sourced_id(record, f"{where}, record {number}")
        except Malformed as exc:
            raise Malformed(f"{exc}; {UNCHANGED}") from exc
    next_url, linked = _next(response, response.url)
    return Page(records, _total(response, where), next_url, linked)


def read_all(
    transport: Transport,
    url: str,
    collection: Collection,
    *,
    limit: int,
    auth: requests.auth.AuthBase | None,
    refusal: Refusal,
    filter_: str | None = None,
) -> list[dict[str, Any]]:
    """Every record of the collection at ``url`` (the ones ``filter_`` selects)."""
    params: dict[str, str | int] | None = {"limit": limit, "offset": 0}
    if filter_ and params is not None:
        params["filter"] = filter_
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    progress: Progress | None = None
    total: int | None = None
    page_url = url
    try:
        for _ in range(MAX_PAGES):
            offset = params["offset"] if params else _offset(page_url)
            where = f"GET {page_url} (the {collection.name} page at offset {offset})"
            response = transport.get_json(page_url, params, auth, refusal)
            page = read_page(response, collection, where)
            seen.add(response.url)
            records.extend(page.records)
            total = page.total
            if progress is None and total:
                progress = Progress(f"Pulling {collection.name}", total, "record")
            if progress is not None:
                progress.update(len(records))
            if page.next and page.next not in seen:
                page_url, params = page.next, None
                continue
            if page.linked or not page.records:
                break
            if total is not None and len(records) >= total:
                break
            params = {"limit": limit, "offset": len(records)}
            if filter_:
                params["filter"] = filter_
            page_url = url
    finally:
        if progress is not None:
            progress.close()
    if total is not None and len(records) < total:
        raise Malformed(
            f"GET {url}: X-Total-Count promised {count(total, 'record')} of {collection.name} but "
            f"the pages held {len(records):,}; did the roster change during the pull? Run again; "
            f"{UNCHANGED}"
        )
    return records


def read_one(
    transport: Transport,
    url: str,
    collection: Collection,
    auth: requests.auth.AuthBase | None,
    refusal: Refusal,
) -> dict[str, Any] | None:
    """One record (``GET <collection>/<id>``), or None when the server has it no more (404)."""
    response = transport.send("GET", url, auth=auth)
    if response.status_code == 404:
        return None
    if not 200 <= response.status_code < 300:
        raise refusal(response)
    where = f"GET {url}"
    try:
        body = json_body(response)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Malformed(f"{where} is not JSON ({exc}); {UNCHANGED}") from exc
    record = body.get(collection.single) if isinstance(body, dict) else None
    if record is None:
        raise Malformed(f'{where} has no "{collection.single}" object; {UNCHANGED}')
    sourced_id(record, where)
    return dict(record)
