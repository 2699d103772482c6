"""Delivery of events and interactive payloads over Socket Mode or signed HTTP, with retries."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.testing.slack_fake.signing import signed_headers
from bot.testing.slack_fake.websocket import WebSocketConnection

EVENTS_API = "events_api"
INTERACTIVE = "interactive"
HTTP_TIMEOUT_SECONDS = 3.0
MAX_RETRIES = 3
AckHook = Callable[[str, dict[str, Any], Any], None]


@dataclass
class Attempt:
    """One try at delivering a payload."""

    retry_attempt: int
    retry_reason: str
    mode: str
    envelope_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: str = "queued"
    http_status: int | None = None
    response: Any = None
    error: str | None = None
    sent_at: float = 0.0


@dataclass
class Delivery:
    """Everything sent (and answered) for one event or interaction."""

    key: str
    kind: str
    payload: dict[str, Any]
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def acked(self) -> bool:
        """True once any attempt was acknowledged."""
        return any(a.status == "acked" for a in self.attempts)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly record."""
        return {
            "key": self.key,
            "kind": self.kind,
            "event_id": self.payload.get("event_id"),
            "type": self.payload.get("event", {}).get("type", self.payload.get("type")),
            "acked": self.acked,
            "attempts": [asdict(a) for a in self.attempts],
            "payload": self.payload,
        }


