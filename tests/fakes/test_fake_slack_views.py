"""Modals on the fake Slack: ``views.open`` with a click's trigger, ``view_submission`` to a
real bolt App (Socket Mode and signed HTTP) and what its answer does to the modal; and
``chat.getPermalink``. Checked against Slack's Web API spec."""

from __future__ import annotations

import queue
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.testing.fake_slack import FakeSlack, SlackError
from tests.fakes.slack_fixtures import (
    BUTTONS,
    USERS,
    http_json,
    json_body,
    slack,
    validate_response,
    web_spec,
)
from tests.fakes.test_fake_slack_http import Receiver

__all__ = ["slack"]

MODAL = {
    "type": "modal",
    "callback_id": "why",
    "private_metadata": "step-3",
    "title": {"type": "plain_text", "text": "Reject step 3"},
    "submit": {"type": "plain_text", "text": "Reject"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "blocks": [
        {
            "type": "input",
            "block_id": "reason",
            "label": {"type": "plain_text", "text": "Why?"},
            "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
        }
    ],
}


def spec_example_view() -> dict[str, Any]:
    operation = web_spec()["paths"]["/views.open"]["get"]
    example: dict[str, Any] = operation["responses"]["200"]["examples"]["application/json"]
    return dict(example["view"])


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


def clicked(slack: FakeSlack, client: WebClient, user: str = "bob") -> str:
    """Post a message with a button and click it; the click's trigger_id."""
    posted = client.chat_postMessage(channel="#rollover", text="Checklist", blocks=BUTTONS)
    return str(slack.click("#rollover", posted["ts"], "mark_done", user)["trigger_id"])


def test_views_open_exchanges_a_click_trigger_once(slack: FakeSlack, client: WebClient) -> None:
    trigger = clicked(slack, client)
    body = json_body(client.views_open(trigger_id=trigger, view=MODAL))
    validate_response("views.open", body)
    view = body["view"]
    assert set(spec_example_view()) <= set(view)
    assert view["id"].startswith("V") and view["root_view_id"] == view["id"]
    assert (view["callback_id"], view["private_metadata"]) == ("why", "step-3")
    assert view["app_id"] == slack.app_id and view["bot_id"] == slack.bot_id
    assert view["blocks"][0]["block_id"] == "reason"
    shown = slack.view(view["id"])
    assert (shown["state"], shown["user"]) == ("open", USERS[1]["id"])

    with pytest.raises(SlackApiError) as again:
        client.views_open(trigger_id=trigger, view=MODAL)
    assert again.value.response["error"] == "exchanged_trigger_id"
    with pytest.raises(SlackApiError) as unknown:
        client.views_open(trigger_id="1.2.3", view=MODAL)
    assert unknown.value.response["error"] == "invalid_trigger_id"
    validate_response("views.open", unknown.value.response.data)


def test_an_old_trigger_has_expired() -> None:
    with FakeSlack(USERS, trigger_seconds=-1.0) as late:
        late_client = WebClient(token=late.bot_token, base_url=late.api_url)
        trigger = clicked(late, late_client)
        with pytest.raises(SlackApiError) as expired:
            late_client.views_open(trigger_id=trigger, view=MODAL)
    assert expired.value.response["error"] == "expired_trigger_id"


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (
            {"title": {"type": "plain_text", "text": "A title much longer than Slack allows"}},
            "title",
        ),
        ({"submit": None}, "/view]"),
        ({"type": "home"}, "type"),
        ({"private_metadata": "x" * 3001}, "private_metadata"),
    ],
)
def test_views_slack_refuses(
    slack: FakeSlack, client: WebClient, change: dict[str, Any], pointer: str
) -> None:
    view = {k: v for k, v in {**MODAL, **change}.items() if v is not None}
    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id=clicked(slack, client), view=view)
    body = refused.value.response.data
    validate_response("views.open", body)
    assert body["error"] == "invalid_arguments"
    assert pointer in body["response_metadata"]["messages"][0]


def reason_app(slack: FakeSlack, submitted: queue.Queue[dict[str, Any]]) -> App:
    """An app that opens MODAL on a click and refuses a reason shorter than 5 characters."""
    app = App(
        signing_secret=slack.signing_secret,
        client=WebClient(token=slack.bot_token, base_url=slack.api_url),
        token_verification_enabled=False,
    )

    @app.action("mark_done")
    def on_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("why")
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        text = view["state"]["values"]["reason"]["text"]["value"]
        if len(text.strip()) < 5:
            ack(response_action="errors", errors={"reason": "Say a little more."})
            return
        ack()
        submitted.put(body)

    return app


