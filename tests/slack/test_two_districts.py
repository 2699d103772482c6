"""Two districts on one Slack app and one process: each posts in its own channel, and a reply
in a district's approval thread acts on that district only."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands.create import make_demo
from bot.config import load_configs
from bot.lms.mock import MockLMS
from bot.schedule.service import Service
from bot.testing.fake_slack import FakeSlack
from tests.conftest import DEMO_DAY
from tests.slack.slack_world import ADMIN, USERS, slack_env


def config_for(tmp_path: Path, fake: FakeSlack) -> Path:
    for folder in ("north", "south"):
        make_demo(tmp_path / folder, students=30, force=False, today=DEMO_DAY)
    rows = [
        "[approvals]",
        'admins = ["admin@demo-district.org"]',
        "[slack]",
        'mode = "socket"',
        f'endpoint = "{fake.api_url}"',
        "digests = false",
        "[schedule]",
        "poll_seconds = 3600",
    ]
    for name, folder in (("North ISD", "north"), ("South ISD", "south")):
        rows += [
            "[[districts]]",
            f'name = "{name}"',
            f'workbook = {{ path = "{folder}/rollover.xlsx" }}',
            f'lms = {{ path = "{folder}/lms.sqlite" }}',
            f'state = {{ path = "{folder}/state.sqlite" }}',
            f'slack = {{ channel = "rollover-{folder}" }}',
        ]
    path = tmp_path / "districts.toml"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def archived(folder: Path) -> int:
    lms = MockLMS(folder / "lms.sqlite")
    try:
        return int((lms.records("Edgenuity", "students")["status"] == "archived").sum())
    finally:
        lms.close()


def approval_ts(fake: FakeSlack, channel: str, step: str) -> str:
    found = [
        m
        for m in fake.messages().get(channel, [])
        if m["text"].startswith(f"Approval needed: {step} ")
    ]
    assert len(found) == 1, f"{channel}: {len(found)} approval message(s) for {step}"
    return str(found[0]["ts"])


def test_a_reply_acts_on_its_own_district_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeSlack(USERS, channels=["rollover-north", "rollover-south"]) as fake:
        slack_env(monkeypatch, fake)
        service = Service(load_configs(str(config_for(tmp_path, fake)))).start()
        north, south = service.districts
        try:
            for district in (north, south):
                district.poll()
            assert service.listener is not None
            approvals = service.listener.by_district
            north_thread = approval_ts(fake, "rollover-north", "S-007")
            south_thread = approval_ts(fake, "rollover-south", "S-007")
            assert north_thread != south_thread
            before = (archived(tmp_path / "north"), archived(tmp_path / "south"))

            sent = fake.post_as_user(
                "#rollover-south", ADMIN["id"], "approve", thread_ts=south_thread
            )
            assert approvals["south-isd"].wait_for(sent["event_id"]) == ["approved"]
            assert archived(tmp_path / "south") > before[1]
            assert archived(tmp_path / "north") == before[0]
            assert south.runner is not None and south.runner.count == 2
            assert north.runner is not None and north.runner.count == 1

            sent = fake.post_as_user(
                "#rollover-north", ADMIN["id"], "approve", thread_ts=north_thread
            )
            assert approvals["north-isd"].wait_for(sent["event_id"]) == ["approved"]
            assert archived(tmp_path / "north") > before[0]
        finally:
            service.close()