class Dispatcher:
    """Sends payloads to the app: Socket Mode when no request URL is set, else signed HTTP."""

    def __init__(self, signing_secret: str) -> None:
        self.signing_secret = signing_secret
        self.on_ack: AckHook = lambda kind, payload, answer: None
        """Called with each acknowledged attempt's answer before waiters see the ack."""
        self.request_url: str | None = None
        self.interactivity_url: str | None = None
        self._cond = threading.Condition()
        self._deliveries: dict[str, Delivery] = {}
        self._by_envelope: dict[str, Attempt] = {}
        self._envelope_of: dict[str, Delivery] = {}
        self._sockets: list[WebSocketConnection] = []
        self._next_socket = 0
        self._http_queue: queue.Queue[tuple[Delivery, Attempt] | None] = queue.Queue()
        self._http_worker: threading.Thread | None = None
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None

    def start(self) -> None:
        """Start the HTTP delivery worker."""
        self._http_worker = threading.Thread(
            target=self._http_loop, name="fake-slack-http", daemon=True
        )
        self._http_worker.start()

    @property
    def mode(self) -> str:
        """``http`` if a request URL is configured, else ``socket``."""
        return "http" if self.request_url else "socket"

    def dispatch(self, kind: str, key: str, payload: dict[str, Any]) -> Delivery:
        """Record and send a new payload (first attempt)."""
        delivery = Delivery(key=key, kind=kind, payload=payload)
        with self._cond:
            self._deliveries[key] = delivery
        self._send(delivery, Attempt(retry_attempt=0, retry_reason="", mode=self.mode))
        return delivery

    def redeliver(self, key: str, reason: str | None = None) -> Attempt:
        """Send ``key`` again with ``retry_attempt`` + 1, whether or not it was acked."""
        with self._cond:
            delivery = self._deliveries.get(key)
        if delivery is None or delivery.kind != EVENTS_API:
            raise KeyError(f"no event delivery {key!r}")
        last = delivery.attempts[-1]
        attempt = Attempt(
            retry_attempt=len(delivery.attempts),
            retry_reason=reason or self._retry_reason(last),
            mode=self.mode,
        )
        self._send(delivery, attempt)
        return attempt

    def redeliver_unacked(self, older_than: float = 0.0, reason: str | None = None) -> list[str]:
        """Retry every event that is not acked yet (Slack gives up after three retries)."""
        now = time.monotonic()
        with self._cond:
            due = [
                d.key
                for d in self._deliveries.values()
                if d.kind == EVENTS_API
                and not d.acked
                and len(d.attempts) <= MAX_RETRIES
                and d.attempts[-1].status != "queued"
                and now - d.attempts[-1].sent_at >= older_than
            ]
        for key in due:
            self.redeliver(key, reason)
        return due

    @staticmethod
    def _retry_reason(last: Attempt) -> str:
        if last.mode == "socket":
            return "timeout"
        if last.http_status is not None and last.status == "failed":
            return "http_error"
        if last.status == "failed" and last.error != "timeout":
            return "connection_failed"
        return "http_timeout"

    def _send(self, delivery: Delivery, attempt: Attempt) -> None:
        with self._cond:
            delivery.attempts.append(attempt)
            self._by_envelope[attempt.envelope_id] = attempt
            self._envelope_of[attempt.envelope_id] = delivery
            self._cond.notify_all()
        if attempt.mode == "http":
            self._http_queue.put((delivery, attempt))
        else:
            self._send_socket(delivery, attempt)

    def _envelope(self, delivery: Delivery, attempt: Attempt) -> str:
        envelope: dict[str, Any] = {
            "envelope_id": attempt.envelope_id,
            "payload": delivery.payload,
            "type": delivery.kind,
            "accepts_response_payload": delivery.kind == INTERACTIVE,
        }
        if delivery.kind == EVENTS_API:
            envelope["retry_attempt"] = attempt.retry_attempt
            envelope["retry_reason"] = attempt.retry_reason
        return json.dumps(envelope)

    def _send_socket(self, delivery: Delivery, attempt: Attempt) -> None:
        text = self._envelope(delivery, attempt)
        while True:
            with self._cond:
                if attempt.status != "queued" or not self._sockets:
                    return
                self._next_socket = (self._next_socket + 1) % len(self._sockets)
                ws = self._sockets[self._next_socket]
                attempt.status, attempt.sent_at = "sent", time.monotonic()
            try:
                ws.send_text(text)
            except OSError:
                with self._cond:
                    attempt.status = "queued"
                self.detach_socket(ws)
                continue
            with self._cond:
                self._cond.notify_all()
            return

    def attach_socket(self, ws: WebSocketConnection, hello: dict[str, Any]) -> None:
        """Greet a new Socket Mode connection, register it, then flush queued envelopes."""
        with self._cond:
            count = len(self._sockets) + 1
        ws.send_text(json.dumps({**hello, "num_connections": count}))
        with self._cond:
            self._sockets.append(ws)
            queued = [
                (d, a)
                for d in self._deliveries.values()
                for a in d.attempts
                if a.status == "queued" and a.mode == "socket"
            ]
            self._cond.notify_all()
        for delivery, attempt in queued:
            self._send_socket(delivery, attempt)

    def detach_socket(self, ws: WebSocketConnection) -> None:
        """Forget a Socket Mode connection."""
        with self._cond:
            if ws in self._sockets:
                self._sockets.remove(ws)
            self._cond.notify_all()

    def disconnect_sockets(self, reason: str | None) -> int:
        """Send Slack's ``disconnect`` message (if ``reason``) then close every connection."""
        with self._cond:
            sockets = list(self._sockets)
            self._sockets.clear()
            self._cond.notify_all()
        for ws in sockets:
            if reason:
                message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}}
                with contextlib.suppress(OSError):
                    ws.send_text(json.dumps(message))
            ws.close(1001, reason or "")
        return len(sockets)

    def socket_count(self) -> int:
        """Number of live Socket Mode connections."""
        with self._cond:
            return len(self._sockets)

    def on_socket_message(self, text: str) -> None:
        """Handle a message from a Socket Mode client: an ack ``{envelope_id, payload?}``."""
        try:
            message = json.loads(text)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        with self._cond:
            envelope_id = str(message.get("envelope_id"))
            attempt = self._by_envelope.get(envelope_id)
            delivery = self._envelope_of.get(envelope_id)
            if attempt is None or delivery is None or attempt.status not in ("sent", "queued"):
                return
            self.on_ack(delivery.kind, delivery.payload, message.get("payload"))
            attempt.status = "acked"
            attempt.response = message.get("payload")
            self._cond.notify_all()

    def _http_loop(self) -> None:
        while True:
            item = self._http_queue.get()
            if item is None:
                return
            self._post(*item)

    def _post(self, delivery: Delivery, attempt: Attempt) -> None:
        if delivery.kind == INTERACTIVE:
            url = self.interactivity_url or self.request_url
            body = urllib.parse.urlencode({"payload": json.dumps(delivery.payload)}).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            url = self.request_url
            body = json.dumps(delivery.payload).encode()
            content_type = "application/json"
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **signed_headers(self.signing_secret, str(int(time.time())), body),
        }
        if attempt.retry_attempt:
            headers["X-Slack-Retry-Num"] = str(attempt.retry_attempt)
            headers["X-Slack-Retry-Reason"] = attempt.retry_reason
        status: str
        code: int | None = None
        response: Any = None
        error: str | None = None
        try:
            request = urllib.request.Request(url or "", data=body, headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as answer:
                code, response, status = answer.status, _decode(answer.read()), "acked"
        except urllib.error.HTTPError as exc:
            code, response, status = exc.code, _decode(exc.read()), "failed"
        except TimeoutError:
            status, error = "failed", "timeout"
        except (OSError, ValueError) as exc:
            status, error = "failed", f"{type(exc).__name__}: {exc}"
        with self._cond:
            if status == "acked":
                self.on_ack(delivery.kind, delivery.payload, response)
            attempt.status, attempt.http_status = status, code
            attempt.response, attempt.error = response, error
            attempt.sent_at = time.monotonic()
            self._cond.notify_all()

    def deliveries(self) -> list[dict[str, Any]]:
        """All deliveries, oldest first."""
        with self._cond:
            return [d.as_dict() for d in self._deliveries.values()]

    def wait(
        self, key: str, *, attempts: int = 1, acked: bool = True, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Block until ``key`` has ``attempts`` finished (or acked) attempts; returns its record."""

        def ready() -> bool:
            delivery = self._deliveries.get(key)
            if delivery is None:
                return False
            done = {"acked"} if acked else {"acked", "failed", "sent"}
            return sum(a.status in done for a in delivery.attempts) >= attempts

        with self._cond:
            if not self._cond.wait_for(ready, timeout):
                found = self._deliveries.get(key)
                state = found.as_dict()["attempts"] if found else "never dispatched"
                raise TimeoutError(f"delivery {key!r} not ready after {timeout}s: {state}")
            return self._deliveries[key].as_dict()

    def wait_for_sockets(self, count: int = 1, timeout: float = 5.0) -> None:
        """Block until at least ``count`` Socket Mode clients are connected."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._sockets) >= count, timeout):
                raise TimeoutError(f"{count} Socket Mode client(s) not connected after {timeout}s")

    def start_redeliver_timer(self, after_seconds: float) -> None:
        """Retry un-acked events automatically once they are ``after_seconds`` old."""

        def loop() -> None:
            while not self._stop.wait(min(after_seconds, 1.0)):
                self.redeliver_unacked(older_than=after_seconds)

        self._timer = threading.Thread(target=loop, name="fake-slack-redeliver", daemon=True)
        self._timer.start()

    def close(self) -> None:
        """Close all sockets and stop background threads."""
        self._stop.set()
        with self._cond:
            sockets = list(self._sockets)
            self._sockets.clear()
        for ws in sockets:
            ws.close(1001, "server shutting down")
        if self._http_worker is not None:
            self._http_queue.put(None)
            self._http_worker.join(timeout=HTTP_TIMEOUT_SECONDS + 2)
        if self._timer is not None:
            self._timer.join(timeout=2)


def _decode(raw: bytes) -> Any:
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text
