"""Slack faults on the local fake: rate limits (429 with Retry-After) and outages (5xx for
longer than the client's retries). Messages Slack could not take wait in the outbox and are
delivered once afterwards; a cycle's approval requests get their threads late, and the step
results land in those threads once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import slack_sdk.http_retry.builtin_handlers as slack_retries

from bot.abc import StateStore
from bot.cycle import Cycle
from bot.notify.outbox import SENT, Outbox
from bot.notify.slack import SlackNotifier
from bot.services import Services
from bot.slack.client import make_client
from bot.state.sqlite import SqliteState
from bot.steps.approve import decide
from bot.structures import Message
from bot.testing.fake_slack import FakeSlack
from tests.reliability.district import ADMIN, District, build_district, step_row
from tests.reliability.figures import FIGURES

RETRY_AFTER = 2
OUTAGE = 10_000
STEPS = [f"S-{n:03d}" for n in range(1, 7)]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack([{"id": "U0ADMIN0001", "email": ADMIN, "name": "admin"}]) as fake:
        yield fake


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """What slack_sdk's rate-limit handler would sleep (Retry-After), recorded instead."""
    waits: list[float] = []
    monkeypatch.setattr(slack_retries, "time", SimpleNamespace(sleep=waits.append))
    return waits


def notifier(slack: FakeSlack, state: StateStore, linked: bool = False) -> SlackNotifier:
    client = make_client(slack.bot_token, slack.api_url, retry_seconds=0, retries=2)
    return SlackNotifier(client, Outbox(state), "rollover", state if linked else None)


def slack_services(district: District, slack: FakeSlack) -> tuple[Services, SlackNotifier]:
    """The district's services with a Slack notifier on ``slack`` (returned beside them)."""
    svc = district.services()
    svc.notifier = on_slack = notifier(slack, svc.state, linked=True)
    return svc, on_slack


def thread_of(svc: Services, step_id: str) -> str:
    """The Slack thread of ``step_id``'s approval request (which must exist)."""
    request = svc.state.approval_request(step_id)
    assert request is not None, step_id
    return request.thread


def faults_seen(slack: FakeSlack) -> int:
    return sum(1 for r in slack.requests("chat.postMessage") if r["status"] != 200)


def texts(slack: FakeSlack) -> Counter[str]:
    parents = slack.messages()["rollover"]
    return Counter(
        [m["text"] for m in parents] + [r["text"] for m in parents for r in m["replies"]]
    )


def test_messages_kept_through_rate_limits_and_outages_are_sent_once(
    tmp_path: Path, slack: FakeSlack, retry_waits: list[float]
) -> None:
    state = SqliteState(tmp_path / "state.sqlite")
    outbox = notifier(slack, state)
    anchor = outbox.send(Message("digest", "Daily digest: anchor for threads"))
    sent = [
        Message("digest", f"Digest {n}: {n} steps due soon", thread=anchor if n % 3 else "")
        for n in range(50)
    ]
    for n, message in enumerate(sent):
        if n % 5 == 0:
            slack.fail_next("chat.postMessage", status=429, count=2, retry_after=RETRY_AFTER)
        if n % 7 == 3:
            slack.fail_next("chat.postMessage", status=503, count=3)
        if n == 30:
            slack.fail_next("chat.postMessage", status=503, count=OUTAGE)
        if n == 40:
            slack.faults.clear()
        outbox.send(message)
    outbox.flush()
    assert not outbox.outbox.pending()
    assert {e.state for e in outbox.outbox.entries()} == {SENT}
    assert texts(slack) == Counter([m.text for m in sent] + ["Daily digest: anchor for threads"])
    rate_limited = [r for r in slack.requests("chat.postMessage") if r["status"] == 429]
    assert len(rate_limited) >= 16
    assert sorted(retry_waits)[0] >= RETRY_AFTER
    FIGURES.faults += faults_seen(slack)
    state.close()


def test_a_cycle_during_a_slack_outage_posts_its_requests_and_results_once_after(
    tmp_path: Path, slack: FakeSlack, retry_waits: list[float]
) -> None:
    steps = [
        step_row(sid, "archive students", f"Students: student id = {n:06d}")
        for n, sid in enumerate(STEPS, start=1)
    ]
    district = build_district(tmp_path / "slack-faults", students=60, steps=steps)
    svc, on_slack = slack_services(district, slack)
    try:
        slack.fail_next("chat.postMessage", status=503, count=OUTAGE)
        Cycle(svc, execute=False).run()
        assert "rollover" not in slack.messages() or not slack.messages()["rollover"]
        assert len(on_slack.outbox.pending()) == len(STEPS)
        down = faults_seen(slack)
        assert down == 3 * len(STEPS)

        slack.faults.clear()
        assert svc.notifier.flush() == len(STEPS)
        threads = {sid: thread_of(svc, sid) for sid in STEPS}
        assert all(threads.values())
        for sid in STEPS:
            decide(svc, sid, ADMIN)

        slack.fail_next("chat.postMessage", status=429, count=2, retry_after=RETRY_AFTER)
        slack.fail_next("chat.postMessage", status=503, count=3)
        report = Cycle(svc).run()
        assert sorted(report.executed) == STEPS
        svc.notifier.flush()
    finally:
        FIGURES.faults += faults_seen(slack)
        svc.close()

    parents = slack.messages()["rollover"]
    requests = Counter(m["text"].split("\n")[0] for m in parents)
    assert requests == Counter(
        f"Approval needed: {sid} Edgenuity / archive students" for sid in STEPS
    )
    for message in parents:
        replies = [r["text"] for r in message["replies"]]
        sid = message["text"].split()[2]
        assert message["ts"] == threads[sid]
        assert len(replies) == 1 and replies[0].startswith(f"{sid} Done: Archived 1 ")
    assert faults_seen(slack) == down + 5
