"""The HTTP server: request recording, quota and fault injection around the routed handlers."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.testing.serving import send, serve_in_background, stop_serving, url_of

from . import errors
from .access import DEFAULT_EMAIL, DropConnection, Faults, Quota, Users
from .model import Spreadsheet, Store
from .ranges import resolve
from .routes import Request, Response, dispatch, is_read
from .values import FORMATTED, read_matrix


@dataclass
class RecordedRequest:
    """One API request as the fake saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body_size: int
    status: int
    user: str
    time: float

    def to_json(self) -> dict[str, Any]:
        """JSON-friendly form (as served by ``GET /_fake/requests``)."""
        return asdict(self)


class FakeSheetsServer:
    """A local Google Sheets v4 + Drive v3 server on 127.0.0.1 (port 0 picks a free port).

    Use ``with FakeSheetsServer() as fake:`` or ``start()``/``stop()``; point clients at
    ``fake.url``. The model lives in ``fake.store``; ``fake.requests`` lists recorded calls.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: Callable[[], float] | None = None,
        seed: int | None = None,
        default_email: str = DEFAULT_EMAIL,
    ) -> None:
        self.store = Store(clock=clock, seed=seed)
        self.users = Users(default_email)
        self.quota = Quota(self.store.clock)
        self.faults = Faults()
        self._records: list[RecordedRequest] = []
        self._records_lock = threading.Lock()
        self._host, self._port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeSheetsServer:
        """Bind and serve in a background thread."""
        if self._httpd is not None:
            return self
        self._httpd = ThreadingHTTPServer((self._host, self._port), _make_handler(self))
        self._thread = serve_in_background(self._httpd, "fake-sheets")
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is None:
            return
        stop_serving(self._httpd, self._thread)
        self._httpd, self._thread = None, None

    def __enter__(self) -> FakeSheetsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL such as ``http://127.0.0.1:54321``."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return url_of(self._httpd)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the recorded API requests, oldest first."""
        with self._records_lock:
            return list(self._records)

    def reset(self) -> None:
        """Forget recorded requests."""
        with self._records_lock:
            self._records.clear()

    def wipe(self) -> None:
        """Forget everything: spreadsheets, recorded requests, quota counters, pending faults."""
        with self.store.lock:
            self.store.spreadsheets.clear()
            self.quota.hits.clear()
            self.faults.pending.clear()
        self.reset()

    def add_user(self, token: str, email: str) -> None:
        """Requests bearing ``Authorization: Bearer <token>`` act as ``email``."""
        self.users.tokens[token] = email

    def set_quota(self, per_minute: int | None) -> None:
        """Limit requests per user per rolling minute (``None`` turns the quota off)."""
        with self.store.lock:
            self.quota.per_minute = per_minute
            self.quota.hits.clear()

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        *,
        retry_after: int | None = None,
        message: str | None = None,
        only: str | None = None,
    ) -> None:
        """Answer the next ``n`` API requests (``only`` "Read" or "Write" ones) with ``status``
        (429 uses Google's quota message)."""
        with self.store.lock:
            self.faults.add(n, status, retry_after, message, only)

    def drop_next(self, n: int = 1, *, after_apply: bool = True, only: str | None = None) -> None:
        """Close the connection of the next ``n`` API requests (``only`` "Read" or "Write"
        ones) without answering: after applying them when ``after_apply`` (the client never
        learns that they were), else before. Recorded with status 0."""
        with self.store.lock:
            self.faults.add(n, 0, None, None, only, "after" if after_apply else "before")

    def create_spreadsheet(
        self,
        title: str,
        *,
        owner: str | None = None,
        spreadsheet_id: str | None = None,
        shared_with: set[str] | None = None,
        created: float | None = None,
        modified: float | None = None,
    ) -> str:
        """Seed a spreadsheet; ``shared_with=None`` means every user can open it."""
        with self.store.lock:
            book = self.store.create(
                title,
                owner=owner or self.users.default_email,
                spreadsheet_id=spreadsheet_id,
                created=created,
                modified=modified,
            )
            book.readers = None if shared_with is None else set(shared_with)
            return book.spreadsheet_id

    def delete_spreadsheet(self, spreadsheet_id: str) -> None:
        """Remove a spreadsheet without going through the API."""
        with self.store.lock:
            self.store.spreadsheets.pop(spreadsheet_id, None)

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        """The live model object (hold ``store.lock`` while mutating it; values rendered for
        reads so far are dropped, as the caller may change anything)."""
        book = self.store.get(spreadsheet_id)
        self.store.changed()
        return book

    def values(
        self, spreadsheet_id: str, range_text: str, render: str = FORMATTED
    ) -> list[list[Any]]:
        """Values of a range as the API would return them (for assertions)."""
        with self.store.lock:
            target = resolve(self.store.get(spreadsheet_id), range_text)
            return read_matrix(target.sheet, target.rect, render, "SERIAL_NUMBER", "ROWS")

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Serve one request in-process: returns (status, headers, body bytes)."""
        split = urlsplit(target)
        path, query = split.path, parse_qs(split.query, keep_blank_values=True)
        if path.startswith("/_fake/"):
            return self._control(method, path)
        caller = self.users.caller(_header(headers, "Authorization"))
        kind = "Read" if is_read(method) else "Write"
        drop = ""
        try:
            with self.store.lock:
                fault = self.faults.take(kind)
                if fault is not None and not fault.drop:
                    raise fault.error(kind)
                drop = fault.drop if fault is not None else ""
                if drop != "before":
                    self.quota.check(caller.email, kind)
                    response = dispatch(self.store, Request(method, path, query, body, caller))
        except errors.ApiError as exc:
            response = Response(exc.code, exc.body(), headers=exc.headers)
        status = 0 if drop else response.status
        record = RecordedRequest(
            method, path, query, len(body), status, caller.email, self.store.clock()
        )
        with self._records_lock:
            self._records.append(record)
        if drop:
            raise DropConnection(f"{method} {path}")
        return _encode(response, pretty=query.get("prettyPrint", ["true"])[0] != "false")

    def _control(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/_fake/requests" and method == "GET":
            return _encode(Response(200, [r.to_json() for r in self.requests]))
        if path == "/_fake/reset" and method == "POST":
            self.reset()
            return _encode(Response(200, {}))
        return _encode(Response(404, errors.ApiError(404, "Unknown control endpoint.").body()))


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _encode(response: Response, pretty: bool = True) -> tuple[int, dict[str, str], bytes]:
    """The response's bytes: JSON indented by 2, or compact under ``prettyPrint=false``
    (Google's standard query parameter)."""
    headers = dict(response.headers)
    if response.status == 204 or response.body is None:
        payload = b""
    elif isinstance(response.body, str):
        payload = response.body.encode("utf-8")
    elif not pretty:
        payload = json.dumps(response.body, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        payload = (json.dumps(response.body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    headers["Content-Type"] = response.content_type
    return response.status, headers, payload


def _make_handler(app: FakeSheetsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = -1

        def setup(self) -> None:
            """Disable Nagle so small responses are not delayed."""
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, headers, payload = app.handle(
                    self.command, self.path, dict(self.headers.items()), body
                )
            except DropConnection:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            send(self, status, headers, payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet."""

    return Handler
