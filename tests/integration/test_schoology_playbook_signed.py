"""The Schoology + PowerSchool playbook end to end against the fake Schoology, every request
signed with two-legged OAuth 1.0a and verified by the fake (issue 18, Done when).

A coordinator makes the demo, points its config at the fake (``[lms.schoology] endpoint``, the
keys in SCHOOLOGY_CONSUMER_KEY and SCHOOLOGY_CONSUMER_SECRET) and runs the bot from the CLI
on the demo day, on the rollover date and after it; the people's steps are ticked by their
owners when they have done them (the PowerSchool app's sync mode and active year by hand in
Schoology: the bot reads them back through the fake's stand-in of the app), and an admin
approves making graduated and inactive students inactive. Every step ends Done, each API
step's effect is in the fake's store once, and the fake refused no request. A wrong secret is
a clear error naming SCHOOLOGY_CONSUMER_SECRET, the CLI exits 2 without a traceback, and the
store is unchanged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import requests
import time_machine

from bot.commands.create import make_demo
from bot.config import Config, load_config
from bot.lms.mock import MockLMS
from bot.testing.fake_schoology import FakeSchoologyServer
from tests.integration.test_messages import ADMIN, cli, on_the_rollover
from tests.integration.test_whole_loop import checklist, set_staff_cell

DAY = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("America/Chicago"))
KEY, SECRET = "district-key", "district-secret"
SYS = "Schoology"
PEOPLES = ("S-002", "S-003", "S-004", "S-006", "S-008")
"""The people's steps of the playbook (Action manual): their owners tick them when done."""
SCHOOLS = ("North High", "South High")


@dataclass
class District:
    config: Config
    fake: FakeSchoologyServer

    def changes(self) -> list[dict[str, object]]:
        answer = requests.get(f"{self.fake.url}/_fake/changes", timeout=10)
        assert answer.status_code == 200
        changes: list[dict[str, object]] = answer.json()
        return changes

    def store(self) -> dict[tuple[str, str], tuple[str, str]]:
        """Every Schoology record of the fake's store: (kind, id) -> (status, data)."""
        lms = MockLMS(self.config.lms_path)
        try:
            rows = lms.store.db.execute(
                "SELECT kind, id, status, data FROM records WHERE system = ?", (SYS,)
            )
            return {(k, i): (s, d) for k, i, s, d in rows}
        finally:
            lms.close()

    def settings(self) -> dict[str, str]:
        lms = MockLMS(self.config.lms_path)
        try:
            return lms.settings(SYS)
        finally:
            lms.close()

    def set_in_schoology(self, name: str, value: str) -> None:
        """Someone changes a setting of the PowerSchool app in Schoology, by hand."""
        lms = MockLMS(self.config.lms_path)
        try:
            with lms.store.transaction():
                lms.store.set_setting(SYS, name, value)
        finally:
            lms.close()


