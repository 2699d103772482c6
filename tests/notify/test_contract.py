"""The notifier contract: what the console and Slack both do for the bot.

* ``send`` delivers a message (its text as written) and returns its thread: a new thread for
  a message that starts one, the same thread for a reply, which lands in it. A thread it
  returns is one it can reply in (not ``lost``), and is never one that does not exist yet:
  a message it could not deliver now returns ``""``.
* A message for recipients is delivered once, like any other.
* A message for a thread it cannot reply in (one another notifier made) is still delivered.
* Nothing lost, nothing twice: a message sent while the outside world is down is delivered
  once, when the next message goes out.
* ``link`` is what the Checklist's Thread column shows: the thread, or an address ending in
  it; showing it again keeps it; a link made before a switch of notifier is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.structures import Message
from tests.notify.harness import NOTIFIERS, Delivered, NotifierHarness

OLD_SLACK_THREAD = "1700000000.000100"
OLD_SLACK_LINK = "https://old-workspace.slack.com/archives/C0OLD00001/p1700000000000100"


@pytest.fixture(params=NOTIFIERS, ids=lambda implementation: implementation.name)
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NotifierHarness]:
    opened = request.param.open(tmp_path)
    yield opened
    opened.close()


def result(step: str, text: str, thread: str = "") -> Message:
    return Message("result", text, step, thread)


def refers_to(link: str, thread: str) -> bool:
    return link == thread or link.endswith(f"/p{thread.replace('.', '')}")


def test_a_message_is_delivered_and_starts_a_thread(harness: NotifierHarness) -> None:
    message = result("S-001", "S-001 Done: Archived 3 students")
    thread = harness.notifier.send(message)
    assert isinstance(thread, str) and thread
    assert harness.delivered() == [Delivered(message.text)]


def test_a_reply_lands_in_the_thread(harness: NotifierHarness) -> None:
    notifier = harness.notifier
    first = result("S-001", "Approval needed: S-001 Edgenuity / archive students")
    thread = notifier.send(first)
    reply = result("S-001", "S-001 Done: Archived 3 students", thread)
    assert notifier.send(reply) == thread
    assert harness.delivered() == [Delivered(first.text), Delivered(reply.text, thread)]


def test_each_message_starts_its_own_thread(harness: NotifierHarness) -> None:
    notifier = harness.notifier
    one = notifier.send(result("S-001", "S-001 planned"))
    two = notifier.send(result("S-002", "S-002 planned"))
    assert one != two
    notifier.send(result("S-002", "S-002 done", two))
    notifier.send(result("S-001", "S-001 done", one))
    assert harness.delivered() == [
        Delivered("S-001 planned"),
        Delivered("S-002 planned"),
        Delivered("S-002 done", two),
        Delivered("S-001 done", one),
    ]


def test_the_text_is_delivered_as_written(harness: NotifierHarness) -> None:
    text = "S-004 Done: Ñandú — 学生 ✓\n\n  * 3 & <4> students `archived`\nlast line"
    harness.notifier.send(result("S-004", text))
    assert harness.delivered() == [Delivered(text)]


def test_a_message_for_recipients_is_delivered_once(harness: NotifierHarness) -> None:
    message = Message(
        "digest",
        "Rollover digest: 2 due soon",
        recipients=("admin@demo-district.org", "coordinator@demo-district.org"),
    )
    assert harness.notifier.send(message)
    assert harness.delivered() == [Delivered(message.text)]


def test_its_own_threads_are_not_lost(harness: NotifierHarness) -> None:
    notifier = harness.notifier
    thread = notifier.send(result("S-001", "S-001 planned"))
    assert not notifier.lost(thread)
    assert not notifier.lost("")


def test_a_message_for_a_thread_it_cannot_reply_in_is_still_delivered(
    harness: NotifierHarness,
) -> None:
    notifier = harness.notifier
    foreign = harness.foreign_thread
    message = result("S-002", "S-002 Done", foreign)
    thread = notifier.send(message)
    assert thread and not notifier.lost(thread)
    where = "" if notifier.lost(foreign) else foreign
    assert harness.delivered() == [Delivered(message.text, where)]


def test_a_message_sent_during_an_outage_is_delivered_once_after_it(
    harness: NotifierHarness,
) -> None:
    notifier = harness.notifier
    harness.outage()
    early = result("S-001", "S-001 Done")
    thread = notifier.send(early)
    assert bool(thread) == (harness.delivered() == [Delivered(early.text)])

    later = result("S-002", "S-002 Done")
    assert notifier.send(later)
    assert harness.delivered() == [Delivered(early.text), Delivered(later.text)]
    notifier.send(result("S-003", "S-003 Done"))
    assert [d.text for d in harness.delivered()].count(early.text) == 1


def test_a_reply_sent_during_an_outage_lands_in_its_thread_after_it(
    harness: NotifierHarness,
) -> None:
    notifier = harness.notifier
    thread = notifier.send(result("S-001", "S-001 planned"))
    harness.outage()
    notifier.send(result("S-001", "S-001 Done", thread))
    notifier.send(result("S-002", "S-002 planned"))
    assert harness.delivered() == [
        Delivered("S-001 planned"),
        Delivered("S-001 Done", thread),
        Delivered("S-002 planned"),
    ]


def test_the_link_of_a_thread_refers_to_it_and_is_kept(harness: NotifierHarness) -> None:
    notifier = harness.notifier
    thread = notifier.send(result("S-001", "S-001 planned"))
    link = notifier.link(thread)
    assert refers_to(link, thread)
    assert notifier.link(thread, link) == link
    assert notifier.link("") == ""


def test_a_link_made_before_a_switch_is_kept(harness: NotifierHarness) -> None:
    assert harness.notifier.link(OLD_SLACK_THREAD, OLD_SLACK_LINK) == OLD_SLACK_LINK
