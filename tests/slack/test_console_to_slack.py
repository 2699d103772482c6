"""A district that started on the console and then switched to Slack (Socket Mode, on the fake
Slack): the approval requests printed on the console have no Slack thread, so each is posted
in Slack once (however often the bot restarts), its thread recorded, and replies there count.
A request whose Slack message was deleted is posted again, once."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config
from bot.lms.mock import MockLMS
from bot.testing.fake_slack import FakeSlack
from tests.slack.slack_world import (
    ADMIN,
    USERS,
    approval_message,
    bot_replies,
    checklist,
    on_slack,
    parents,
    permalink,
    serving,
    slack_env,
)

WAITING = ["S-001", "S-002", "S-007"]


def console_demo(directory: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """`rollover-bot demo` (console mode): its requests are printed, not posted."""
    assert main(["demo", "--dir", str(directory), "--students", "60"]) == 0
    assert "[slack] approval_request" in capsys.readouterr().out
    return directory / "config.toml"


def requests_posted(fake: FakeSlack) -> Counter[str]:
    """Approval messages in #rollover, by step."""
    return Counter(
        m["text"].split()[2] for m in parents(fake) if m["text"].startswith("Approval needed: ")
    )


def archived(lms_path: Path) -> int:
    lms = MockLMS(lms_path)
    try:
        return int((lms.records("Edgenuity", "students")["status"] == "archived").sum())
    finally:
        lms.close()


def test_requests_from_the_console_are_posted_in_slack_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = console_demo(tmp_path / "demo", capsys)
    before = checklist(load_config(str(path)))
    assert [s for s, row in before.items() if row["Status"] == "Awaiting approval"] == WAITING
    assert all(before[s]["Thread"].startswith("console-") for s in WAITING)

    caplog.set_level(logging.INFO)
    with FakeSlack(USERS, channels=["rollover", "coordinators"]) as fake:
        slack_env(monkeypatch, fake)
        config = on_slack(path, fake)
        for start in range(3):  # the first start, then two restarts
            with serving(config) as server:
                assert requests_posted(fake) == Counter(WAITING)
                if start < 2:
                    continue
                assert "cannot read the thread" not in caplog.text
                assert "not a thread of this Slack workspace" in caplog.text
                rows = checklist(config)
                for step in WAITING:
                    ts = approval_message(fake, step)["ts"]
                    assert rows[step]["Status"] == "Awaiting approval"
                    assert rows[step]["Thread"] == permalink(fake, ts)
                assert server.approvals is not None
                thread = approval_message(fake, "S-007")["ts"]
                sent = fake.post_as_user("#rollover", ADMIN["id"], "approve", thread_ts=thread)
                assert server.approvals.wait_for(sent["event_id"]) == ["approved"]
        assert checklist(config)["S-007"]["Status"] == "Done"
        assert bot_replies(fake, thread)[-1].startswith("S-007 Done: Archived 3 students")
        assert archived(config.lms_path) == 3
        assert requests_posted(fake) == Counter([*WAITING, "S-008"])  # S-008 waited on S-007


def test_a_request_deleted_from_slack_is_posted_again_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = console_demo(tmp_path / "demo", capsys)
    with FakeSlack(USERS, channels=["rollover", "coordinators"]) as fake:
        slack_env(monkeypatch, fake)
        config = on_slack(path, fake)
        with serving(config):
            first = approval_message(fake, "S-007")["ts"]
        fake.delete_message("#rollover", first)
        caplog.set_level(logging.WARNING)
        for restart in range(2):
            with serving(config) as server:
                assert requests_posted(fake) == Counter(WAITING)
                if restart < 1:
                    continue
                assert caplog.text.count("S-007: its approval request is gone from Slack") == 1
                again = approval_message(fake, "S-007")["ts"]
                assert again != first
                assert checklist(config)["S-007"]["Thread"] == permalink(fake, again)
                assert server.approvals is not None
                sent = fake.post_as_user("#rollover", ADMIN["id"], "approve", thread_ts=again)
                assert server.approvals.wait_for(sent["event_id"]) == ["approved"]
        assert checklist(config)["S-007"]["Status"] == "Done"


def test_back_on_the_console_the_thread_column_keeps_its_links(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = console_demo(tmp_path / "demo", capsys)
    plain = path.read_text(encoding="utf-8")
    with FakeSlack(USERS, channels=["rollover", "coordinators"]) as fake:
        slack_env(monkeypatch, fake)
        with serving(on_slack(path, fake)):
            links = {s: permalink(fake, approval_message(fake, s)["ts"]) for s in WAITING}
    path.write_text(plain, encoding="utf-8")  # back to mode = "console"
    assert main(["run", "--once", "--config", str(path)]) == 0
    rows = checklist(load_config(str(path)))
    assert {s: rows[s]["Thread"] for s in WAITING} == links
