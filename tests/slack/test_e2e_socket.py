"""End to end over Socket Mode: the demo workbook (xlsx), the mock LMS, Slack on the fake.

One bot (`SlackServer`, as `rollover-bot serve` runs it) for the module, polling once an
hour: anything that happens in the sheet between polls was caused by a Slack reply. The
tests run in order, as a coordinator's week would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.config import Config
from bot.lms.mock import MockLMS
from bot.notify.blocks import REASON_BLOCK
from bot.slack.app import NO_REASON
from bot.slack.approvals import SlackApprovals
from bot.testing.fake_slack import FakeSlack
from tests.slack.slack_server import SlackServer
from tests.slack.slack_world import (
    ADMIN,
    BOB,
    COORDINATOR,
    USERS,
    approval_message,
    bot_replies,
    checklist,
    parents,
    permalink,
    replies,
    set_cell,
    slack_demo,
    slack_env,
)


@dataclass
class World:
    fake: FakeSlack
    config: Config
    server: SlackServer
    thread: threading.Thread

    @property
    def approvals(self) -> SlackApprovals:
        assert self.server.approvals is not None
        return self.server.approvals

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=10)
        self.server.close()


def start(fake: FakeSlack, config: Config) -> World:
    """The bot as `rollover-bot serve` runs it: connected, caught up, its poll loop running."""
    server = SlackServer(config).start()
    thread = threading.Thread(target=server.run, name="poll-loop", daemon=True)
    thread.start()
    return World(fake, config, server, thread)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with (
        FakeSlack(USERS, channels=["rollover", "coordinators"]) as fake,
        pytest.MonkeyPatch.context() as mp,
    ):
        slack_env(mp, fake)
        config = slack_demo(tmp_path_factory.mktemp("e2e") / "demo", fake)
        w = start(fake, config)
        try:
            w.server.runner.wait_for(1)
            yield w
        finally:
            w.stop()


def reply(w: World, user: dict[str, str], text: str, thread: str) -> tuple[str, str]:
    """``user`` replies in ``thread``; returns (event_id, outcome) once the bot handled it."""
    sent = w.fake.post_as_user("#rollover", user["id"], text, thread_ts=thread)
    (outcome,) = w.approvals.wait_for(sent["event_id"])
    return sent["event_id"], outcome


def archived(config: Config) -> int:
    lms = MockLMS(config.lms_path)
    try:
        return int((lms.records("Edgenuity", "students")["status"] == "archived").sum())
    finally:
        lms.close()


def test_a_ticked_destructive_step_gets_one_approval_message_with_buttons(world: World) -> None:
    message = approval_message(world.fake, "S-007")
    assert [m["text"].split("\n")[0] for m in parents(world.fake)].count(
        message["text"].split("\n")[0]
    ) == 1
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        "rollover_approve",
        "rollover_reject",
    ]
    row = checklist(world.config)["S-007"]
    assert row["Status"] == "Awaiting approval"
    assert row["Thread"] == permalink(world.fake, message["ts"])
    assert row["Approval"].endswith("an admin approves with `approve` in the step's Slack thread")


def test_refused_and_ignored_replies_change_nothing(world: World) -> None:
    thread = approval_message(world.fake, "S-007")["ts"]
    before = archived(world.config)

    assert reply(world, BOB, "approve", thread)[1] == "refused"
    assert reply(world, COORDINATOR, "Approve!", thread)[1] == "refused"
    answers = bot_replies(world.fake, thread)
    assert "Not applied: S-007: bob@demo-district.org is not an approver" in answers[0]
    assert "owns this step and may not approve it (two-person rule)" in answers[1]

    assert reply(world, ADMIN, "looks right to me", thread)[1] == "answered: other words"
    assert bot_replies(world.fake, thread)[-1].startswith("Not understood: “looks”.")
    talk = world.fake.post_as_user("#rollover", ADMIN["id"], "lunch plans?")
    assert reply(world, ADMIN, "approve", talk["ts"])[1] == "ignored: not an approval thread"
    assert replies(world.fake, talk["ts"])[-1]["user"] == ADMIN["id"]

    typo = world.fake.post_as_user("#rollover", ADMIN["id"], "aprove", thread_ts=thread)
    assert world.approvals.wait_for(typo["event_id"]) == ["answered: other words"]
    edit = world.fake.edit_message("#rollover", typo["ts"], text="approve")
    assert world.approvals.wait_for(edit["event_id"]) == ["ignored: edit"]
    assert bot_replies(world.fake, thread)[-1].startswith("Edited messages are not read")

    row = checklist(world.config)["S-007"]
    assert row["Status"] == "Awaiting approval" and archived(world.config) == before
    assert world.server.runner.count == 1


def test_an_admin_reply_runs_the_step_at_once_and_posts_the_result(world: World) -> None:
    thread = approval_message(world.fake, "S-007")["ts"]
    event_id, outcome = reply(world, ADMIN, "approve", thread)
    assert outcome == "approved"
    assert world.server.runner.count == 2  # the approval's own cycle, not the hourly poll
    row = checklist(world.config)["S-007"]
    assert row["Status"] == "Done"
    assert row["Approval"].startswith("Approved by admin@demo-district.org")
    answers = bot_replies(world.fake, thread)
    assert answers[-2] == f"Approved by <@{ADMIN['id']}>. Running S-007 now."
    assert answers[-1].startswith("S-007 Done: Archived ")
    assert archived(world.config) > 0
    decided = approval_message(world.fake, "S-007")
    assert not [b for b in decided["blocks"] if b["type"] == "actions"]
    world.fake.redeliver(event_id)
    assert world.approvals.wait_for(event_id, count=2) == ["approved", "duplicate"]
    assert len(bot_replies(world.fake, thread)) == len(answers)
    assert world.server.runner.count == 2


def test_a_second_approval_is_answered_not_applied(world: World) -> None:
    thread = approval_message(world.fake, "S-007")["ts"]
    assert reply(world, ADMIN, "approve", thread)[1] == "refused"
    assert (
        "S-007 was already approved by admin@demo-district.org"
        in (bot_replies(world.fake, thread)[-1])
    )


def test_editing_the_step_after_approval_voids_it(world: World) -> None:
    old = approval_message(world.fake, "S-007")["ts"]
    # the inactive students too: a plan with records to change (one that changes nothing
    # has nothing to approve, and would be Done at once)
    set_cell(world.config, "S-007", "Scope", "Students: status in (graduated, inactive)")
    set_cell(world.config, "S-007", "Parameters", "allow_over_threshold=yes")
    world.server.runner.run()
    row = checklist(world.config)["S-007"]
    assert row["Status"] == "Awaiting approval"
    assert row["Approval"].startswith("Void: the step changed after admin@demo-district.org")
    new = approval_message(world.fake, "S-007")["ts"]
    assert new != old and row["Thread"] == permalink(world.fake, new)
    assert reply(world, ADMIN, "approve", old)[1] == "refused: an earlier plan"
    assert checklist(world.config)["S-007"]["Status"] == "Awaiting approval"


def test_replies_sent_while_the_bot_was_down_count_after_restart(world: World) -> None:
    thread = approval_message(world.fake, "S-007")["ts"]
    world.stop()
    world.fake.configure_delivery("http://127.0.0.1:9/slack/events")  # nobody listening
    sent = world.fake.post_as_user("#rollover", ADMIN["id"], "Approve", thread_ts=thread)
    world.fake.configure_delivery(None)
    restarted = start(world.fake, world.config)
    world.server, world.thread = restarted.server, restarted.thread
    assert world.approvals.wait_for(sent["ts"]) == ["approved"]
    assert checklist(world.config)["S-007"]["Status"] == "Done"
    assert bot_replies(world.fake, thread)[-1].startswith("S-007 Done: ")


def test_the_reject_button_asks_for_the_reason_in_a_modal(world: World) -> None:
    thread = approval_message(world.fake, "S-008")["ts"]
    click = world.fake.click("#rollover", thread, "rollover_reject", ADMIN["id"])
    assert world.approvals.wait_for(click["trigger_id"]) == ["asked for a reason"]
    modal = world.fake.modals()[-1]
    blank = world.fake.submit_view(modal["id"], {REASON_BLOCK: " "})
    world.fake.wait_for_delivery(blank["trigger_id"])
    assert world.fake.view(modal["id"])["errors"] == {REASON_BLOCK: NO_REASON}
    sent = world.fake.submit_view(modal["id"], {REASON_BLOCK: "after the pause"})
    assert world.approvals.wait_for(sent["trigger_id"]) == ["rejected"]
    assert world.fake.view(modal["id"])["state"] == "closed"
    row = checklist(world.config)["S-008"]
    assert row["Status"] == "Rejected by admin@demo-district.org: after the pause"
    assert bot_replies(world.fake, thread)[-1] == f"Rejected by <@{ADMIN['id']}>: after the pause."
