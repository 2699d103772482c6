"""Socket Mode delivery: a real slack-bolt app, and raw RFC 6455 checks with websocket-client."""

from __future__ import annotations

import json
import queue
import socket
import struct
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any, BinaryIO

import jsonschema
import pytest
import websocket
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.testing.fake_slack import FakeSlack
from bot.testing.slack_fake.websocket import OP_CLOSE, encode_frame
from tests.fakes.slack_fixtures import (
    BUTTONS,
    NEW_MESSAGE_OPTIONAL,
    PATTERNS,
    USERS,
    events_wrapper_schema,
    http_json,
    message_event_schema,
    slack,
)

__all__ = ["slack"]


def open_socket(fake: FakeSlack) -> websocket.WebSocket:
    """Connect a raw client through apps.connections.open and consume ``hello``."""
    url = WebClient(base_url=fake.api_url).apps_connections_open(app_token=fake.app_token)["url"]
    ws = websocket.create_connection(url, timeout=5)
    hello = json.loads(ws.recv())
    assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == fake.app_id
    fake.wait_for_socket_client()
    return ws


@pytest.fixture
def raw(slack: FakeSlack) -> Iterator[websocket.WebSocket]:
    ws = open_socket(slack)
    yield ws
    ws.close()


def next_envelope(ws: websocket.WebSocket) -> dict[str, Any]:
    envelope: dict[str, Any] = json.loads(ws.recv())
    return envelope


def ack(ws: websocket.WebSocket, envelope: dict[str, Any], payload: Any = None) -> None:
    body = {"envelope_id": envelope["envelope_id"]}
    if payload is not None:
        body["payload"] = payload
    ws.send(json.dumps(body))


def bolt_app(fake: FakeSlack) -> App:
    """A bolt App whose Web API client (bot token) points at the fake."""
    return App(
        signing_secret=fake.signing_secret,
        client=WebClient(token=fake.bot_token, base_url=fake.api_url),
        token_verification_enabled=False,
    )


