"""HTTP (Events API request URL) delivery: Slack signatures, retries and form-encoded actions."""

from __future__ import annotations

import json
import queue
import socket
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.testing.fake_slack import FakeSlack
from tests.fakes.slack_fixtures import BUTTONS, USERS

SECRET = "http-mode-signing-secret"


class Receiver:
    """A stdlib server standing in for the app's request URL; it can front a bolt App."""

    def __init__(self, app: App | None = None, fail_first: int = 0) -> None:
        self.app = app
        self.fail_first = fail_first
        self.seen: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.seen.put((dict(self.headers.items()), body))
                status, payload = receiver.answer(dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def answer(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if self.fail_first > 0:
            self.fail_first -= 1
            return 500, b"boom"
        if self.app is None:
            return 200, b""
        bolt_headers: dict[str, str | Sequence[str]] = {k.lower(): [v] for k, v in headers.items()}
        response = self.app.dispatch(BoltRequest(body=body.decode(), headers=bolt_headers))
        return response.status, (response.body or "").encode()

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def bolt_app(fake: FakeSlack, secret: str = SECRET) -> App:
    return App(
        signing_secret=secret,
        client=WebClient(token=fake.bot_token, base_url=fake.api_url),
        token_verification_enabled=False,
    )


def retry_headers(headers: dict[str, str]) -> tuple[str, str]:
    return headers["X-Slack-Retry-Num"], headers["X-Slack-Retry-Reason"]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(USERS, signing_secret=SECRET, ts_start=1700000000.0) as started:
        yield started


def test_events_are_signed_reach_bolt_and_duplicates_carry_retry_headers(fake: FakeSlack) -> None:
    app = bolt_app(fake)
    events: queue.Queue[tuple[dict[str, Any], Any]] = queue.Queue()

    @app.event("message")
    def on_message(event: dict[str, Any], request: BoltRequest) -> None:
        events.put((event, request.headers.get("x-slack-retry-num")))

    with Receiver(app) as receiver:
        fake.configure_delivery(receiver.url)
        sent = fake.post_as_user("#rollover", "alice", "Step 1 done")
        headers, body = receiver.seen.get(timeout=5)
        verifier = SignatureVerifier(SECRET)
        assert verifier.is_valid(
            body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
        )
        assert not SignatureVerifier("another-secret").is_valid(
            body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
        )
        assert headers["Content-Type"] == "application/json" and "X-Slack-Retry-Num" not in headers
        assert json.loads(body)["event_id"] == sent["event_id"]
        event, retry = events.get(timeout=5)
        assert event["text"] == "Step 1 done" and retry is None
        record = fake.wait_for_delivery(sent["event_id"])
        assert record["attempts"][0]["http_status"] == 200

        fake.redeliver(sent["event_id"])
        headers, _ = receiver.seen.get(timeout=5)
        assert (headers["X-Slack-Retry-Num"], headers["X-Slack-Retry-Reason"]) == (
            "1",
            "http_timeout",
        )
        event, retry = events.get(timeout=5)
        assert event["ts"] == sent["ts"] and retry == ["1"]
        assert fake.wait_for_delivery(sent["event_id"], attempts=2)["acked"]


def test_block_actions_are_form_encoded_and_acked_by_bolt(fake: FakeSlack) -> None:
    app = bolt_app(fake)
    clicked = threading.Event()
    seen: list[dict[str, Any]] = []

    @app.action("mark_done")
    def on_click(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append(body)
        clicked.set()

    with Receiver(app) as receiver:
        fake.configure_delivery(receiver.url + "?events", interactivity_url=receiver.url)
        posted = WebClient(token=fake.bot_token, base_url=fake.api_url).chat_postMessage(
            channel="#rollover", text="Checklist", blocks=BUTTONS
        )
        receiver.seen.get(timeout=5)
        click = fake.click("#rollover", posted["ts"], "mark_done", USERS[1]["id"])
        headers, body = receiver.seen.get(timeout=5)
        assert headers["Content-Type"] == "application/x-www-form-urlencoded"
        form = urllib.parse.parse_qs(body.decode())
        assert json.loads(form["payload"][0])["trigger_id"] == click["trigger_id"]
        assert SignatureVerifier(SECRET).is_valid(
            body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
        )
        assert clicked.wait(5) and seen[0]["actions"][0]["value"] == "step-3"
        assert fake.wait_for_delivery(click["trigger_id"])["attempts"][0]["http_status"] == 200


def test_failed_deliveries_are_retried_with_reason(fake: FakeSlack) -> None:
    with Receiver(fail_first=1) as receiver:
        fake.configure_delivery(receiver.url)
        sent = fake.post_as_user("#rollover", "bob", "hi")
        receiver.seen.get(timeout=5)
        failed = fake.wait_for_delivery(sent["event_id"], acked=False)
        assert (failed["acked"], failed["attempts"][0]["http_status"]) == (False, 500)
        assert fake.redeliver_unacked() == [sent["event_id"]]
        headers, _ = receiver.seen.get(timeout=5)
        assert (headers["X-Slack-Retry-Num"], headers["X-Slack-Retry-Reason"]) == (
            "1",
            "http_error",
        )
        assert fake.wait_for_delivery(sent["event_id"])["attempts"][1]["http_status"] == 200


def test_wrong_signing_secret_is_rejected_by_bolt(fake: FakeSlack) -> None:
    with Receiver(bolt_app(fake, secret="not-the-fakes-secret")) as receiver:
        fake.configure_delivery(receiver.url)
        sent = fake.post_as_user("#rollover", "alice", "spoofed?")
        record = fake.wait_for_delivery(sent["event_id"], acked=False)
        assert (record["acked"], record["attempts"][0]["http_status"]) == (False, 401)


def test_unreachable_url_is_retried_as_connection_failed(fake: FakeSlack) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    fake.configure_delivery(f"http://127.0.0.1:{closed_port}/slack/events")
    sent = fake.post_as_user("#rollover", "alice", "hello?")
    record = fake.wait_for_delivery(sent["event_id"], acked=False)
    assert record["attempts"][0]["status"] == "failed" and record["attempts"][0]["error"]
    fake.redeliver_unacked()
    record = fake.wait_for_delivery(sent["event_id"], attempts=2, acked=False)
    assert record["attempts"][1]["retry_reason"] == "connection_failed"