def submit_twice(slack: FakeSlack, client: WebClient, submitted: queue.Queue[Any]) -> None:
    """Open the modal by a click; a too-short reason keeps it open; a good one closes it."""
    posted = client.chat_postMessage(channel="#rollover", text="Checklist", blocks=BUTTONS)
    slack.click("#rollover", posted["ts"], "mark_done", "bob")
    (opened,) = slack.wait_for_requests("views.open")
    assert opened["ok"], opened
    (modal,) = slack.modals()
    view_id = modal["id"]

    assert slack.submit_view(view_id, {"reason": ""}) == {
        "ok": False,
        "errors": {"reason": "Please complete this required field."},
    }
    short = slack.submit_view(view_id, {"reason": "no"})
    slack.wait_for_delivery(short["trigger_id"])
    shown = slack.view(view_id)
    assert (shown["state"], shown["errors"]) == ("open", {"reason": "Say a little more."})

    good = slack.submit_view(view_id, {"reason": "not before the pause"})
    slack.wait_for_delivery(good["trigger_id"])
    assert slack.view(view_id)["state"] == "closed"
    body = submitted.get(timeout=5)
    assert body["type"] == "view_submission" and body["trigger_id"] == good["trigger_id"]
    assert body["user"]["id"] == USERS[1]["id"] and body["view"]["private_metadata"] == "step-3"
    assert body["view"]["state"]["values"]["reason"]["text"] == {
        "type": "plain_text_input",
        "value": "not before the pause",
    }
    assert submitted.empty()
    with pytest.raises(SlackError, match="view_closed"):
        slack.submit_view(view_id, {"reason": "again"})


def test_a_view_submission_over_socket_mode(slack: FakeSlack, client: WebClient) -> None:
    submitted: queue.Queue[dict[str, Any]] = queue.Queue()
    handler = SocketModeHandler(reason_app(slack, submitted), slack.app_token)
    handler.connect()
    try:
        slack.wait_for_socket_client()
        submit_twice(slack, client, submitted)
        envelopes = [d for d in slack.deliveries() if d["type"] == "view_submission"]
        assert len(envelopes) == 2 and all(d["acked"] for d in envelopes)
    finally:
        handler.close()


def test_a_view_submission_over_signed_http() -> None:
    submitted: queue.Queue[dict[str, Any]] = queue.Queue()
    with FakeSlack(USERS) as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        with Receiver(reason_app(slack, submitted)) as receiver:
            slack.configure_delivery(receiver.url)
            submit_twice(slack, client, submitted)
            statuses = [
                a["http_status"]
                for d in slack.deliveries()
                if d["type"] == "view_submission"
                for a in d["attempts"]
            ]
            assert statuses == [200, 200]


def test_get_permalink_names_the_message(slack: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="#rollover", text="Checklist")
    reply = client.chat_postMessage(channel="#rollover", text="ok", thread_ts=parent["ts"])
    channel = parent["channel"]
    base = client.auth_test()["url"]
    link = json_body(client.chat_getPermalink(channel=channel, message_ts=parent["ts"]))
    validate_response("chat.getPermalink", link)
    assert link["permalink"] == f"{base}archives/{channel}/p{parent['ts'].replace('.', '')}"
    threaded = client.chat_getPermalink(channel=channel, message_ts=reply["ts"])["permalink"]
    assert threaded.endswith(f"?thread_ts={parent['ts']}&cid={channel}")
    with pytest.raises(SlackApiError) as missing:
        client.chat_getPermalink(channel=channel, message_ts="1600000000.000100")
    assert missing.value.response["error"] == "message_not_found"
    validate_response("chat.getPermalink", missing.value.response.data)


def test_views_are_reachable_over_the_control_api(slack: FakeSlack, client: WebClient) -> None:
    trigger = clicked(slack, client)
    view_id = client.views_open(trigger_id=trigger, view=MODAL)["view"]["id"]
    answer = http_json(
        slack.url + "_fake/submit_view", {"view_id": view_id, "values": {"reason": "why not"}}
    )
    assert answer["ok"] and answer["view_id"] == view_id
    assert http_json(slack.url + f"_fake/view?view_id={view_id}")["submissions"] == 1
    assert [m["id"] for m in http_json(slack.url + "_fake/modals")] == [view_id]
