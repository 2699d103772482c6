"""Web API of the fake Slack: spec conformance, Slack-shaped IDs, errors and scripted faults."""

from __future__ import annotations

import itertools
import json
import urllib.parse
import urllib.request
from typing import Any

import jsonschema
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.testing.fake_slack import FakeSlack
from bot.testing.slack_fake.ids import TsClock, parse_ts
from tests.fakes.slack_fixtures import (
    BUTTONS,
    PATTERNS,
    USERS,
    definition,
    http_json,
    json_body,
    response_schema,
    slack,
    validate,
    validate_response,
    web_spec,
)

__all__ = ["slack"]


def api(fake: FakeSlack, method: str, token: str | None = "bot", **params: Any) -> dict[str, Any]:
    """Call a method with a form-encoded POST, the way curl-style clients do."""
    data = dict(params)
    if token is not None:
        data["token"] = {"bot": fake.bot_token, "app": fake.app_token}.get(token, token)
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(fake.api_url + method, data=body)
    with urllib.request.urlopen(request, timeout=5) as response:
        decoded: dict[str, Any] = json.loads(response.read())
        return decoded


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


def test_auth_test_matches_spec_and_reports_the_bot(slack: FakeSlack, client: WebClient) -> None:
    body = json_body(client.auth_test())
    validate_response("auth.test", body)
    assert body["user_id"] == slack.bot_user_id and body["bot_id"] == slack.bot_id
    assert PATTERNS["user"].match(body["user_id"]) and PATTERNS["bot"].match(body["bot_id"])
    assert PATTERNS["team"].match(body["team_id"]) and body["url"].startswith("https://")


def test_post_message_matches_spec_and_ts_strictly_increases(client: WebClient) -> None:
    first = client.chat_postMessage(channel="#rollover", text="Rollover starts", blocks=BUTTONS)
    second = client.chat_postMessage(channel="rollover", text="again")
    third = client.chat_postMessage(channel=first["channel"], text="by id")
    for response in (first, second, third):
        validate_response("chat.postMessage", json_body(response))
        assert PATTERNS["ts"].match(response["ts"])
        assert PATTERNS["channel"].match(response["channel"])
        assert response["message"]["bot_id"] and response["message"]["ts"] == response["ts"]
    assert first["channel"] == second["channel"] == third["channel"]
    assert [first["ts"], second["ts"], third["ts"]] == [
        "1700000000.000100",
        "1700000000.000200",
        "1700000000.000300",
    ]
    posted_blocks = first["message"]["blocks"]
    assert [b["type"] for b in posted_blocks] == ["section", "actions"]
    assert posted_blocks[1]["block_id"] == "step-3" and posted_blocks[0]["block_id"]


def test_post_message_form_encoded_blocks_and_dm_by_user_id(slack: FakeSlack) -> None:
    body = api(
        slack, "chat.postMessage", channel=USERS[0]["id"], text="hi", blocks=json.dumps(BUTTONS)
    )
    validate_response("chat.postMessage", body)
    assert body["channel"].startswith("D") and body["message"]["blocks"][1]["block_id"] == "step-3"


def test_thread_replies_match_spec_in_order(slack: FakeSlack, client: WebClient) -> None:
    human_parent = slack.post_as_user("#rollover", "alice", "Which step is next?")
    slack.post_as_user("#rollover", "bob", "Step 4", thread_ts=human_parent["ts"])
    slack.post_as_user("#rollover", "alice", "Thanks", thread_ts=human_parent["ts"])
    body = json_body(client.conversations_replies(channel="#rollover", ts=human_parent["ts"]))
    validate_response("conversations.replies", body)
    parent_schema, reply_schema = response_schema("conversations.replies")["properties"][
        "messages"
    ]["items"]["items"]
    parent_schema = {**parent_schema, "definitions": web_spec()["definitions"]}
    reply_schema = {**reply_schema, "definitions": web_spec()["definitions"]}
    # The spec nests its positional item schemas one level too deep; apply them as intended.
    validate(body["messages"][0], parent_schema)
    for reply in body["messages"][1:]:
        validate(reply, reply_schema)
    assert [m["text"] for m in body["messages"]] == ["Which step is next?", "Step 4", "Thanks"]
    assert body["has_more"] is False
    assert body["messages"][0]["reply_count"] == 2
    assert body["messages"][0]["reply_users"] == [USERS[1]["id"], USERS[0]["id"]]
    assert all(m["parent_user_id"] == USERS[0]["id"] for m in body["messages"][1:])