def test_bolt_app_gets_thread_reply_click_and_duplicate(slack: FakeSlack) -> None:
    app = bolt_app(slack)
    client = app.client
    messages: queue.Queue[tuple[dict[str, Any], Any]] = queue.Queue()
    clicks: queue.Queue[dict[str, Any]] = queue.Queue()

    @app.event("message")
    def on_message(event: dict[str, Any], request: Any) -> None:
        if event.get("subtype") is None:
            messages.put((event, request.headers.get("x-slack-retry-num")))

    @app.action("mark_done")
    def on_click(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"], text="done")
        clicks.put(body)

    handler = SocketModeHandler(app, slack.app_token)
    handler.connect()
    try:
        slack.wait_for_socket_client()
        posted = client.chat_postMessage(channel="#rollover", text="Checklist", blocks=BUTTONS)
        reply = http_json(
            slack.url + "_fake/message",
            {"channel": "#rollover", "user": "alice", "text": "started", "thread_ts": posted["ts"]},
        )
        event, retry_num = messages.get(timeout=5)
        assert (event["ts"], event["thread_ts"], event["user"]) == (
            reply["ts"],
            posted["ts"],
            USERS[0]["id"],
        )
        assert event["parent_user_id"] == slack.bot_user_id and retry_num == ["0"]
        first = slack.wait_for_delivery(reply["event_id"])
        assert first["acked"] and first["attempts"][0]["status"] == "acked"

        assert slack.redeliver(reply["event_id"])["retry_attempt"] == 1
        duplicate, retry_num = messages.get(timeout=5)
        assert duplicate["ts"] == reply["ts"] and retry_num == ["1"]
        record = slack.wait_for_delivery(reply["event_id"], attempts=2)
        assert [(a["retry_attempt"], a["retry_reason"]) for a in record["attempts"]] == [
            (0, ""),
            (1, "timeout"),
        ]
        assert record["attempts"][0]["envelope_id"] != record["attempts"][1]["envelope_id"]

        click = http_json(
            slack.url + "_fake/click",
            {"channel": "#rollover", "ts": posted["ts"], "action_id": "mark_done", "user": "bob"},
        )
        body = clicks.get(timeout=5)
        assert (
            body["user"]["id"] == USERS[1]["id"] and body["container"]["message_ts"] == posted["ts"]
        )
        assert (
            body["actions"][0]["value"] == "step-3" and body["actions"][0]["block_id"] == "step-3"
        )
        assert slack.wait_for_delivery(click["trigger_id"])["acked"]
        slack.wait_for_requests("chat.update")
        assert slack.messages()["rollover"][0]["text"] == "done"
        assert messages.empty()

        own = [
            d for d in slack.deliveries() if d["payload"].get("event", {}).get("ts") == posted["ts"]
        ]
        assert own and own[0]["payload"]["event"]["bot_id"] == slack.bot_id
    finally:
        handler.close()  # may take up to the SDK's 3 s receive timeout


def test_bolt_client_reconnects_after_disconnect_message(slack: FakeSlack) -> None:
    app = bolt_app(slack)
    received = threading.Event()

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        if event["text"] == "after refresh":
            received.set()

    handler = SocketModeHandler(app, slack.app_token)
    handler.connect()
    try:
        slack.wait_for_socket_client()
        assert slack.disconnect_socket_clients("refresh_requested") == 1
        slack.wait_for_requests("apps.connections.open", count=2)
        slack.wait_for_socket_client()
        sent = slack.post_as_user("#rollover", "alice", "after refresh")
        assert received.wait(5)
        assert slack.wait_for_delivery(sent["event_id"])["acked"]
    finally:
        handler.close()  # may take up to the SDK's 3 s receive timeout


def test_message_envelope_matches_event_specs(slack: FakeSlack, raw: websocket.WebSocket) -> None:
    posted = WebClient(token=slack.bot_token, base_url=slack.api_url).chat_postMessage(
        channel="#rollover", text="Checklist", blocks=BUTTONS
    )
    bot_envelope = next_envelope(raw)
    ack(raw, bot_envelope)
    reply = slack.post_as_user("#rollover", "alice", "ok", thread_ts=posted["ts"])
    human_envelope = next_envelope(raw)
    ack(raw, human_envelope)
    for envelope in (bot_envelope, human_envelope):
        assert envelope["type"] == "events_api" and envelope["accepts_response_payload"] is False
        assert (envelope["retry_attempt"], envelope["retry_reason"]) == (0, "")
        payload = envelope["payload"]
        jsonschema.Draft7Validator(events_wrapper_schema()).validate(payload)
        schema = message_event_schema(not_required=NEW_MESSAGE_OPTIONAL)
        jsonschema.Draft4Validator(schema).validate(payload)
        assert PATTERNS["event"].match(payload["event_id"])
        assert payload["authorizations"][0]["user_id"] == slack.bot_user_id
        assert PATTERNS["team"].match(payload["team_id"]) and PATTERNS["app"].match(
            payload["api_app_id"]
        )
    bot_event = bot_envelope["payload"]["event"]
    assert "subtype" not in bot_event
    assert (bot_event["user"], bot_event["bot_id"], bot_event["app_id"]) == (
        slack.bot_user_id,
        slack.bot_id,
        slack.app_id,
    )
    assert bot_event["blocks"][1]["elements"][0]["action_id"] == "mark_done"
    human_event = human_envelope["payload"]["event"]
    assert human_event["thread_ts"] == posted["ts"] and human_event["ts"] == reply["ts"]
    assert human_event["channel_type"] == "channel" and PATTERNS["channel"].match(
        human_event["channel"]
    )
    assert slack.wait_for_delivery(reply["event_id"])["acked"]


def test_edit_is_delivered_as_message_changed(slack: FakeSlack, raw: websocket.WebSocket) -> None:
    original = slack.post_as_user("#rollover", "bob", "step 2 dne")
    ack(raw, next_envelope(raw))
    edit = slack.edit_message("#rollover", original["ts"], text="step 2 done")
    envelope = next_envelope(raw)
    ack(raw, envelope)
    event = envelope["payload"]["event"]
    # The topic schema's previous_message came from a file-comment sample; use the wrapper.
    jsonschema.Draft7Validator(events_wrapper_schema()).validate(envelope["payload"])
    assert envelope["payload"]["event_id"] == edit["event_id"]
    assert (event["type"], event["subtype"], event["hidden"]) == (
        "message",
        "message_changed",
        True,
    )
    assert (
        event["message"]["text"] == "step 2 done"
        and event["previous_message"]["text"] == "step 2 dne"
    )
    assert event["message"]["edited"] == {"user": USERS[1]["id"], "ts": event["ts"]}
    assert event["message"]["ts"] == original["ts"] != event["ts"]


def test_delete_is_delivered_as_message_deleted(slack: FakeSlack, raw: websocket.WebSocket) -> None:
    posted = WebClient(token=slack.bot_token, base_url=slack.api_url).chat_postMessage(
        channel="#rollover", text="Approval needed"
    )
    ack(raw, next_envelope(raw))
    deleted = slack.delete_message("#rollover", posted["ts"])
    envelope = next_envelope(raw)
    ack(raw, envelope)
    payload = envelope["payload"]
    jsonschema.Draft7Validator(events_wrapper_schema()).validate(payload)
    # The topic schema came from a message_deleted sample, but its previous_message from a
    # file comment (it requires a subtype): checked without that part.
    schema = message_event_schema()
    schema["properties"]["event"]["properties"].pop("previous_message")
    jsonschema.Draft4Validator(schema).validate(payload)
    event = payload["event"]
    assert payload["event_id"] == deleted["event_id"]
    assert (event["subtype"], event["hidden"], event["deleted_ts"]) == (
        "message_deleted",
        True,
        posted["ts"],
    )
    assert event["previous_message"]["text"] == "Approval needed"
    assert slack.messages()["rollover"] == []
    replies = WebClient(token=slack.bot_token, base_url=slack.api_url)
    with pytest.raises(SlackApiError) as gone:
        replies.conversations_replies(channel=posted["channel"], ts=posted["ts"])
    assert gone.value.response["error"] == "thread_not_found"


def test_click_payload_and_response_url(slack: FakeSlack, raw: websocket.WebSocket) -> None:
    bot = WebClient(token=slack.bot_token, base_url=slack.api_url)
    posted = bot.chat_postMessage(channel="#rollover", text="Checklist", blocks=BUTTONS)
    ack(raw, next_envelope(raw))
    click = slack.click("#rollover", posted["ts"], "mark_done", USERS[0]["id"])
    envelope = next_envelope(raw)
    assert envelope["type"] == "interactive" and "retry_attempt" not in envelope
    ack(raw, envelope, {"text": "thanks"})
    payload = envelope["payload"]
    assert payload["type"] == "block_actions" and payload["trigger_id"] == click["trigger_id"]
    assert payload["user"]["id"] == USERS[0]["id"] and payload["team"]["id"] == slack.team_id
    assert payload["actions"][0]["action_id"] == "mark_done"
    assert payload["actions"][0]["text"] == {"type": "plain_text", "text": "Done"}
    assert payload["container"]["message_ts"] == posted["ts"]
    assert payload["channel"]["id"] == posted["channel"] and payload["message"]["blocks"]
    record = slack.wait_for_delivery(click["trigger_id"])
    assert record["attempts"][0]["response"] == {"text": "thanks"}

    http_json(payload["response_url"], {"replace_original": True, "text": "Step 3 done"})
    assert slack.messages()["rollover"][0]["text"] == "Step 3 done"
    changed = next_envelope(raw)
    assert changed["payload"]["event"]["subtype"] == "message_changed"
    with pytest.raises(KeyError):
        slack.dispatcher.redeliver(click["trigger_id"])


def test_unacked_events_are_redelivered_on_request(
    slack: FakeSlack, raw: websocket.WebSocket
) -> None:
    sent = slack.post_as_user("#rollover", "alice", "hello?")
    first = next_envelope(raw)
    assert slack.redeliver_unacked() == [sent["event_id"]]
    second = next_envelope(raw)
    assert (second["retry_attempt"], second["retry_reason"]) == (1, "timeout")
    assert second["payload"] == first["payload"] and second["envelope_id"] != first["envelope_id"]
    ack(raw, second)
    record = slack.wait_for_delivery(sent["event_id"])
    assert [a["status"] for a in record["attempts"]] == ["sent", "acked"]
    assert slack.redeliver_unacked() == []


def test_events_wait_for_a_client_then_flow_after_hello(slack: FakeSlack) -> None:
    early = slack.post_as_user("#rollover", "alice", "anyone there?")
    assert slack.deliveries()[0]["attempts"][0]["status"] == "queued"
    ws = open_socket(slack)
    try:
        envelope = next_envelope(ws)
        assert envelope["payload"]["event_id"] == early["event_id"]
        ack(ws, envelope)
        assert slack.wait_for_delivery(early["event_id"])["acked"]
    finally:
        ws.close()


def test_ping_is_answered_with_pong(raw: websocket.WebSocket) -> None:
    raw.ping("are-you-there")
    opcode, data = raw.recv_data(control_frame=True)
    assert (opcode, data) == (websocket.ABNF.OPCODE_PONG, b"are-you-there")


def test_client_close_is_echoed(raw: websocket.WebSocket) -> None:
    raw.send_close(1000, b"bye")
    opcode, data = raw.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE and struct.unpack("!H", data[:2])[0] == 1000


def test_redeliver_after_retries_three_times_then_gives_up() -> None:
    with FakeSlack(USERS, redeliver_after=0.01) as fake:
        ws = open_socket(fake)
        try:
            sent = fake.post_as_user("#rollover", "alice", "nobody acks me")
            attempts = [next_envelope(ws)["retry_attempt"] for _ in range(4)]
            assert attempts == [0, 1, 2, 3]
            record = fake.wait_for_delivery(sent["event_id"], attempts=4, acked=False)
            assert not record["acked"] and fake.redeliver_unacked() == []
        finally:
            ws.close()


def test_stop_sends_a_close_frame() -> None:
    fake = FakeSlack(USERS).start()
    try:
        ws = open_socket(fake)
    finally:
        fake.stop()
    opcode, data = ws.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE and struct.unpack("!H", data[:2])[0] == 1001
    ws.close()


def test_unknown_ticket_is_refused(slack: FakeSlack) -> None:
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(f"ws://127.0.0.1:{slack.port}/link/?ticket=forged", timeout=5)


def read_server_frame(stream: BinaryIO) -> tuple[int, bytes]:
    """Read one (unmasked) server frame."""
    first, size = stream.read(2)
    assert not size & 0x80, "server frames must not be masked"
    if size & 0x7F == 126:
        (length,) = struct.unpack("!H", stream.read(2))
    else:
        length = size & 0x7F
    return first & 0x0F, stream.read(length)


def test_unmasked_client_frame_is_a_protocol_error(slack: FakeSlack) -> None:
    url = WebClient(base_url=slack.api_url).apps_connections_open(app_token=slack.app_token)["url"]
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(
            (
                f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        stream = sock.makefile("rb")
        assert stream.readline().startswith(b"HTTP/1.1 101")
        headers = iter(stream.readline, b"\r\n")
        assert b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" in list(headers)
        opcode, payload = read_server_frame(stream)
        assert json.loads(payload)["type"] == "hello"
        sock.sendall(encode_frame(0x1, b'{"envelope_id": "x"}'))
        opcode, payload = read_server_frame(stream)
        assert opcode == OP_CLOSE and struct.unpack("!H", payload[:2])[0] == 1002
