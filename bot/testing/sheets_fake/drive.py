"""The few Drive endpoints gspread uses: files create/get/list/delete/copy/export, comments list
(always empty) and the v2 CSV import."""

from __future__ import annotations

import copy
import csv
import io
import re
import time
from typing import Any

from . import errors, fieldmask
from .access import Caller
from .model import SPREADSHEET_MIME, Spreadsheet, Store
from .values import FORMATTED, read_matrix, write_rows

Query = dict[str, list[str]]
# Drive's v2 conversion gave imported files the account's time zone; the recordings show this one.
IMPORT_TIME_ZONE = "America/Los_Angeles"
_CLAUSE = re.compile(
    r"""^\s*(?:(?P<field>\w+)\s*(?P<op>=|!=|contains)\s*(?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|true|false)"""
    r"""|(?P<parent>'[^']*'|"[^"]*")\s+in\s+parents)\s*$""",
    re.I,
)


def rfc3339(ts: float) -> str:
    """Drive's timestamp format, e.g. ``2023-08-17T10:52:55.207Z``."""
    millis = round(ts * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{millis:03d}Z"


def file_json(book: Spreadsheet) -> dict[str, Any]:
    """Every file field the fake knows."""
    return {
        "kind": "drive#file",
        "id": book.spreadsheet_id,
        "name": book.title,
        "mimeType": SPREADSHEET_MIME,
        "createdTime": rfc3339(book.created),
        "modifiedTime": rfc3339(book.modified),
        "owners": [{"emailAddress": book.owner}],
        "trashed": False,
    }


def _first(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _shape(item: dict[str, Any], fields: str | None, default: tuple[str, ...]) -> dict[str, Any]:
    if fields:
        return fieldmask.apply(item, fieldmask.parse(fields))
    return {k: item[k] for k in default if k in item}


def _visible(store: Store, file_id: str, caller: Caller) -> Spreadsheet:
    book = store.spreadsheets.get(file_id)
    if book is None or not (caller.anonymous or book.can_read(caller.email)):
        raise errors.drive_not_found(file_id)
    return book


def create(store: Store, body: Any, caller: Caller) -> dict[str, Any]:
    """``POST /drive/v3/files`` for a Google Sheets file."""
    body = body if isinstance(body, dict) else {}
    mime = body.get("mimeType") or SPREADSHEET_MIME
    if mime != SPREADSHEET_MIME:
        raise errors.unimplemented(f"Drive files of type {mime}")
    book = store.create(str(body.get("name") or "Untitled spreadsheet"), owner=caller.email)
    return _shape(file_json(book), None, ("kind", "id", "name", "mimeType"))


def get(store: Store, file_id: str, query: Query, caller: Caller) -> dict[str, Any]:
    """``GET /drive/v3/files/{id}``."""
    book = _visible(store, file_id, caller)
    fields = _first(query, "fields")
    return _shape(file_json(book), fields, ("kind", "id", "name", "mimeType"))


def delete(store: Store, file_id: str, caller: Caller) -> None:
    """``DELETE /drive/v3/files/{id}`` (owners only)."""
    book = _visible(store, file_id, caller)
    if not caller.anonymous and caller.email != book.owner:
        raise errors.ApiError(403, "The user does not have sufficient permissions for this file.")
    del store.spreadsheets[file_id]


def copy_file(store: Store, file_id: str, body: Any, caller: Caller) -> dict[str, Any]:
    """``POST /drive/v3/files/{id}/copy``: a deep copy named "Copy of ..." by default."""
    source = _visible(store, file_id, caller)
    body = body if isinstance(body, dict) else {}
    clone = copy.deepcopy(source)
    clone.spreadsheet_id = store.new_file_id()
    clone.props["title"] = body.get("name") or f"Copy of {source.title}"
    clone.owner = caller.email
    clone.readers = None
    clone.created = clone.modified = store.clock()
    store.spreadsheets[clone.spreadsheet_id] = clone
    return _shape(file_json(clone), None, ("kind", "id", "name", "mimeType"))


def list_files(store: Store, query: Query, caller: Caller) -> dict[str, Any]:
    """``GET /drive/v3/files?q=...``: newest first, paged with ``pageSize``/``pageToken``."""
    q = (query.get("q") or [""])[0]
    predicates = [_predicate(clause) for clause in _split_and(q)] if q.strip() else []
    books = [
        b
        for b in store.spreadsheets.values()
        if (caller.anonymous or b.can_read(caller.email)) and all(p(b) for p in predicates)
    ]
    books.sort(key=lambda b: (-b.modified, b.title))
    size = int((query.get("pageSize") or ["100"])[0])
    offset = int((query.get("pageToken") or ["0"])[0] or 0)
    page = books[offset : offset + size]
    out: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False}
    if offset + size < len(books):
        out["nextPageToken"] = str(offset + size)
    out["files"] = [_shape(file_json(b), None, ("kind", "id", "name", "mimeType")) for b in page]
    fields = _first(query, "fields")
    if fields:
        full = dict(out, files=[file_json(b) for b in page])
        return fieldmask.apply(full, fieldmask.parse(fields))
    return out


def _split_and(q: str) -> list[str]:
    parts, buf, quote = [], "", ""
    i = 0
    while i < len(q):
        ch = q[i]
        if quote:
            buf += ch
            if ch == "\\" and i + 1 < len(q):
                buf += q[i + 1]
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            buf += ch
        elif q[i : i + 5].lower() == " and ":
            parts.append(buf)
            buf = ""
            i += 4
        else:
            buf += ch
        i += 1
    parts.append(buf)
    return parts


def _predicate(clause: str) -> Any:
    match = _CLAUSE.match(clause)
    if not match:
        raise errors.ApiError(400, f"Invalid Value: unsupported query clause {clause!r}")
    if match.group("parent"):
        return lambda b: True
    field, op, raw = match.group("field"), match.group("op").lower(), match.group("value")
    value = raw[1:-1].replace("\\'", "'").replace('\\"', '"') if raw[0] in "'\"" else raw.lower()
    getters = {
        "name": lambda b: b.title,
        "mimeType": lambda b: SPREADSHEET_MIME,
        "trashed": lambda b: "false",
    }
    getter = getters.get(field)
    if getter is None:
        raise errors.ApiError(400, f"Invalid Value: unsupported query field {field!r}")
    if op == "contains":
        return lambda b: value.lower() in getter(b).lower()
    if op == "!=":
        return lambda b: getter(b) != value
    return lambda b: getter(b) == value


def export(store: Store, file_id: str, query: Query, caller: Caller) -> tuple[str, str]:
    """``GET /drive/v3/files/{id}/export``: CSV/TSV of the first sheet."""
    book = _visible(store, file_id, caller)
    mime = (query.get("mimeType") or [""])[0]
    delimiters = {"text/csv": ",", "text/tab-separated-values": "\t"}
    if mime not in delimiters:
        raise errors.unimplemented(f"export to {mime}")
    sheet = book.first_sheet()
    rows = read_matrix(sheet, sheet.full_rect(), FORMATTED, "SERIAL_NUMBER", "ROWS")
    width = max((len(r) for r in rows), default=0)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiters[mime], lineterminator="\r\n")
    for row in rows:
        writer.writerow(row + [""] * (width - len(row)))
    return buf.getvalue().rstrip("\r\n"), mime


def import_csv(store: Store, file_id: str, data: bytes, caller: Caller) -> dict[str, Any]:
    """``PUT /upload/drive/v2/files/{id}?convert=True``: the CSV replaces every sheet."""
    book = _visible(store, file_id, caller)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    sheet = store.make_sheet(book, {"sheetId": store.new_int_id(), "title": book.title})
    sheet.grid["rowCount"] = max(sheet.rows, len(rows))
    sheet.grid["columnCount"] = max(sheet.cols, max((len(r) for r in rows), default=0))
    write_rows(sheet, 0, 0, [list(r) for r in rows], "USER_ENTERED")
    book.sheets = [sheet]
    book.props["timeZone"] = IMPORT_TIME_ZONE
    book.reindex()
    store.touch(book)
    return {
        "kind": "drive#file",
        "id": book.spreadsheet_id,
        "title": book.title,
        "mimeType": SPREADSHEET_MIME,
    }