def test_bot_thread_with_oldest_and_limit(slack: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="#rollover", text="Checklist", blocks=BUTTONS)
    reply = client.chat_postMessage(channel="#rollover", text="first", thread_ts=parent["ts"])
    assert reply["message"]["thread_ts"] == parent["ts"]
    later = [
        slack.post_as_user("#rollover", "bob", f"r{i}", thread_ts=parent["ts"]) for i in range(3)
    ]
    everything = json_body(client.conversations_replies(channel=parent["channel"], ts=parent["ts"]))
    for message in everything["messages"]:
        validate(message, definition("objs_message"))
    assert len(everything["messages"]) == 5
    newer = client.conversations_replies(
        channel="#rollover", ts=parent["ts"], oldest=later[0]["ts"]
    )
    assert [m["text"] for m in newer["messages"]] == ["Checklist", "r1", "r2"]
    capped = client.conversations_replies(channel="#rollover", ts=parent["ts"], limit=2)
    assert [m["text"] for m in capped["messages"]] == ["Checklist", "first"] and capped["has_more"]
    from_reply = client.conversations_replies(channel="#rollover", ts=reply["ts"])
    assert from_reply["messages"][0]["ts"] == parent["ts"]


def test_history_matches_spec_newest_first_with_broadcasts(
    slack: FakeSlack, client: WebClient
) -> None:
    parent = client.chat_postMessage(channel="#rollover", text="one")
    client.chat_postMessage(channel="#rollover", text="hidden reply", thread_ts=parent["ts"])
    client.chat_postMessage(
        channel="#rollover", text="broadcast", thread_ts=parent["ts"], reply_broadcast=True
    )
    slack.post_as_user("#rollover", "alice", "two")
    body = json_body(client.conversations_history(channel="#rollover"))
    validate_response("conversations.history", body)
    assert [m["text"] for m in body["messages"]] == ["two", "broadcast", "one"]
    assert body["messages"][1]["subtype"] == "thread_broadcast"
    limited = client.conversations_history(channel="#rollover", limit=1)
    assert limited["has_more"] is True and len(limited["messages"]) == 1


def test_update_matches_spec_and_is_visible(slack: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="#rollover", text="Step 3: pending")
    updated = client.chat_update(channel=posted["channel"], ts=posted["ts"], text="Step 3: done")
    body = json_body(updated)
    validate_response("chat.update", body)
    assert body["ts"] == posted["ts"] and body["text"] == "Step 3: done"
    history = client.conversations_history(channel="#rollover")
    assert history["messages"][0]["text"] == "Step 3: done"


def test_update_with_blocks_returns_a_block_array(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="#rollover", text="x", blocks=BUTTONS)
    body = client.chat_update(
        channel=posted["channel"], ts=posted["ts"], text="y", blocks=BUTTONS[:1]
    )
    schema = response_schema("chat.update")
    with pytest.raises(jsonschema.ValidationError):
        validate(body.data, schema)  # the 2020 spec wrongly types message.blocks as an object
    schema["properties"]["message"]["properties"]["blocks"] = {"$ref": "#/definitions/blocks"}
    validate(body.data, schema)
    assert [b["type"] for b in body["message"]["blocks"]] == ["section"]


