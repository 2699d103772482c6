"""HTTP routing: ``/api/<method>``, Socket Mode ``/link/`` WebSocket, ``/_fake/*`` controls."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from bot.testing.slack_fake.model import SlackError
from bot.testing.slack_fake.websocket import WebSocketConnection, handshake_response

if TYPE_CHECKING:
    from bot.testing.slack_fake.fake import FakeSlack

Body = dict[str, Any]


def _flatten(query: str) -> dict[str, Any]:
    return {k: v[-1] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}


def _control_routes(fake: FakeSlack) -> dict[tuple[str, str], Callable[[Body], Any]]:
    """``(HTTP method, path) -> handler(json body)`` for the control endpoints."""
    return {
        ("GET", "/_fake/requests"): lambda b: fake.requests(b.get("method")),
        ("GET", "/_fake/messages"): lambda b: fake.messages(),
        ("GET", "/_fake/deliveries"): lambda b: fake.deliveries(),
        ("GET", "/_fake/ephemeral"): lambda b: fake.ephemeral_messages(),
        ("GET", "/_fake/responses"): lambda b: fake.response_url_calls(),
        ("POST", "/_fake/message"): lambda b: fake.post_as_user(
            b["channel"],
            b["user"],
            b.get("text", ""),
            thread_ts=b.get("thread_ts"),
            blocks=b.get("blocks"),
        ),
        ("POST", "/_fake/edit"): lambda b: fake.edit_message(
            b["channel"], b["ts"], text=b.get("text"), blocks=b.get("blocks")
        ),
        ("POST", "/_fake/click"): lambda b: fake.click(
            b["channel"], b["ts"], b["action_id"], b["user"], value=b.get("value")
        ),
        ("POST", "/_fake/delete"): lambda b: fake.delete_message(b["channel"], b["ts"]),
        ("GET", "/_fake/modals"): lambda b: fake.modals(),
        ("GET", "/_fake/view"): lambda b: fake.view(b["view_id"]),
        ("POST", "/_fake/submit_view"): lambda b: fake.submit_view(
            b["view_id"], dict(b.get("values") or {})
        ),
        ("POST", "/_fake/faults"): lambda b: fake.fail_next(
            b.get("method"),
            status=int(b.get("status", 429)),
            count=int(b.get("count", 1)),
            retry_after=b.get("retry_after"),
        ),
        ("POST", "/_fake/redeliver"): lambda b: (
            fake.redeliver(b["event_id"], reason=b.get("reason"))
            if b.get("event_id")
            else {"redelivered": fake.redeliver_unacked()}
        ),
        ("POST", "/_fake/users"): lambda b: fake.add_user(
            b["name"], email=b.get("email"), user_id=b.get("id")
        ),
        ("POST", "/_fake/channels"): lambda b: {
            "id": fake.create_channel(b["name"], is_private=bool(b.get("is_private")))
        },
        ("POST", "/_fake/delivery"): lambda b: fake.configure_delivery(
            b.get("request_url"), b.get("interactivity_url")
        ),
    }


def make_server(fake: FakeSlack, host: str, port: int) -> ThreadingHTTPServer:
    """A threading HTTP server bound to ``host:port`` serving ``fake``."""
    routes = _control_routes(fake)

    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeSlack/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet; the fake keeps its own records."""

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def _route(self, verb: str) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            path = parsed.path
            if path.startswith("/api/"):
                self._web_api(verb, path[len("/api/") :], _flatten(parsed.query))
            elif path.rstrip("/") == "/link" and verb == "GET":
                self._socket_mode(_flatten(parsed.query))
            elif path.startswith("/_fake/response_url/") and verb == "POST":
                self._control(lambda b: fake.response_url_post(path.rsplit("/", 1)[1], b))
            elif (verb, path.rstrip("/")) in routes:
                self._control(routes[(verb, path.rstrip("/"))], _flatten(parsed.query))
            elif path == "/" and verb == "GET":
                self._reply(200, {"ok": True, "url": fake.url, "api_url": fake.api_url})
            else:
                self._reply(404, {"ok": False, "error": "not_found"})

        def _read_body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        def _web_api(self, verb: str, method: str, params: dict[str, Any]) -> None:
            raw = self._read_body() if verb == "POST" else b""
            content_type = self.headers.get("Content-Type", "")
            if raw and "json" in content_type:
                try:
                    decoded = json.loads(raw)
                except ValueError:
                    self._reply(200, {"ok": False, "error": "invalid_json"})
                    return
                if not isinstance(decoded, dict):
                    self._reply(200, {"ok": False, "error": "json_not_object"})
                    return
                params.update(decoded)
            elif raw:
                params.update(_flatten(raw.decode("utf-8")))
            auth = self.headers.get("Authorization", "")
            token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else None
            token = token or (str(params["token"]) if params.get("token") else None)
            response = fake.api.call(method, params, token, http_method=verb)
            self._reply(response.status, response.body, response.headers)

        def _control(self, handler: Callable[[Body], Any], query: Body | None = None) -> None:
            raw = self._read_body()
            try:
                body = json.loads(raw) if raw else dict(query or {})
                if not isinstance(body, dict):
                    raise ValueError("body must be a JSON object")
                result = handler(body)
            except SlackError as exc:
                self._reply(400, {"ok": False, "error": exc.code})
            except (KeyError, ValueError, TypeError) as exc:
                self._reply(400, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
            else:
                self._reply(200, result if result is not None else {"ok": True})

        def _socket_mode(self, query: dict[str, Any]) -> None:
            key = self.headers.get("Sec-WebSocket-Key")
            upgrade = self.headers.get("Upgrade", "").lower()
            if (
                upgrade != "websocket"
                or not key
                or self.headers.get("Sec-WebSocket-Version") != "13"
            ):
                self._reply(400, {"ok": False, "error": "websocket_upgrade_required"})
                return
            if not fake.ticket_valid(str(query.get("ticket", ""))):
                self._reply(401, {"ok": False, "error": "invalid_ticket"})
                return
            self.close_connection = True
            self.wfile.write(handshake_response(key))
            self.wfile.flush()
            fake.serve_socket(WebSocketConnection(self.connection, cast(BinaryIO, self.rfile)))

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
