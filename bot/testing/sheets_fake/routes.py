"""URL routing: maps ``/v4/...`` and ``/drive/v3/...`` paths onto the handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from . import batch_update, drive, errors, fieldmask, values_api
from .access import Caller, ensure_readable
from .metadata import spreadsheet_json
from .model import Rect, Spreadsheet, Store
from .ranges import resolve

Query = dict[str, list[str]]


@dataclass
class Request:
    """One API call, already decoded."""

    method: str
    path: str
    query: Query
    raw_body: bytes
    caller: Caller

    def json(self) -> Any:
        """The body as JSON (``None`` when empty)."""
        if not self.raw_body:
            return None
        try:
            return json.loads(self.raw_body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise errors.invalid(f"Invalid JSON payload received. {exc}") from exc


@dataclass
class Response:
    """What the server sends back."""

    status: int
    body: Any = None
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)


def is_read(method: str) -> bool:
    """GETs count against the read quota, everything else against the write quota."""
    return method == "GET"


def dispatch(store: Store, req: Request) -> Response:
    """Route one API request. Any request but a read or a values write (which notes the
    sheets it changes itself) may change any sheet."""
    path = req.path
    if not is_read(req.method) and "/values" not in path:
        store.changed()
    if path.startswith("/v4/spreadsheets"):
        return _sheets(store, req, path[len("/v4/spreadsheets") :])
    if path.startswith("/drive/v3/files"):
        return _drive(store, req, path[len("/drive/v3/files") :])
    if path.startswith("/upload/drive/v2/files/") and req.method == "PUT":
        file_id = unquote(path.rsplit("/", 1)[1])
        return Response(200, drive.import_csv(store, file_id, req.raw_body, req.caller))
    raise errors.ApiError(404, "Method not found.")


def _book(store: Store, req: Request, book_id: str) -> Spreadsheet:
    book = store.get(unquote(book_id))
    ensure_readable(book, req.caller)
    return book


def _sheets(store: Store, req: Request, rest: str) -> Response:
    if rest in ("", "/") and req.method == "POST":
        return Response(200, _create(store, req))
    if not rest.startswith("/"):
        raise errors.ApiError(404, "Method not found.")
    rest = rest[1:]
    head, sep, tail = rest.partition("/")
    book_id, colon, action = head.partition(":")
    if not sep:
        book = _book(store, req, book_id)
        if not colon and req.method == "GET":
            return Response(200, _get_spreadsheet(book, req))
        if action == "batchUpdate" and req.method == "POST":
            result = batch_update.run(store, book, req.json(), req.caller)
            return Response(200, result)
        raise errors.ApiError(404, "Method not found.")
    book = _book(store, req, book_id)
    if tail.startswith("values/"):
        return _values(store, book, req, tail[len("values/") :])
    if tail.startswith("values:"):
        return _values_batch(store, book, req, tail[len("values:") :])
    raise errors.unimplemented(f"{req.method} /v4/spreadsheets/{{id}}/{tail.split('/')[0]}")


def _values(store: Store, book: Spreadsheet, req: Request, raw_range: str) -> Response:
    base, colon, suffix = raw_range.rpartition(":")
    action = suffix if colon and suffix in ("append", "clear") else ""
    range_text = unquote(base if action else raw_range)
    caller, method = req.caller, req.method
    if action == "append" and method == "POST":
        result = values_api.append(book, range_text, req.query, req.json(), caller)
    elif action == "clear" and method == "POST":
        result = values_api.clear(book, range_text, caller)
    elif not action and method == "GET":
        return Response(200, values_api.get(book, range_text, req.query))
    elif not action and method == "PUT":
        result = values_api.update(book, range_text, req.query, req.json(), caller)
    else:
        raise errors.ApiError(404, "Method not found.")
    store.touch(book)
    return Response(200, result)


def _values_batch(store: Store, book: Spreadsheet, req: Request, action: str) -> Response:
    if action == "batchGet" and req.method == "GET":
        return Response(200, values_api.batch_get(book, req.query))
    if action == "batchUpdate" and req.method == "POST":
        result = values_api.batch_update(book, req.json(), req.caller)
    elif action == "batchClear" and req.method == "POST":
        result = values_api.batch_clear(book, req.json(), req.caller)
    else:
        raise errors.unimplemented(f"values:{action}")
    store.touch(book)
    return Response(200, result)


def _create(store: Store, req: Request) -> dict[str, Any]:
    body = req.json() or {}
    title = (body.get("properties") or {}).get("title") or "Untitled spreadsheet"
    book = store.create(str(title), owner=req.caller.email, sheet_specs=body.get("sheets") or None)
    for key in ("locale", "timeZone", "autoRecalc"):
        if (body.get("properties") or {}).get(key):
            book.props[key] = body["properties"][key]
    return spreadsheet_json(book, req.caller)


def _get_spreadsheet(book: Spreadsheet, req: Request) -> dict[str, Any]:
    fields = req.query["fields"][0] if req.query.get("fields") else None
    tree = fieldmask.parse(fields) if fields else None
    include = (req.query.get("includeGridData") or ["false"])[0].lower() == "true"
    include = include or (tree is not None and fieldmask.names(tree, "sheets", "data"))
    data: dict[int, list[Rect]] | None = None
    if req.query.get("ranges"):
        data = {}
        for text in req.query["ranges"]:
            target = resolve(book, text)
            data.setdefault(target.sheet.sheet_id, []).append(target.rect)
    elif include:
        data = {s.sheet_id: [s.full_rect()] for s in book.sheets}
    out = spreadsheet_json(book, req.caller, data)
    if not include:
        for sheet in out["sheets"]:
            sheet.pop("data", None)
    if tree is not None:
        out = fieldmask.apply(out, tree)
    return out


def _drive(store: Store, req: Request, rest: str) -> Response:
    caller, method = req.caller, req.method
    if rest in ("", "/"):
        if method == "GET":
            return Response(200, drive.list_files(store, req.query, caller))
        if method == "POST":
            return Response(200, drive.create(store, req.json(), caller))
        raise errors.ApiError(404, "Method not found.")
    parts = [unquote(p) for p in rest.strip("/").split("/")]
    file_id = parts[0]
    sub = parts[1] if len(parts) > 1 else ""
    if not sub and method == "GET":
        return Response(200, drive.get(store, file_id, req.query, caller))
    if not sub and method == "DELETE":
        drive.delete(store, file_id, caller)
        return Response(204, None, content_type="text/html")
    if sub == "copy" and method == "POST":
        return Response(200, drive.copy_file(store, file_id, req.json(), caller))
    if sub == "export" and method == "GET":
        text, mime = drive.export(store, file_id, req.query, caller)
        return Response(200, text, content_type=mime)
    if sub == "comments" and method == "GET":
        drive.get(store, file_id, {}, caller)
        return Response(200, {"comments": []})
    raise errors.unimplemented(f"{method} /drive/v3/files/{{id}}/{sub}".rstrip("/"))