def test_post_ephemeral_matches_spec_and_is_recorded(slack: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postEphemeral(channel="#rollover", user=USERS[0]["id"], text="only you")
    body = json_body(posted)
    validate_response("chat.postEphemeral", body)
    assert slack.ephemeral_messages()[0]["message_ts"] == body["message_ts"]
    assert client.conversations_history(channel="#rollover")["messages"] == []


def test_users_info_and_lookup_match_spec(slack: FakeSlack, client: WebClient) -> None:
    by_email = json_body(client.users_lookupByEmail(email="Alice@district.example.org"))
    by_id = json_body(client.users_info(user=USERS[1]["id"]))
    bot = json_body(client.users_info(user=slack.bot_user_id))
    strict_user = definition("objs_user")
    strict_user = {**strict_user["items"][0], "definitions": strict_user["definitions"]}
    for method, body in (
        ("users.lookupByEmail", by_email),
        ("users.info", by_id),
        ("users.info", bot),
    ):
        validate_response(method, body)
        validate(body["user"], strict_user)
    assert by_email["user"]["id"] == USERS[0]["id"] and by_id["user"]["name"] == "bob"
    assert bot["user"]["is_bot"] is True and bot["user"]["profile"]["bot_id"] == slack.bot_id


@pytest.mark.parametrize(
    ("method", "params", "error"),
    [
        ("chat.postMessage", {"channel": "#nowhere", "text": "x"}, "channel_not_found"),
        ("chat.postMessage", {"channel": "C0NOTACHAN1", "text": "x"}, "channel_not_found"),
        ("chat.postMessage", {"channel": "#rollover"}, "no_text"),
        (
            "chat.update",
            {"channel": "#rollover", "ts": "1600000000.000100", "text": "x"},
            "message_not_found",
        ),
        (
            "chat.postEphemeral",
            {"channel": "#rollover", "user": "U0NOBODY001", "text": "x"},
            "user_not_in_channel",
        ),
        (
            "conversations.replies",
            {"channel": "#rollover", "ts": "1600000000.000100"},
            "thread_not_found",
        ),
        ("conversations.history", {"channel": "#nowhere"}, "channel_not_found"),
        ("users.lookupByEmail", {"email": "nobody@example.org"}, "users_not_found"),
        ("users.info", {"user": "U0NOBODY001"}, "user_not_found"),
    ],
)
def test_errors_match_spec(
    slack: FakeSlack, method: str, params: dict[str, str], error: str
) -> None:
    body = api(slack, method, **params)
    assert body == {"ok": False, "error": error}
    validate_response(method, body)


@pytest.mark.parametrize("method", ["auth.test", "chat.postMessage", "users.info"])
def test_missing_and_wrong_tokens(slack: FakeSlack, method: str) -> None:
    assert api(slack, method, token=None) == {"ok": False, "error": "not_authed"}
    assert api(slack, method, token="xoxb-wrong") == {"ok": False, "error": "invalid_auth"}
    validate_response(method, api(slack, method, token="xoxb-wrong"))


def test_cannot_update_a_human_message(slack: FakeSlack) -> None:
    human = slack.post_as_user("#rollover", "alice", "mine")
    body = api(slack, "chat.update", channel="#rollover", ts=human["ts"], text="hijack")
    assert body["error"] == "cant_update_message"
    validate_response("chat.update", body)


def test_apps_connections_open_requires_the_app_token(slack: FakeSlack) -> None:
    assert "/apps.connections.open" not in web_spec()["paths"]
    app_client = WebClient(base_url=slack.api_url)
    body = json_body(app_client.apps_connections_open(app_token=slack.app_token))
    assert set(body) == {"ok", "url"} and body["ok"] is True
    parsed = urllib.parse.urlsplit(body["url"])
    assert (parsed.scheme, parsed.hostname, parsed.port, parsed.path) == (
        "ws",
        "127.0.0.1",
        slack.port,
        "/link/",
    )
    assert urllib.parse.parse_qs(parsed.query)["ticket"][0]
    assert api(slack, "apps.connections.open", token="bot")["error"] == "not_allowed_token_type"
    assert api(slack, "apps.connections.open", token="xapp-wrong")["error"] == "invalid_auth"


def test_rate_limited_post_is_retried_and_creates_one_message(slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    client = WebClient(
        token=slack.bot_token,
        base_url=slack.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    response = client.chat_postMessage(channel="#rollover", text="exactly once")
    assert response["ok"] is True
    statuses = [r["status"] for r in slack.requests("chat.postMessage")]
    assert statuses == [429, 200]
    stored = http_json(slack.url + "_fake/messages")["rollover"]
    assert [m["text"] for m in stored] == ["exactly once"]


def test_rate_limit_without_retry_surfaces_retry_after(slack: FakeSlack, client: WebClient) -> None:
    slack.fail_next(status=429, count=2, retry_after=1)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.auth_test()
        assert raised.value.response.status_code == 429
        assert raised.value.response["error"] == "ratelimited"
        assert raised.value.response.headers["Retry-After"] in ("1", ["1"])
    assert client.auth_test()["ok"] is True


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_by_the_sdk(slack: FakeSlack, status: int) -> None:
    slack.fail_next("chat.postMessage", status=status)
    plain = WebClient(token=slack.bot_token, base_url=slack.api_url)
    with pytest.raises(SlackApiError):
        plain.chat_postMessage(channel="#rollover", text="lost")
    slack.fail_next("chat.postMessage", status=status)
    retrying = WebClient(
        token=slack.bot_token, base_url=slack.api_url, retry_handlers=[ServerErrorRetryHandler()]
    )
    assert retrying.chat_postMessage(channel="#rollover", text="kept")["ok"]
    assert [m["text"] for m in slack.messages()["rollover"]] == ["kept"]


def test_control_endpoints_over_http(slack: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="#rollover", text="parent")
    reply = http_json(
        slack.url + "_fake/message",
        {
            "channel": "#rollover",
            "user": USERS[1]["id"],
            "text": "on it",
            "thread_ts": posted["ts"],
        },
    )
    assert PATTERNS["ts"].match(reply["ts"]) and PATTERNS["event"].match(reply["event_id"])
    edited = http_json(
        slack.url + "_fake/edit", {"channel": "#rollover", "ts": reply["ts"], "text": "done"}
    )
    assert PATTERNS["event"].match(edited["event_id"])
    messages = http_json(slack.url + "_fake/messages")["rollover"]
    assert [(m["text"], [r["text"] for r in m["replies"]]) for m in messages] == [
        ("parent", ["done"])
    ]
    assert messages[0]["replies"][0]["edited"]["user"] == USERS[1]["id"]
    requests = http_json(slack.url + "_fake/requests")
    assert [r["method"] for r in requests] == ["chat.postMessage"]
    assert requests[0]["params"] == {"channel": "#rollover", "text": "parent"}
    deliveries = http_json(slack.url + "_fake/deliveries")
    assert [d["type"] for d in deliveries] == ["message", "message", "message"]
    assert http_json(slack.url + "_fake/faults", {"method": "auth.test", "status": 503}) == {
        "ok": True
    }
    with pytest.raises(SlackApiError):
        client.auth_test()


def test_wall_clock_ts_is_well_formed_and_strictly_increasing() -> None:
    clock = TsClock()
    stamps = [clock.next() for _ in range(500)]
    assert all(PATTERNS["ts"].match(ts) for ts in stamps)
    assert all(parse_ts(a) < parse_ts(b) for a, b in itertools.pairwise(stamps))
