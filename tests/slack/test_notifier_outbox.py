"""The Slack notifier and its outbox: retries, a message sent once later, never twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.errors import NotifierError
from bot.notify.outbox import FAILED, PENDING, SENT, Entry, Outbox
from bot.notify.slack import SlackNotifier, message_key
from bot.slack.client import make_client
from bot.state.sqlite import SqliteState
from bot.structures import ApprovalRequest, Message
from bot.testing.fake_slack import FakeSlack
from tests.slack.slack_world import USERS, parents, permalink

APPROVAL = "Approval needed: S-007 Edgenuity / archive students\nWill archive 3\nPlan abc123"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(USERS, channels=["rollover"]) as slack:
        yield slack


@pytest.fixture
def state(tmp_path: Path) -> Iterator[SqliteState]:
    store = SqliteState(tmp_path / "state.sqlite")
    yield store
    store.close()


def notifier(fake: FakeSlack, store: SqliteState, linked: bool = False) -> SlackNotifier:
    """A notifier whose outbox is in ``store``; ``linked``: it also checks approval requests."""
    client = make_client(fake.bot_token, fake.api_url, retry_seconds=0, retries=2)
    return SlackNotifier(client, Outbox(store), "rollover", store if linked else None)


def posts(fake: FakeSlack) -> list[dict[str, object]]:
    return fake.requests("chat.postMessage")


def test_a_rate_limited_post_is_retried_without_a_duplicate(
    fake: FakeSlack, state: SqliteState
) -> None:
    slack = notifier(fake, state)
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    ts = slack.send(Message("approval_request", APPROVAL, "S-007"))
    assert [p["status"] for p in posts(fake)] == [429, 200]
    assert [m["ts"] for m in parents(fake)] == [ts]
    (entry,) = slack.outbox.entries()
    assert (entry.state, entry.ts, entry.attempts) == (SENT, ts, 1)


def test_server_errors_are_retried_by_the_client(fake: FakeSlack, state: SqliteState) -> None:
    slack = notifier(fake, state)
    fake.fail_next("chat.postMessage", status=503, count=2)
    assert slack.send(Message("result", "S-001 Done", "S-001"))
    assert [p["status"] for p in posts(fake)] == [503, 503, 200]
    assert len(parents(fake)) == 1


def test_a_message_slack_could_not_take_is_sent_once_later(
    fake: FakeSlack, state: SqliteState
) -> None:
    slack = notifier(fake, state)
    fake.fail_next("chat.postMessage", status=500, count=3)
    first = Message("result", "S-001 Done: Completed 4 enrollments", "S-001")
    assert slack.send(first) == ""
    (entry,) = slack.outbox.pending()
    assert entry.error == "fatal_error" and parents(fake) == []

    second = slack.send(Message("result", "S-002 Done", "S-002"))
    assert second
    assert [m["text"] for m in parents(fake)] == [first.text, "S-002 Done"]
    assert slack.send(first) == parents(fake)[0]["ts"]
    assert slack.flush() == 0
    assert len(parents(fake)) == 2
    assert {e.state for e in slack.outbox.entries()} == {SENT}


def test_a_message_left_pending_by_one_instance_is_sent_once_by_the_next(
    fake: FakeSlack, state: SqliteState, tmp_path: Path
) -> None:
    fake.fail_next("chat.postMessage", status=503, count=3)
    assert notifier(fake, state).send(Message("result", "S-004 Done", "S-004")) == ""
    successor = SqliteState(tmp_path / "state.sqlite")
    try:
        other = notifier(fake, successor)
        assert other.flush() == 1 and other.flush() == 0
        assert [m["text"] for m in parents(fake)] == ["S-004 Done"]
        assert [e.state for e in Outbox(state).entries()] == [SENT]
    finally:
        successor.close()


def test_an_interrupted_send_that_reached_slack_is_not_sent_again(
    fake: FakeSlack, state: SqliteState
) -> None:
    slack = notifier(fake, state)
    message = Message("result", "S-003 Done: Set dates of 12 enrollments", "S-003")
    key = message_key(message, "rollover")
    slack.outbox.record(Entry(key, "result", "S-003", "rollover", "", message.text))
    slack.outbox.attempt(key)  # the process died after Slack took the post
    posted = slack.client.chat_postMessage(channel="rollover", text=message.text)
    assert slack.flush() == 1
    assert len(parents(fake)) == 1
    assert slack.outbox.get(key) == Entry(
        key, "result", "S-003", "rollover", "", message.text, [], SENT, posted["ts"], "rollover", 1
    )


def test_slack_refusing_a_message_is_a_notifier_error(fake: FakeSlack, state: SqliteState) -> None:
    client = make_client(fake.bot_token, fake.api_url, retry_seconds=0)
    slack = SlackNotifier(client, Outbox(state), "nowhere")
    with pytest.raises(NotifierError, match=r"channel_not_found.*invite the bot to #nowhere"):
        slack.send(Message("result", "S-001 Done", "S-001"))
    (entry,) = slack.outbox.entries()
    assert entry.state == FAILED and slack.flush() == 0


def test_a_late_approval_request_gets_its_thread_or_is_dropped(
    fake: FakeSlack, state: SqliteState
) -> None:
    slack = notifier(fake, state, linked=True)
    state.request_approval(ApprovalRequest("S-007", "abc123", "Will archive 3", "c@x.org", "t"))
    fake.fail_next("chat.postMessage", status=503, count=3)
    assert slack.send(Message("approval_request", APPROVAL, "S-007")) == ""
    assert slack.flush() == 1
    thread = parents(fake)[0]["ts"]
    assert state.approval_request("S-007") == ApprovalRequest(
        "S-007", "abc123", "Will archive 3", "c@x.org", "t", thread
    )
    assert state.step_for_thread(thread) == "S-007"

    fake.fail_next("chat.postMessage", status=503, count=3)
    stale = APPROVAL.replace("Plan abc123", "Plan old999")
    assert slack.send(Message("approval_request", stale, "S-007")) == ""
    assert slack.flush() == 0
    assert [e.state for e in slack.outbox.entries()] == [SENT, "dropped"]
    assert len(parents(fake)) == 1


def test_outbox_keeps_a_key_once(state: SqliteState) -> None:
    outbox = Outbox(state)
    first = outbox.record(Entry("k", "digest", "", "rollover", "", "one"))
    again = outbox.record(Entry("k", "digest", "", "rollover", "", "two"))
    assert first == again and again.text == "one" and again.state == PENDING
    outbox.mark_sent("k", "1.2", "C1")
    assert outbox.record(Entry("k", "digest", "", "rollover", "", "three")).state == SENT
    assert outbox.sent_as("1.2") == outbox.get("k") and outbox.channel_id("rollover") == "C1"


def test_the_thread_link_survives_slack_being_unreachable(
    fake: FakeSlack, state: SqliteState
) -> None:
    ts = notifier(fake, state).send(Message("approval_request", APPROVAL, "S-007"))
    link = notifier(fake, state).link(ts)
    assert link == permalink(fake, ts)

    restarted = notifier(fake, state)  # a new process, Slack down: auth.test fails
    fake.fail_next("auth.test", status=503, count=100)
    assert restarted.link(ts, shown=link) == link
    assert restarted.link(ts, shown="someone typed here") == ts
    assert len(fake.requests("auth.test")) == 1 + 3  # tried once (and retried), then waits
    assert restarted.link("console-S-007-3") == "console-S-007-3"
    assert restarted.lost("console-S-007-3") and not restarted.lost(ts)
