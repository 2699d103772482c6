"""The fake OneRoster server: HTTP on 127.0.0.1, request recording and fault injection around
the routes. ``GET /_fake/requests`` lists the requests received (one JSON entry each, the
oldest first); ``POST /_fake/reset`` forgets them."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bot.roster.rest.fields import V11, V12, VERSIONS
from bot.roster.rest.service import PATHS
from bot.testing.oneroster_fake.auth import (
    ALL_SCOPES,
    TOKEN_LIFETIME,
    Forbidden,
    OAuth1Verifier,
    OAuth2Tokens,
    Unauthorized,
)
from bot.testing.oneroster_fake.model import Roster, stamp
from bot.testing.oneroster_fake.routes import (
    REASONS,
    ApiError,
    Paging,
    Response,
    collection_page,
    names,
    one_record,
    status_info,
)
from bot.testing.serving import serve_in_background, stop_serving, url_of

BROKEN = ("json", "key", "record")


@dataclass
class RecordedRequest:
    """One request as the fake saw it: ``auth`` is how it was authorised (``oauth1``,
    ``bearer``, ``basic`` for the token endpoint, or ``none``)."""

    method: str
    path: str
    query: dict[str, list[str]]
    status: int
    auth: str
    time: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Fault:
    """The next ``count`` resource requests (of collection ``only``, if set), once ``after``
    more have passed, fail with ``status``, or (``broken``) are answered 200 with a malformed
    page."""

    count: int
    status: int = 500
    retry_after: int | None = None
    only: str | None = None
    broken: str = ""
    after: int = 0


def _auth_kind(headers: dict[str, str]) -> str:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    word = value.split(" ", 1)[0].lower()
    return {"oauth": "oauth1", "bearer": "bearer", "basic": "basic"}.get(word, "none")


class FakeOneRoster:
    """A local OneRoster 1.1 or 1.2 rostering service serving a CSV bundle.

    ``with FakeOneRoster(bundle, "1.2", "client", "secret") as fake:`` then point the client
    at ``fake.url``; ``fake.roster`` holds the records (``change`` / ``add`` them as a SIS
    would), ``fake.requests`` the requests received.
    """

    def __init__(
        self,
        bundle: Path,
        version: str = V11,
        client_id: str = "rollover-test",
        client_secret: str = "fake-secret",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        scopes: tuple[str, ...] = ALL_SCOPES,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        paging: Paging | None = None,
        token_lifetime: int = TOKEN_LIFETIME,
    ) -> None:
        if version not in VERSIONS:
            raise ValueError(f"version {version!r}: expected 1.1 or 1.2")
        self.version = version
        self.clock = clock
        self.paging = paging or Paging()
        self._host, self._port = host, port
        self._records: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._httpd: ThreadingHTTPServer | None = self._bind()
        self.roster = Roster(bundle, version, lambda: self.base_url, clock)
        self.oauth1 = OAuth1Verifier(client_id, client_secret, lambda: clock().timestamp())
        self.oauth2 = OAuth2Tokens(client_id, client_secret, scopes, clock, token_lifetime)

    def _bind(self) -> ThreadingHTTPServer:
        """The socket is bound at once, so that the records' hrefs know the address."""
        httpd = ThreadingHTTPServer((self._host, self._port), _handler(self))
        return httpd

    def start(self) -> FakeOneRoster:
        if self._httpd is None:
            self._httpd = self._bind()
        if self._thread is None:
            self._thread = serve_in_background(self._httpd, "fake-oneroster")
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        stop_serving(self._httpd, self._thread)
        self._httpd, self._thread = None, None

    def __enter__(self) -> FakeOneRoster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The service root, e.g. ``http://127.0.0.1:54321``."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return url_of(self._httpd)

    @property
    def base_url(self) -> str:
        """The versioned base: ``<root>/ims/oneroster/v1p1`` or ``.../rostering/v1p2``."""
        return self.url + PATHS[self.version]

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._records)

    def api_requests(self) -> list[RecordedRequest]:
        """The requests to the rostering service itself (no token requests)."""
        return [r for r in self.requests if r.path.startswith(PATHS[self.version])]

    def reset(self) -> None:
        with self._lock:
            self._records.clear()

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        retry_after: int | None = None,
        only: str | None = None,
        after: int = 0,
    ) -> None:
        """Answer the next ``n`` resource requests (of collection ``only``), once ``after``
        more have passed, with ``status``."""
        with self._lock:
            self._faults.append(Fault(n, status, retry_after, only, after=after))

    def break_next(
        self, n: int = 1, how: str = "json", only: str | None = None, after: int = 0
    ) -> None:
        """Answer the next ``n`` collection requests (once ``after`` more have passed) with a
        malformed page: not JSON (``json``), without the collection's key (``key``), a record
        with no sourcedId (``record``)."""
        if how not in BROKEN:
            raise ValueError(f"how {how!r}: expected one of {', '.join(BROKEN)}")
        with self._lock:
            self._faults.append(Fault(n, 200, None, only, how, after))

    def _fault(self, collection: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.only in (None, collection):
                    if fault.after > 0:
                        fault.after -= 1
                        return None
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Serve one request: (status, headers, body bytes)."""
        split = urlsplit(target)
        path, query = split.path, parse_qs(split.query, keep_blank_values=True)
        if path.startswith("/_fake/"):
            return self._control(method, path)
        try:
            response = self._route(method, path, query, target, headers, body)
        except ApiError as exc:
            response = Response(
                exc.status, status_info(self.version, exc.status, exc.description, exc.minor)
            )
            if exc.status == 401:
                scheme = "OAuth" if self.version == V11 else "Bearer"
                response.headers["WWW-Authenticate"] = f'{scheme} realm="OneRoster"'
        record = RecordedRequest(
            method, path, query, response.status, _auth_kind(headers), stamp(self.clock())
        )
        with self._lock:
            self._records.append(record)
        return _encode(response)

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        target: str,
        headers: dict[str, str],
        body: bytes,
    ) -> Response:
        if path == "/token" and self.version == V12:
            if method != "POST":
                raise ApiError(405, "use POST for the token endpoint")
            status, answer = self.oauth2.issue(headers, body)
            return Response(status, answer, {"Cache-Control": "no-store"})
        base = PATHS[self.version]
        if not path.startswith(base + "/"):
            raise ApiError(404, f"no such endpoint: {path}")
        parts = [unquote(p) for p in path[len(base) + 1 :].split("/")]
        if parts[0] not in names(self.version) or len(parts) > 2:
            raise ApiError(404, f"no such endpoint: {path}")
        if method != "GET":
            raise ApiError(405, f"{method} is not served: the rostering service is read-only")
        collection = parts[0]
        self._authorise(target, headers, collection)
        fault = self._fault(collection)
        if fault is not None and not fault.broken:
            headers_out = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
            error = ApiError(fault.status, f"injected failure {fault.status}")
            return Response(
                fault.status,
                status_info(self.version, fault.status, error.description, error.minor),
                headers_out,
            )
        if len(parts) == 2:
            return one_record(self.roster, collection, parts[1])
        page = collection_page(
            self.roster, collection, query, self.base_url + "/" + collection, self.paging
        )
        if fault is not None:
            return _broken(page, collection, fault.broken)
        return page

    def _authorise(self, target: str, headers: dict[str, str], collection: str) -> None:
        try:
            if self.version == V11:
                host = next((v for k, v in headers.items() if k.lower() == "host"), "127.0.0.1")
                self.oauth1.check(f"http://{host}{target}", headers)
            else:
                self.oauth2.check(headers, collection)
        except Unauthorized as exc:
            raise ApiError(401, f"unauthorised request: {exc}") from exc
        except Forbidden as exc:
            raise ApiError(403, f"forbidden: {exc}") from exc

    def _control(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/_fake/requests" and method == "GET":
            return _encode(Response(200, [r.to_json() for r in self.requests]))
        if path == "/_fake/reset" and method == "POST":
            self.reset()
            return _encode(Response(200, {}))
        return _encode(Response(404, {"error": f"no control endpoint {path}"}))


def _broken(page: Response, collection: str, how: str) -> Response:
    if how == "json":
        return Response(200, b'{"' + collection.encode() + b'": [{"sourcedId": ', page.headers)
    if how == "key":
        return Response(200, {"data": page.body[collection]}, page.headers)
    records = [dict(r) for r in page.body[collection]]
    if records:
        records[0].pop("sourcedId", None)
    return Response(200, {collection: records}, page.headers)


def _encode(response: Response) -> tuple[int, dict[str, str], bytes]:
    headers = dict(response.headers)
    if isinstance(response.body, bytes):
        payload = response.body
    else:
        payload = (json.dumps(response.body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    headers["Content-Type"] = "application/json; charset=utf-8"
    return response.status, headers, payload


def _handler(app: FakeOneRoster) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, payload = app.handle(
                self.command, self.path, dict(self.headers.items()), body
            )
            self.send_response(status, REASONS.get(status))
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet."""

        def date_time_string(self, timestamp: float | None = None) -> str:
            """The Date header, from the fake's clock."""
            return super().date_time_string(
                app.clock().timestamp() if timestamp is None else timestamp
            )

    return Handler
