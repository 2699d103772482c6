"""What people see of an approval in Slack, over HTTP mode (signed requests to the real bolt
App, the fake Slack answering): the Thread column links to the request; the owner is an
@mention; an over-threshold override is called out; a reply that is neither `approve` nor
`reject` is answered with what is accepted; the decided message names the approver as a
mention; the Reject button asks for the reason in a modal.

One bot for the module; each test works on its own step (the demo district's S-001, S-002
and S-007 await approval after the first cycle)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.notify.blocks import REASON_BLOCK
from bot.slack.app import NO_REASON
from bot.slack.approvals import EDIT_HINT, UNRECOGNISED, SlackApprovals
from bot.testing.fake_slack import FakeSlack
from tests.slack.slack_server import SlackServer
from tests.slack.slack_world import (
    ADMIN,
    BOB,
    COORDINATOR,
    REGISTRAR,
    approval_message,
    bot_replies,
    checklist,
    permalink,
    replies,
    served_over_http,
    set_cell,
)

World = tuple[FakeSlack, SlackServer]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with (
        pytest.MonkeyPatch.context() as mp,
        served_over_http(tmp_path_factory.mktemp("surface") / "demo", mp) as served,
    ):
        yield served


def approvals(server: SlackServer) -> SlackApprovals:
    assert server.approvals is not None
    return server.approvals


def texts(message: dict[str, Any], kind: str) -> list[str]:
    """The mrkdwn of a message's ``section`` or ``context`` blocks."""
    found = []
    for block in message["blocks"]:
        if block["type"] == kind == "section":
            found.append(block["text"]["text"])
        if block["type"] == kind == "context":
            found += [e["text"] for e in block["elements"]]
    return found


def ours(fake: FakeSlack, thread: str) -> list[str]:
    """What this bot said in ``thread``."""
    return [r["text"] for r in replies(fake, thread) if r["user"] == fake.bot_user_id]


def reply(world: World, user: dict[str, str], text: str, thread: str) -> tuple[str, list[str]]:
    fake, server = world
    sent = fake.post_as_user("#rollover", user["id"], text, thread_ts=thread)
    return str(sent["event_id"]), approvals(server).wait_for(sent["event_id"])


def test_the_thread_column_links_to_the_request(world: World) -> None:
    fake, server = world
    rows = checklist(server.config)
    for step in ("S-001", "S-002", "S-007"):
        ts = approval_message(fake, step)["ts"]
        assert rows[step]["Thread"] == permalink(fake, ts)
        assert rows[step]["Thread"].startswith("https://rollovertest.slack.com/archives/C")
        with server.runner.lock:
            request = server.services.state.approval_request(step)
            assert request is not None and request.thread == ts
            assert server.services.state.step_for_thread(ts) == step
    server.runner.run()
    assert checklist(server.config) == rows


def test_the_owner_is_an_at_mention_when_slack_knows_the_email(world: World) -> None:
    fake, server = world
    details = "\n".join(texts(approval_message(fake, "S-007"), "section"))
    assert f"Owner: <@{COORDINATOR['id']}>   Due: " in details
    assert COORDINATOR["email"] not in details
    assert f"Owner: <@{REGISTRAR['id']}>" in "\n".join(
        texts(approval_message(fake, "S-001"), "section")
    )

    set_cell(server.config, "S-001", "Owner", "substitute@demo-district.org")
    server.runner.run()
    details = "\n".join(texts(approval_message(fake, "S-001"), "section"))
    assert "Owner: substitute@demo-district.org   Due: " in details


def test_an_over_threshold_override_is_called_out(world: World) -> None:
    fake, server = world
    set_cell(server.config, "S-002", "Scope", "Enrollments: status = active")
    set_cell(server.config, "S-002", "Parameters", "allow_over_threshold=yes")
    server.runner.run()
    message = approval_message(fake, "S-002")
    sections = texts(message, "section")
    assert sections[1] == (
        ":warning: *Over the safety threshold*: this step would disable 228 of 228 active "
        "enrollments (100.0% &gt; 10%). Its Parameters say allow_over_threshold=yes, so it "
        "runs if approved: approve only if that many is intended."
    )
    assert message["text"].split("\n")[1].startswith("Over the safety threshold: this step")
    assert "Over the safety" not in approval_message(fake, "S-007")["text"]


def test_other_words_in_a_request_thread_are_answered_once(world: World) -> None:
    fake, server = world
    thread = approval_message(fake, "S-007")["ts"]
    before = len(ours(fake, thread))

    typo, outcome = reply(world, ADMIN, "aprove", thread)
    assert outcome == ["answered: other words"]
    assert ours(fake, thread)[-1] == UNRECOGNISED.format(word="aprove")
    assert "`approve`" in UNRECOGNISED and "`reject &lt;reason&gt;`" in UNRECOGNISED
    fake.redeliver(typo)
    assert approvals(server).wait_for(typo, count=2) == ["answered: other words", "duplicate"]

    robot = fake.workspace.add_user(
        "otherbot", user_id="U0ROBOT0005", is_bot=True, bot_id="B0ROBOT05"
    )
    assert reply(world, {"id": robot.id}, "Reminder: standup", thread)[1] == [
        "ignored: not a person's new message"
    ]
    talk = fake.post_as_user("#rollover", ADMIN["id"], "lunch plans?")
    assert reply(world, ADMIN, "hmm", str(talk["ts"]))[1] == ["ignored: other words"]
    said = fake.post_as_user("#rollover", BOB["id"], "looks right to me", thread_ts=thread)
    assert approvals(server).wait_for(said["event_id"]) == ["answered: other words"]
    edit = fake.edit_message("#rollover", str(said["ts"]), text="approve")
    assert approvals(server).wait_for(edit["event_id"]) == ["ignored: edit"]
    bot_said = ours(fake, thread)[before:]
    assert bot_said == [
        UNRECOGNISED.format(word="aprove"),
        UNRECOGNISED.format(word="looks"),
        EDIT_HINT,
    ]
    assert approvals(server).catch_up() >= 3  # read back after a restart: nothing new said
    assert len(ours(fake, thread)) == before + 3
    assert checklist(server.config)["S-007"]["Status"] == "Awaiting approval"


