"""``python -m bot.testing.fake_slack``: prints its URL and serves the users file."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

from slack_sdk import WebClient

from tests.fakes.slack_fixtures import USERS


def test_cli_serves_users_from_file(tmp_path: Path) -> None:
    users_file = tmp_path / "users.json"
    users_file.write_text(json.dumps(USERS), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.testing.fake_slack", "--port", "0", "--users", str(users_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        url = lines.get(timeout=10).strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        client = WebClient(token="xoxb-fake-bot-token", base_url=url + "api/")
        assert client.users_lookupByEmail(email=USERS[1]["email"])["user"]["id"] == USERS[1]["id"]
        assert client.chat_postMessage(channel="#rollover", text="hi")["ok"]
    finally:
        process.terminate()
        process.communicate(timeout=10)
