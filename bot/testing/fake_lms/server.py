"""The HTTP server: each system under its prefix, authentication, rate limits, faults,
request records and the ``/_fake/*`` control endpoints."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from bot.testing.fake_lms import edgenuity, renaissance, schoology, schoolstatus, twig
from bot.testing.fake_lms.auth import Authenticator, AuthRequest, TokenAuth
from bot.testing.fake_lms.clock import FakeToday, StoreClock
from bot.testing.fake_lms.faults import FaultError, Faults, RateLimiter
from bot.testing.fake_lms.http import ApiError, Call, Response
from bot.testing.fake_lms.model import LMSModel
from bot.testing.fake_lms.system import System
from bot.testing.serving import send, serve_in_background, stop_serving

DEFAULT_TOKEN = "fake-lms-token"


def build_systems() -> dict[str, System]:
    systems = (
        edgenuity.build(),
        schoolstatus.build(),
        twig.build(),
        renaissance.build(),
        schoology.build(),
    )
    return {s.slug: s for s in systems}


@dataclass(frozen=True)
class RecordedRequest:
    """One API request as the fake saw it (status 0: the connection was reset)."""

    method: str
    path: str
    query: dict[str, list[str]]
    body_size: int
    status: int
    time: float
    system: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class DropConnection(Exception):
    """Close the connection without an answer (a reset)."""


class FakeLMSServer:
    """The five systems' APIs over one store file, on 127.0.0.1 (port 0 picks a free one).

    ``with FakeLMSServer(path) as fake:`` or ``start()``/``stop()``; ``restart()`` stops and
    serves again on the same port from the same store (queued faults and rate windows are
    lost as in a real restart; the request records are kept for the test). Base URLs:
    ``fake.url + "/edgenuity"`` and so on (``fake.base(slug)``). ``root="schoology"`` serves
    that one system alone at the root, as its own host does (``/v1/users``).
    ``controls`` adds ``GET /_fake/...`` endpoints (path -> what to answer)."""

    def __init__(
        self,
        store: Path | str,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tokens: tuple[str, ...] = (DEFAULT_TOKEN,),
        latency_ms: int = 0,
        rate_limits: bool = True,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
        root: str | None = None,
    ) -> None:
        """``clock`` times the rate limits; ``today`` is the vendors' date (the system clock's
        unless given), which ``fake.today.set(day)`` or ``POST /_fake/today`` moves."""
        self.store_path = Path(store)
        self.systems = build_systems()
        if root is not None and root not in self.systems:
            raise ValueError(f"no system {root!r} to serve at the root")
        self.root = root
        self.controls: dict[str, Callable[[], Any]] = {}
        self.auth: dict[str, Authenticator] = {slug: TokenAuth(tokens) for slug in self.systems}
        self.faults = Faults()
        self.faults.latency_ms = latency_ms
        self.rates = RateLimiter(clock)
        self.rates.enabled = rate_limits
        self.today = FakeToday(today)
        self.model = LMSModel(self.store_path, StoreClock(self.today))
        self._model_open = True
        self._records: list[RecordedRequest] = []
        self._records_lock = threading.Lock()
        self._host, self._port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        if not self._model_open:
            self.model, self._model_open = LMSModel(self.store_path, StoreClock(self.today)), True
        self._httpd = ThreadingHTTPServer((self._host, self._port), _make_handler(self))
        self._port = self._httpd.server_address[1]
        self._thread = serve_in_background(self._httpd, "fake-lms")
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        stop_serving(self._httpd, self._thread)
        self._httpd, self._thread = None, None
        self.model.close()
        self._model_open = False

    def restart(self) -> Self:
        """Stop, then serve again on the same port from the same store."""
        self.stop()
        self.faults.queue.clear()
        self.rates.reset()
        return self.start()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the fake LMS is not started")
        return f"http://{self._host}:{self._port}"

    def base(self, slug: str) -> str:
        """A system's base URL, e.g. ``http://127.0.0.1:PORT/edgenuity`` (the server's own URL
        for the system served at the root)."""
        if self.root is not None:
            if slug != self.root:
                raise LookupError(f"this fake serves only {self.root}, not {slug}")
            return self.url
        return f"{self.url}/{slug}"

    def served(self) -> list[System]:
        """The systems this server answers for."""
        if self.root is not None:
            return [self.systems[self.root]]
        return list(self.systems.values())

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._records_lock:
            return list(self._records)

    def changes(self, since: int = 0) -> list[dict[str, Any]]:
        return self.model.changes(since)

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Serve one request: ``(status, headers, body)``; raises ``DropConnection`` for a
        reset."""
        split = urlsplit(target)
        path, query = split.path, parse_qs(split.query, keep_blank_values=True)
        if path.startswith("/_fake/") or path in ("/", "/_fake"):
            return _encode(self._control(method, path, query, body))
        if self.root is not None:
            slug, rest = self.root, path.lstrip("/")
        else:
            slug, _, rest = path.lstrip("/").partition("/")
        system = self.systems.get(slug)
        if system is None:
            known = ", ".join(f"/{s}" for s in self.systems)
            response = Response(
                404,
                {
                    "error": {
                        "code": "not_found",
                        "message": f"no API at {path}; the systems are {known}",
                    }
                },
            )
            self._record(method, path, query, body, response.status, "")
            return _encode(response)
        status = 0
        try:
            response, drop = self._serve(
                system, method, "/" + rest, path, target, query, headers, body
            )
            status = 0 if drop else response.status
        finally:
            self._record(method, path, query, body, status, slug)
        if drop:
            raise DropConnection(f"{method} {path}")
        return _encode(response)

    def _serve(
        self,
        system: System,
        method: str,
        route_path: str,
        path: str,
        target: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[Response, bool]:
        """The answer, and whether to drop the connection instead of sending it (``target``
        is the path and query as sent: the authenticator gets the full URL)."""
        if self.faults.latency_ms:
            time.sleep(self.faults.latency_ms / 1000)
        url = f"{self.url}{target}"
        try:
            caller = self.auth[system.slug].identify(AuthRequest(method, url, headers, body))
            if caller is None:
                error = system.fail(
                    401,
                    "unauthorized",
                    "missing or wrong credentials: send Authorization: Bearer <token>",
                )
                error.headers["WWW-Authenticate"] = self.auth[system.slug].challenge
                raise error
            wait = self.rates.check(system.slug, caller, system.limit)
            if wait:
                error = system.fail(
                    429,
                    "rate_limited",
                    f"over the limit of {system.limit.describe()}: retry after {wait} s",
                )
                error.headers["Retry-After"] = str(wait)
                raise error
            fault = self.faults.take(method, path)
            if fault is not None and fault.type == "reset" and fault.when == "before":
                return Response(0), True
            if fault is not None and fault.type == "status":
                raise self._fault_error(system, fault.status, fault.retry_after)
            struck = self.faults.random_error()
            if struck:
                raise self._fault_error(system, struck, 1)
        except ApiError as exc:
            return Response(exc.status, exc.body, headers=exc.headers), False
        reset_after = fault is not None and fault.type == "reset"
        try:
            return self._route(system, method, route_path, path, query, body, caller), reset_after
        except ApiError as exc:
            return Response(exc.status, exc.body, headers=exc.headers), reset_after
        except Exception as exc:
            error = system.fail(500, "internal", f"the fake failed: {type(exc).__name__}: {exc}")
            return Response(500, error.body), reset_after

    def _fault_error(self, system: System, status: int, retry_after: int) -> ApiError:
        messages = {
            429: "too many requests",
            500: "internal server error",
            502: "bad gateway",
            503: "service unavailable",
            504: "gateway timeout",
        }
        code = "rate_limited" if status == 429 else "unavailable"
        error = system.fail(
            status, code, f"{messages[status]} (injected fault); nothing was applied"
        )
        if retry_after:
            error.headers["Retry-After"] = str(retry_after)
        return error

    def _route(
        self,
        system: System,
        method: str,
        route_path: str,
        path: str,
        query: dict[str, list[str]],
        body: bytes,
        caller: str,
    ) -> Response:
        try:
            found = system.router.route(method, route_path)
        except LookupError as exc:
            error = system.fail(
                405, "method_not_allowed", f"{method} is not allowed on {path}; use {exc}"
            )
            error.headers["Allow"] = str(exc)
            raise error from None
        if found is None:
            raise system.fail(
                404, "not_found", f"no endpoint {method} {path} in the {system.name} API"
            )
        handler, parts = found
        call = Call(
            method,
            path,
            self.base(system.slug),
            query,
            body,
            self.model,
            self.faults,
            self.today(),
            caller,
            parts,
            lambda status, code, message: system.fail(status, code, message),
        )
        return handler(call)

    def _record(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: bytes,
        status: int,
        system: str,
    ) -> None:
        record = RecordedRequest(method, path, query, len(body), status, time.time(), system)
        with self._records_lock:
            self._records.append(record)

    def _control(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> Response:
        path = path.rstrip("/") or "/"
        try:
            raw = json.loads(body) if body.strip() else {}
        except ValueError as exc:
            return Response(400, {"error": f"the body is not JSON: {exc}"})
        if not isinstance(raw, dict):
            return Response(400, {"error": "the body must be a JSON object"})
        if path in ("/", "/_fake") and method == "GET":
            return Response(200, self.describe())
        if path == "/_fake/requests" and method == "GET":
            return Response(200, [r.to_json() for r in self.requests])
        if path == "/_fake/requests" and method == "DELETE":
            with self._records_lock:
                self._records.clear()
            return Response(200, {"ok": True})
        if path == "/_fake/changes" and method == "GET":
            since = (query.get("since") or ["0"])[-1]
            if not since.isdigit():
                return Response(400, {"error": f"since must be a change number, not {since!r}"})
            return Response(200, self.changes(int(since)))
        if path == "/_fake/today":
            return self._today(method, raw)
        if path == "/_fake/faults" and method == "GET":
            return Response(200, self.faults.to_json() | {"rate_limits": self.rates.enabled})
        if path == "/_fake/faults" and method == "POST":
            try:
                self.faults.configure(raw)
                if "rate_limits" in raw:
                    self.rates.enabled = bool(raw["rate_limits"])
                    self.rates.reset()
            except FaultError as exc:
                return Response(400, {"error": str(exc)})
            return Response(200, self.faults.to_json() | {"rate_limits": self.rates.enabled})
        if path in self.controls and method == "GET":
            return Response(200, self.controls[path]())
        if path == "/_fake/faults" and method == "DELETE":
            self.faults.clear()
            return Response(200, self.faults.to_json() | {"rate_limits": self.rates.enabled})
        return Response(404, {"error": f"no control endpoint {method} {path}"})

    def _today(self, method: str, raw: dict[str, Any]) -> Response:
        """``GET``: the fake's date; ``POST {"today": "YYYY-MM-DD"}`` sets it; ``DELETE``
        goes back to the clock it started with."""
        if method == "POST":
            given = raw.get("today")
            try:
                day = date.fromisoformat(given) if isinstance(given, str) else None
            except ValueError:
                day = None
            if day is None:
                return Response(400, {"error": f"today must be a date YYYY-MM-DD, not {given!r}"})
            self.today.set(day)
        elif method == "DELETE":
            self.today.set(None)
        elif method != "GET":
            return Response(405, {"error": f"{method} is not allowed on /_fake/today"})
        return Response(200, self.today.to_json())

    def describe(self) -> dict[str, Any]:
        """What is served: each system's base URL, batch size, rate limit and reference, and
        the fake's date."""
        return {
            "store": str(self.store_path),
            "today": self.today().isoformat(),
            "systems": {
                s.slug: {
                    "name": s.name,
                    "base_url": self.base(s.slug),
                    "batch_size": s.batch,
                    "rate_limit": s.limit.describe(),
                    "reference": f"docs/lms-api/{s.reference}",
                }
                for s in self.served()
            },
        }


def _encode(response: Response) -> tuple[int, dict[str, str], bytes]:
    headers = dict(response.headers)
    payload = response.payload()
    if payload:
        headers.setdefault("Content-Type", response.content_type)
    return response.status, headers, payload


def _make_handler(app: FakeLMSServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FakeLMS/1.0"

        def setup(self) -> None:
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
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                return
            send(self, status, headers, payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet; the fake keeps its own records."""

    return Handler
