"""End to end in HTTP mode: Slack POSTs signed events and button clicks to /slack/events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.testing.fake_slack import FakeSlack
from tests.slack.slack_server import SlackServer
from tests.slack.slack_world import (
    ADMIN,
    BOB,
    approval_message,
    bot_replies,
    checklist,
    served_over_http,
)


@pytest.fixture
def served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FakeSlack, SlackServer]]:
    with served_over_http(tmp_path / "demo", monkeypatch) as world:
        yield world


def test_buttons_and_a_reject_reply_over_http(served: tuple[FakeSlack, SlackServer]) -> None:
    fake, server = served
    approvals = server.approvals
    assert approvals is not None
    config = server.config
    thread = approval_message(fake, "S-007")["ts"]

    click = fake.click("#rollover", thread, "rollover_approve", BOB["id"])
    assert approvals.wait_for(click["trigger_id"]) == ["refused"]
    assert "bob@demo-district.org is not an approver" in bot_replies(fake, thread)[-1]
    assert fake.wait_for_delivery(click["trigger_id"])["acked"]

    click = fake.click("#rollover", thread, "rollover_approve", ADMIN["id"])
    assert approvals.wait_for(click["trigger_id"]) == ["approved"]
    steps = checklist(config)
    assert steps["S-007"]["Status"] == "Done"
    assert bot_replies(fake, thread)[-1].startswith("S-007 Done: Archived ")

    assert steps["S-008"]["Status"] == "Awaiting approval"
    second = approval_message(fake, "S-008")["ts"]
    sent = fake.post_as_user(
        "#rollover", ADMIN["id"], "REJECT not before the pause", thread_ts=second
    )
    assert approvals.wait_for(sent["event_id"]) == ["rejected"]
    assert fake.wait_for_delivery(sent["event_id"])["attempts"][0]["http_status"] == 200
    row = checklist(config)["S-008"]
    assert row["Status"] == "Rejected by admin@demo-district.org: not before the pause"
    assert bot_replies(fake, second)[-1] == (f"Rejected by <@{ADMIN['id']}>: not before the pause.")
    assert server.runner.count == 3
