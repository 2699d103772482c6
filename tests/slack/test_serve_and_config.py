"""`[slack]` configuration, secrets from the environment, `serve` starting and stopping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import tomllib
from datetime import time
from pathlib import Path

import pytest
import yaml

from bot.commands.serve import stop_on_signals
from bot.config import SlackConfig, parse_config
from bot.config.schedule import ScheduleConfig
from bot.core.approvals import Policy, refusal
from bot.errors import ConfigError
from bot.testing.fake_slack import FakeSlack
from bot.wiring import build_services
from tests.slack.slack_server import SlackServer
from tests.slack.slack_world import USERS, slack_demo

ROOT = Path(__file__).resolve().parents[2]


def test_slack_section_defaults_and_keys(tmp_path: Path) -> None:
    plain = parse_config({}, tmp_path).slack
    assert (plain.mode, plain.channel, plain.escalation_channel) == (
        "console",
        "rollover",
        "rollover",
    )
    table = {"mode": "http", "channel": "#rollover", "coordinators_channel": "#leads"}
    slack = parse_config({"slack": {**table, "escalate_after_days": 5}}, tmp_path).slack
    assert (slack.mode, slack.channel, slack.escalation_channel) == ("http", "rollover", "leads")
    assert slack.escalate_after_days == 5
    with pytest.raises(ConfigError, match=r"slack\.mode = 'sms': expected one of"):
        parse_config({"slack": {"mode": "sms"}}, tmp_path)
    with pytest.raises(ConfigError, match=r"\[slack\] pol_seconds is not a setting; did you mean "):
        parse_config({"slack": {"pol_seconds": 5}}, tmp_path)
    with pytest.raises(ConfigError, match=r"slack\.poll_seconds must be a whole number"):
        parse_config({"slack": {"poll_seconds": 0}}, tmp_path)


def test_admins_by_email_or_slack_id(tmp_path: Path) -> None:
    config = parse_config({"approvals": {"admins": ["A@x.org", "U0ADMIN0001"]}}, tmp_path)
    policy = Policy.of(list(config.admins))
    assert policy.admins == {"a@x.org"} and policy.admin_ids == {"U0ADMIN0001"}
    assert refusal(policy, "someone@x.org", "c@x.org", user_id="U0ADMIN0001") is None
    assert refusal(policy, "U0ADMIN0001", "c@x.org") is None
    assert "two-person rule" in (refusal(policy, "x@x.org", "U0ADMIN0001", "U0ADMIN0001") or "")
    resolved = policy.with_people(["admin@x.org"], ["U0AAAAA0002"])
    assert refusal(resolved, "Admin@x.org", "c@x.org") is None
    with pytest.raises(ConfigError, match="'alice' is neither an email nor a Slack user ID"):
        parse_config({"approvals": {"admins": ["alice"]}}, tmp_path)


def test_tokens_come_from_the_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeSlack(USERS) as fake:
        config = slack_demo(tmp_path / "demo", fake)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN is not set"):
        build_services(config)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN is not set"):
        SlackServer(config)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    http = slack_demo(tmp_path / "http", fake, mode="http")
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        SlackServer(http)


def test_the_slack_server_needs_a_slack_mode(tmp_path: Path) -> None:
    with FakeSlack(USERS) as fake:
        config = slack_demo(tmp_path / "demo", fake, mode="console")
    with pytest.raises(ConfigError, match='needs \\[slack\\] mode = "socket" or "http"'):
        SlackServer(config)


def test_sigterm_and_sigint_stop_the_poll_loop() -> None:
    before = signal.getsignal(signal.SIGTERM)
    for signum in (signal.SIGTERM, signal.SIGINT):
        stop = threading.Event()
        with stop_on_signals(stop):
            signal.raise_signal(signum)
            assert stop.is_set()
    assert signal.getsignal(signal.SIGTERM) is before


def test_serve_in_http_mode_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with FakeSlack(USERS, channels=["rollover", "coordinators"]) as fake:
        config = slack_demo(tmp_path / "demo", fake, mode="http", http_port=0)
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": fake.signing_secret,
            "PYTHONPATH": str(ROOT),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--config", str(config.source)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            assert "(HTTP on :" in first and "/slack/events)" in first
            fake.wait_for_requests("chat.postMessage")  # the first cycle asked for approval
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, err
    assert out.strip().endswith("rollover-bot stopped.")


def test_the_manifest_asks_for_what_the_bot_uses() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yml").read_text(encoding="utf-8"))
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "chat:write",
        "users:read",
        "users:read.email",
        "channels:history",
        "groups:history",
    }
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["bot_events"] == ["message.channels", "message.groups"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True


def test_the_example_config_documents_every_slack_and_schedule_key() -> None:
    example = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    assert set(example["slack"]) == set(SlackConfig.__dataclass_fields__)
    assert set(example["schedule"]) == set(ScheduleConfig.__dataclass_fields__)
    config = parse_config(example, ROOT)
    assert (config.slack, config.schedule) == (SlackConfig(), ScheduleConfig())


def test_schedule_keys_and_the_two_read_from_older_slack_sections(tmp_path: Path) -> None:
    old = parse_config({"slack": {"poll_seconds": 300, "digest_time": "08:15"}}, tmp_path)
    assert (old.schedule.poll_seconds, old.schedule.digest_time) == (300, time(8, 15))
    both: dict[str, object] = {"slack": {"poll_seconds": 300}, "schedule": {"poll_seconds": 30}}
    assert parse_config(both, tmp_path).schedule.poll_seconds == 30
    with pytest.raises(ConfigError, match=r"schedule\.lease_seconds must be a whole number"):
        parse_config({"schedule": {"lease_seconds": 1}}, tmp_path)
    with pytest.raises(ConfigError, match=r"schedule\.digest_time must be HH:MM, not '7h'"):
        parse_config({"schedule": {"digest_time": "7h"}}, tmp_path)
    with pytest.raises(
        ConfigError, match=r"\[schedule\] poll is not a setting; did you mean poll_s"
    ):
        parse_config({"schedule": {"poll": 5}}, tmp_path)
