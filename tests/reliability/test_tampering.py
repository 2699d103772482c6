"""Tampering, against the bot serving Slack's HTTP Events API (the demo district on the fake
Slack): forged and stale signatures, approvals from a non-admin, the step's owner, other
threads, edits, clicks on other messages, unknown steps, a step or a roster row edited after
its approval, a duplicate delivery, an undo by a non-admin. Each is refused (or the approval
voided) with the reason in the thread, the Log or the bot's log, and nothing is archived
before a valid approval."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.config import Config
from bot.lms.mock import MockLMS
from bot.slack.approvals import EDIT_HINT
from bot.testing.fake_slack import FakeSlack
from bot.testing.slack_fake.signing import signed_headers
from tests.reliability.figures import FIGURES
from tests.slack.slack_server import SlackServer
from tests.slack.slack_world import (
    ADMIN,
    BOB,
    COORDINATOR,
    REGISTRAR,
    approval_message,
    bot_replies,
    checklist,
    served_over_http,
    set_cell,
)

STEP = "S-007"
SCOPE = "Students: grade = 12; status = graduated"


@pytest.fixture
def served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FakeSlack, SlackServer]]:
    with served_over_http(tmp_path / "demo", monkeypatch) as world:
        yield world


def refused(what: str) -> None:
    """One tampering attempt, refused or voided as its test just checked."""
    FIGURES.tampering += 1
    logging.getLogger(__name__).info("tampering refused: %s", what)


def post_event(server: SlackServer, body: dict[str, object], secret: str, at: int) -> int:
    """POST an Events API request signed with ``secret`` at time ``at``; the HTTP status."""
    assert server.http is not None
    raw = json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.http.port}/slack/events",
        data=raw,
        headers={"Content-Type": "application/json", **signed_headers(secret, str(at), raw)},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def reply_event(fake: FakeSlack, thread: str, user: str, text: str) -> dict[str, object]:
    """What Slack would send for ``user`` replying ``text`` in ``thread`` (never posted)."""
    ts = f"{time.time() + 1000:.6f}"
    event = {
        "type": "message",
        "channel": fake.channel_id("rollover"),
        "user": user,
        "text": text,
        "ts": ts,
        "thread_ts": thread,
        "event_ts": ts,
        "channel_type": "channel",
    }
    return {
        "token": fake.verification_token,
        "team_id": fake.team_id,
        "api_app_id": fake.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{ts.replace('.', '')}",
        "event_time": int(float(ts)),
    }


def decision_of(server: SlackServer, step: str) -> tuple[str, str] | None:
    with server.runner.lock:
        found = server.services.state.decision(step)
    return None if found is None else (found.decision.value, found.by)


def archived(config: Config) -> int:
    lms = MockLMS(config.lms_path)
    try:
        history = lms.store.history("Edgenuity")
    finally:
        lms.close()
    return sum(1 for h in history if h[2] == "archive students")


def handled(server: SlackServer, key: str) -> str:
    """What the bot made of delivery ``key`` (a second delivery of it is only a duplicate)."""
    assert server.approvals is not None
    outcomes = server.approvals.wait_for(key)
    if outcomes == ["duplicate"]:
        outcomes = server.approvals.wait_for(key, count=2)
    (outcome,) = [o for o in outcomes if o != "duplicate"]
    return outcome


def reply(fake: FakeSlack, server: SlackServer, thread: str, user: str, text: str) -> str:
    """``user`` replies in ``thread``; what the bot made of it."""
    sent = fake.post_as_user("#rollover", user, text, thread_ts=thread)
    return handled(server, str(sent["event_id"]))


def cli_approve(config: Config) -> None:
    """An admin approves the step's pending plan from the command line (no cycle runs)."""
    assert main(["approve", STEP, "--as", ADMIN["email"], "--config", str(config.source)]) == 0


def set_student_status(config: Config, status: str) -> str:
    """Staff edit a roster row: the first active grade-12 student's Status."""
    book = load_workbook(config.workbook_path)
    sheet = book["Students"]
    headers = [c.value for c in sheet[1]]
    grade, state = headers.index("Grade"), headers.index("Status")
    for row in sheet.iter_rows(min_row=2):
        if str(row[grade].value) == "12" and row[state].value == "active":
            row[state].value = status
            book.save(config.workbook_path)
            return str(row[0].value)
    raise AssertionError("no active senior")


def request_thread(server: SlackServer) -> str:
    """Run a cycle; the thread of the step's approval request, as the bot keeps it (a plan
    asked for before keeps its first message)."""
    server.runner.run()
    with server.runner.lock:
        request = server.services.state.approval_request(STEP)
    assert request is not None and request.thread
    return request.thread


def void_logged(config: Config) -> list[str]:
    """The plans (their fingerprints) whose approval the Log says was voided."""
    return [
        r["Record"] for r in checklist_log(config) if r["Step"] == STEP and r["Outcome"] == "void"
    ]