@pytest.fixture
def district(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[District]:
    """The demo, over HTTP to a fake Schoology that verifies signatures (its clock, the
    verifier's and the bot's all travel with time-machine)."""
    with time_machine.travel(DAY, tick=False):
        path = make_demo(tmp_path / "demo", 60, False, DAY.date(), "schoology-new-year")
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_KEY", KEY)
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_SECRET", SECRET)
    monkeypatch.delenv("ROLLOVER_LMS_TOKEN", raising=False)
    config = load_config(str(path))
    with FakeSchoologyServer(config.lms_path, KEY, SECRET, rate_limits=False) as fake:
        text = path.read_text(encoding="utf-8").replace('backend = "mock"', 'backend = "http"')
        path.write_text(text + f'\n[lms.schoology]\nendpoint = "{fake.url}"\n', encoding="utf-8")
        config = load_config(str(path))
        for step in PEOPLES:
            set_staff_cell(config, step, "Run", "FALSE")
        yield District(config, fake)


def owner_ticks(district: District, step: str) -> None:
    """The step's owner has done it and ticks Run."""
    set_staff_cell(district.config, step, "Run", "TRUE")


def leaving(config: Config) -> set[str]:
    """The students S-007 makes inactive: graduated or inactive on the Students tab."""
    lms = MockLMS(config.lms_path)
    try:
        active = set(lms.records(SYS, "students").query("status == 'active'")["id"])
    finally:
        lms.close()
    students = pd.read_excel(config.workbook_path, sheet_name="Students", dtype=str)
    gone = students[students["Status"].isin(["graduated", "inactive"])]["Student ID"]
    return set(gone) & active


def test_the_playbook_runs_end_to_end_over_signed_requests(
    district: District, capsys: pytest.CaptureFixture[str]
) -> None:
    config, fake = district.config, district.fake
    rollover = on_the_rollover(config)
    periods = checklist(config)["S-005"]["Parameters"]
    year = checklist(config)["S-004"]["Parameters"].split("expected=")[1]
    assert district.settings().get("sync_mode", "automatic") == "automatic"
    students = leaving(config)
    assert students, "the demo has graduated and inactive students to make inactive"

    with time_machine.travel(DAY, tick=False):
        assert cli(config, "run", "--once") == 0
    steps = checklist(config)
    assert steps["S-001"]["Status"] == "Done"
    assert steps["S-002"]["Status"] == "Idle"
    assert district.changes() == [], "the demo day reads; nothing is changed"

    with time_machine.travel(rollover, tick=False):
        district.set_in_schoology("sync_mode", "manual")  # in the PowerSchool app
        owner_ticks(district, "S-002")
        owner_ticks(district, "S-003")  # the registrar has rolled PowerSchool over
        assert cli(config, "run", "--once") == 0
        steps = checklist(config)
        assert steps["S-002"]["Status"].startswith("Done by ")
        assert "Schoology says sync_mode is manual" in steps["S-002"]["Result"]
        assert steps["S-004"]["Status"] == "Idle"
        district.set_in_schoology("active_year", year)  # in the PowerSchool app
        owner_ticks(district, "S-004")
        assert cli(config, "run", "--once") == 0
    steps = checklist(config)
    assert steps["S-003"]["Status"].startswith("Done by registrar@demo-district.org")
    assert steps["S-004"]["Status"].startswith("Done by ")
    assert f"Schoology says active_year is {year}" in steps["S-004"]["Result"]
    assert steps["S-005"]["Status"] == "Done"
    assert steps["S-007"]["Status"] == "Awaiting approval"
    assert f"Will deactivate {len(students)} of " in steps["S-007"]["Plan"]

    with time_machine.travel(rollover + timedelta(days=3), tick=False):
        assert cli(config, "approve", "S-007", "--as", ADMIN) == 0
        owner_ticks(district, "S-006")  # each school has selected the new grading period
        district.set_in_schoology("sync_mode", "automatic")  # in the PowerSchool app
        owner_ticks(district, "S-008")
        assert cli(config, "run", "--once") == 0
        assert cli(config, "run", "--once") == 0  # a second run changes nothing
    capsys.readouterr()

    steps = checklist(config)
    assert {sid: row["Status"].split(" by ")[0] for sid, row in steps.items()} == dict.fromkeys(
        steps, "Done"
    ), {sid: (row["Status"], row["Result"]) for sid, row in steps.items()}
    assert "Schoology says sync_mode is automatic" in steps["S-008"]["Result"]

    changes = district.changes()
    per_target = Counter((c["kind"], c["record"], str(c["after"])) for c in changes)
    assert max(per_target.values()) == 1, per_target.most_common(3)
    assert Counter(str(c["action"]) for c in changes) == {
        "create grading periods": len(SCHOOLS),
        "deactivate users": len(students),
    }
    assert {c["record"] for c in changes if c["action"] == "deactivate users"} == students
    name = periods.split(";")[0].removeprefix("name=")
    store = district.store()
    for school in SCHOOLS:
        status, data = store[("grading_periods", f"{school}: {name}")]
        assert status == "active" and f'"school": "{school}"' in data
    assert {i for (k, i), (st, _) in store.items() if k == "students" and st == "deactivated"} == (
        students
    )
    deletes = [r for r in fake.requests if r.method == "DELETE"]
    assert deletes and all(r.path == "/v1/users" and r.status == 200 for r in deletes)

    auth = requests.get(f"{fake.url}/_fake/auth", timeout=10).json()
    assert auth["refused"] == {} and auth["accepted"] > 0
    served = [r for r in fake.requests if r.system]
    assert served and all(r.status in (200, 201, 204) for r in served), {
        (r.method, r.path, r.status) for r in served
    }


@pytest.mark.parametrize("secret", ["not-the-district-secret", ""])
def test_a_wrong_or_missing_secret_names_the_setting_and_changes_nothing(
    secret: str,
    district: District,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = district.config
    before, settings = district.store(), district.settings()
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_SECRET", secret)
    with time_machine.travel(on_the_rollover(config), tick=False):
        for command in (("check",), ("run", "--once")):
            assert cli(config, *command) == 2, command
            out, err = capsys.readouterr()
            assert "Traceback" not in out + err
            assert "SCHOOLOGY_CONSUMER_SECRET" in err, err
            assert "not-the-district-secret" not in out + err
    assert district.changes() == []
    assert district.store() == before and district.settings() == settings
    refused = requests.get(f"{district.fake.url}/_fake/auth", timeout=10).json()["refused"]
    assert set(refused) == ({"signature"} if secret else set())
    steps = checklist(config)
    assert all(not row["Status"].startswith("Done") for row in steps.values()), steps