def test_a_reject_form_that_cannot_open_says_how_to_reject_instead(world: World) -> None:
    fake, server = world
    thread = approval_message(fake, "S-002")["ts"]
    saved, fake.views.trigger_seconds = fake.views.trigger_seconds, -1.0  # Slack: expired
    try:
        click = fake.click("#rollover", thread, "rollover_reject", ADMIN["id"])
        assert approvals(server).wait_for(click["trigger_id"]) == ["refused: no form"]
    finally:
        fake.views.trigger_seconds = saved
    assert ours(fake, thread)[-1] == (
        f"<@{ADMIN['id']}> the form for the reason could not be opened (expired_trigger_id): "
        "reply `reject &lt;reason&gt;` in this thread instead."
    )


def test_the_decided_message_names_the_approver_as_a_mention(world: World) -> None:
    fake, server = world
    thread = approval_message(fake, "S-001")["ts"]
    click = fake.click("#rollover", thread, "rollover_approve", ADMIN["id"])
    assert approvals(server).wait_for(click["trigger_id"]) == ["approved"]
    decided = approval_message(fake, "S-001")
    assert decided["edited"]
    assert texts(decided, "context") == [f"Approved by <@{ADMIN['id']}>"]
    assert not [b for b in decided["blocks"] if b["type"] == "actions"]
    assert "Owner: substitute@demo-district.org" in "\n".join(texts(decided, "section"))
    assert bot_replies(fake, thread)[0] == f"Approved by <@{ADMIN['id']}>. Running S-001 now."
    _, outcome = reply(world, ADMIN, "thanks!", thread)
    assert outcome == ["ignored: other words"]


def test_the_reject_button_asks_for_the_reason_in_a_modal(world: World) -> None:
    fake, server = world
    thread = approval_message(fake, "S-007")["ts"]

    assert reply(world, ADMIN, "Reject", thread)[1] == ["refused"]
    assert bot_replies(fake, thread)[-1] == (
        "Not applied: S-007: a rejection needs its reason: reply `reject &lt;reason&gt;`"
    )
    click = fake.click("#rollover", thread, "rollover_reject", ADMIN["id"])
    assert approvals(server).wait_for(click["trigger_id"]) == ["asked for a reason"]
    assert checklist(server.config)["S-007"]["Status"] == "Awaiting approval"
    modal = fake.modals()[-1]
    assert (modal["user"], modal["state"]) == (ADMIN["id"], "open")
    assert modal["view"]["title"]["text"] == "Reject S-007"
    assert modal["view"]["blocks"][0]["text"]["text"].startswith("*Approval needed: S-007 ")

    refused = fake.submit_view(modal["id"], {REASON_BLOCK: ""})
    assert not refused["ok"] and REASON_BLOCK in refused["errors"]  # Slack's own check
    blank = fake.submit_view(modal["id"], {REASON_BLOCK: "   "})
    fake.wait_for_delivery(blank["trigger_id"])
    assert fake.view(modal["id"])["state"] == "open"
    assert fake.view(modal["id"])["errors"] == {REASON_BLOCK: NO_REASON}
    assert checklist(server.config)["S-007"]["Status"] == "Awaiting approval"

    reason = "wait for the <pause> & re-check"
    sent = fake.submit_view(modal["id"], {REASON_BLOCK: reason})
    assert approvals(server).wait_for(sent["trigger_id"]) == ["rejected"]
    assert fake.view(modal["id"])["state"] == "closed"
    row = checklist(server.config)["S-007"]
    assert row["Status"] == f"Rejected by {ADMIN['email']}: {reason}"
    shown = "wait for the &lt;pause&gt; &amp; re-check"
    assert bot_replies(fake, thread)[-1] == f"Rejected by <@{ADMIN['id']}>: {shown}."
    decided = approval_message(fake, "S-007")
    assert texts(decided, "context") == [f"Rejected by <@{ADMIN['id']}>: {shown}"]

    late = fake.click(
        "#rollover", approval_message(fake, "S-002")["ts"], "rollover_reject", BOB["id"]
    )
    assert approvals(server).wait_for(late["trigger_id"]) == ["asked for a reason"]
    bobs = fake.modals()[-1]
    sent = fake.submit_view(bobs["id"], {REASON_BLOCK: "not mine to say"})
    assert approvals(server).wait_for(sent["trigger_id"]) == ["refused"]
    assert (
        "bob@demo-district.org is not an approver"
        in bot_replies(fake, approval_message(fake, "S-002")["ts"])[-1]
    )
    assert checklist(server.config)["S-002"]["Status"] == "Awaiting approval"


def test_a_reason_given_in_the_thread_is_kept_as_typed(world: World) -> None:
    """Slack sends ``&``, ``<`` and ``>`` of a message escaped: the sheet gets them as typed."""
    fake, server = world
    thread = approval_message(fake, "S-002")["ts"]
    _, outcome = reply(world, ADMIN, "reject too many &amp; too &lt;soon&gt;", thread)
    assert outcome == ["rejected"]
    row = checklist(server.config)["S-002"]
    assert row["Status"] == f"Rejected by {ADMIN['email']}: too many & too <soon>"
    assert bot_replies(fake, thread)[-1] == (
        f"Rejected by <@{ADMIN['id']}>: too many &amp; too &lt;soon&gt;."
    )
