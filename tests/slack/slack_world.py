"""Helpers for the Slack tests: people on the fake, a demo district set up for Slack."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from slack_sdk import WebClient

from bot.commands.create import make_demo
from bot.config import Config, load_config
from bot.templates import load_template
from bot.testing.fake_slack import FakeSlack
from bot.workbook.xlsx import XlsxWorkbook
from tests.conftest import DEMO_DAY
from tests.slack.slack_server import SlackServer

ADMIN = {"id": "U0ADMIN0001", "email": "admin@demo-district.org", "name": "admin"}
COORDINATOR = {"id": "U0COORD0002", "email": "coordinator@demo-district.org", "name": "coord"}
REGISTRAR = {"id": "U0REGIS0003", "email": "registrar@demo-district.org", "name": "registrar"}
BOB = {"id": "U0BOBBY0004", "email": "bob@demo-district.org", "name": "bob"}
USERS = [ADMIN, COORDINATOR, REGISTRAR, BOB]


def slack_env(monkeypatch: pytest.MonkeyPatch, fake: FakeSlack) -> None:
    """The tokens the bot reads from the environment, pointing at the fake."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.bot_token)
    monkeypatch.setenv("SLACK_APP_TOKEN", fake.app_token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", fake.signing_secret)


def slack_demo(directory: Path, fake: FakeSlack, mode: str = "socket", **slack: object) -> Config:
    """The demo district whose config talks to ``fake`` (poll once an hour unless told)."""
    path = make_demo(directory, students=60, force=False, today=DEMO_DAY)
    return on_slack(path, fake, mode, **slack)


def on_slack(path: Path, fake: FakeSlack, mode: str = "socket", **slack: object) -> Config:
    """The config at ``path`` switched to Slack: a ``[slack]`` section talking to ``fake``."""
    settings = {
        "mode": mode,
        "channel": "rollover",
        "coordinators_channel": "coordinators",
        "endpoint": fake.api_url,
        "poll_seconds": 3600,
        "digests": False,
        **slack,
    }
    lines = ["", "[slack]"] + [f"{k} = {_toml(v)}" for k, v in settings.items()]
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    return load_config(str(path))


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return f'"{value}"'


def checklist(config: Config) -> dict[str, dict[str, str]]:
    frame = XlsxWorkbook(config.workbook_path, load_template()).read().frames["Checklist"]
    rows: dict[str, dict[str, str]] = frame.set_index("Step ID").to_dict("index")
    return rows


def set_cell(config: Config, step_id: str, column: str, value: str) -> None:
    """What a staff member does in the spreadsheet."""
    book = load_workbook(config.workbook_path)
    sheet = book["Checklist"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == step_id:
            row[headers.index(column)].value = value
    book.save(config.workbook_path)


def parents(fake: FakeSlack, channel: str = "rollover") -> list[dict[str, Any]]:
    return fake.messages().get(channel, [])


def approval_message(fake: FakeSlack, step_id: str) -> dict[str, Any]:
    """The latest approval request posted for ``step_id``."""
    found = [m for m in parents(fake) if m["text"].startswith(f"Approval needed: {step_id} ")]
    assert found, f"no approval message for {step_id}"
    return found[-1]


def permalink(fake: FakeSlack, ts: str, channel: str = "rollover") -> str:
    """What Slack's chat.getPermalink answers for the message ``ts``."""
    client = WebClient(token=fake.bot_token, base_url=fake.api_url)
    return str(
        client.chat_getPermalink(channel=fake.channel_id(channel), message_ts=ts)["permalink"]
    )


def replies(fake: FakeSlack, thread: str) -> list[dict[str, Any]]:
    for message in parents(fake):
        if message["ts"] == thread:
            return list(message["replies"])
    return []


def bot_replies(fake: FakeSlack, thread: str) -> list[str]:
    return [r["text"] for r in replies(fake, thread) if r.get("bot_id")]


@contextmanager
def served_over_http(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FakeSlack, SlackServer]]:
    """The demo district served in HTTP mode as `rollover-bot serve` runs it, Slack's fake
    delivering to it, its first cycle done."""
    with FakeSlack(USERS, channels=["rollover", "coordinators"]) as fake:
        slack_env(monkeypatch, fake)
        config = slack_demo(directory, fake, mode="http", http_port=0)
        server = SlackServer(config).start()
        assert server.http is not None
        fake.configure_delivery(f"http://127.0.0.1:{server.http.port}/slack/events")
        loop = threading.Thread(target=server.run, daemon=True)
        loop.start()
        try:
            server.runner.wait_for(1)
            yield fake, server
        finally:
            server.stop()
            loop.join(timeout=10)
            server.close()


@contextmanager
def serving(config: Config) -> Iterator[SlackServer]:
    """The district served as `rollover-bot serve` runs it (connected, caught up, its poll
    loop running, its first cycle done); stopped on leaving."""
    server = SlackServer(config).start()
    loop = threading.Thread(target=server.run, name="poll-loop", daemon=True)
    loop.start()
    try:
        server.runner.wait_for(1)
        yield server
    finally:
        server.stop()
        loop.join(timeout=10)
        server.close()