def checklist_log(config: Config) -> list[dict[str, str]]:
    from bot.templates import load_template
    from bot.workbook.xlsx import XlsxWorkbook

    frame = XlsxWorkbook(config.workbook_path, load_template()).read().frames["Log"]
    rows: list[dict[str, str]] = frame.to_dict("records")
    return rows


def test_tampering_is_refused_or_voided_with_its_reason(
    served: tuple[FakeSlack, SlackServer], caplog: pytest.LogCaptureFixture
) -> None:
    fake, server = served
    config = server.config
    caplog.set_level(logging.INFO)
    thread = str(approval_message(fake, STEP)["ts"])
    now = int(time.time())

    forged = reply_event(fake, thread, ADMIN["id"], "approve")
    assert post_event(server, forged, "not-the-signing-secret", now) == 401
    refused("forged signature")
    stale = reply_event(fake, thread, ADMIN["id"], "approve")
    assert post_event(server, stale, fake.signing_secret, now - 600) == 401
    refused("replayed with an old timestamp")
    assert caplog.text.count("Invalid request signature") == 2
    assert decision_of(server, STEP) is None

    assert reply(fake, server, thread, BOB["id"], "approve") == "refused"
    assert "bob@demo-district.org is not an approver" in bot_replies(fake, thread)[-1]
    refused("a non-admin")
    assert reply(fake, server, thread, COORDINATOR["id"], "Approve!") == "refused"
    assert "owns this step and may not approve it" in bot_replies(fake, thread)[-1]
    refused("the step's owner")

    other = fake.post_as_user("#rollover", ADMIN["id"], "Lunch at noon?")
    assert reply(fake, server, str(other["ts"]), ADMIN["id"], "approve") in (
        "ignored: not an approval thread",
        "ignored: no district here",
    )
    refused("another thread")
    assert server.approvals is not None
    said = fake.post_as_user("#rollover", ADMIN["id"], "hmm", thread_ts=thread)
    assert handled(server, str(said["event_id"])) == "answered: other words"
    assert bot_replies(fake, thread)[-1].startswith("Not understood: “hmm”.")
    edit = fake.edit_message("#rollover", str(said["ts"]), "approve")
    assert handled(server, str(edit["event_id"])) == "ignored: edit"
    assert bot_replies(fake, thread)[-1] == EDIT_HINT
    refused("an edited reply")
    assert main(["approve", "S-999", "--as", ADMIN["email"], "--config", str(config.source)]) == 2
    refused("an unknown step")
    assert decision_of(server, STEP) is None and archived(config) == 0

    set_cell(config, STEP, "Scope", SCOPE + "; school = North High")
    newer = request_thread(server)
    assert newer != thread
    assert reply(fake, server, thread, ADMIN["id"], "approve") == "refused: an earlier plan"
    assert "changed since this request" in bot_replies(fake, thread)[-1]
    refused("the thread of an earlier plan")
    click = fake.click("#rollover", thread, "rollover_approve", ADMIN["id"])
    assert handled(server, str(click["trigger_id"])) == "refused: an earlier plan"
    refused("the Approve button of an earlier plan")

    cli_approve(config)
    set_cell(config, STEP, "Scope", SCOPE)
    latest = request_thread(server)
    assert latest == thread
    assert "is void: the step changed since" in bot_replies(fake, newer)[-1]
    assert checklist(config)[STEP]["Approval"].startswith("Void: the step changed after")
    assert len(void_logged(config)) == 1
    refused("an approval followed by an edit of the step")

    cli_approve(config)
    student = set_student_status(config, "graduated")
    last = request_thread(server)
    assert last not in (thread, newer)
    assert "is void: the step changed since" in bot_replies(fake, latest)[-1]
    assert len(set(void_logged(config))) == 2
    refused(f"a roster row ({student}) edited between plan and execution")
    assert archived(config) == 0

    sent = fake.post_as_user("#rollover", ADMIN["id"], "approve", thread_ts=last)
    assert handled(server, str(sent["event_id"])) == "approved"
    fake.redeliver(str(sent["event_id"]))
    outcomes = server.approvals.wait_for(str(sent["event_id"]), count=2)
    assert outcomes.count("approved") == 1 and set(outcomes) == {"approved", "duplicate"}
    refused("a duplicate delivery of an approval")
    assert checklist(config)[STEP]["Status"] == "Done"
    assert student in {r["Record"] for r in checklist_log(config) if r["Step"] == STEP}
    assert [t for t in bot_replies(fake, last) if t.startswith("Approved by")] == [
        f"Approved by <@{ADMIN['id']}>. Running {STEP} now."
    ]

    undone = ["undo", STEP, "--as", REGISTRAR["email"], "--config", str(config.source)]
    assert main(undone) == 3
    refused("an undo by a non-admin")
    assert FIGURES.tampering >= 13
