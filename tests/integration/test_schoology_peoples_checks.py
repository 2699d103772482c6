"""The PowerSchool app's sync mode and active year are people's steps in the Schoology
playbook (Schoology's API cannot change them): the bot checks an owner's tick where it can read
the app's settings (the in-process model, the fake Schoology's stand-in of the app) and shows
Not confirmed while they disagree; where it cannot (``--no-powerschool-app``, as on
api.schoology.com) it records the tick and says it could not check it, and nothing fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.commands.create import make_demo
from bot.config import Config, load_config
from bot.lms.mock import MockLMS
from bot.testing.fake_schoology import FakeSchoologyServer
from tests.integration.test_messages import cli, on_the_rollover
from tests.integration.test_whole_loop import checklist, set_staff_cell

DAY = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("America/Chicago"))
KEY, SECRET = "district-key", "district-secret"
SYS = "Schoology"
ACTING = "sysadmin@demo-district.org"
"""The demo's acting user of the PowerSchool app, a System Admin."""
PEOPLES = ("S-002", "S-003", "S-004", "S-006", "S-008")


@contextmanager
def district(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, over: str
) -> Iterator[tuple[Config, FakeSchoologyServer | None]]:
    """The Schoology demo, its people's steps not yet ticked: ``over`` is ``model`` (the
    in-process model), ``app`` (the fake Schoology with its stand-in of the PowerSchool app)
    or ``no-app`` (the fake Schoology without it, as api.schoology.com)."""
    with time_machine.travel(DAY, tick=False):
        path = make_demo(tmp_path / "demo", 60, False, DAY.date(), "schoology-new-year")
    config = load_config(str(path))
    for step in PEOPLES:
        set_staff_cell(config, step, "Run", "FALSE")
    if over == "model":
        yield config, None
        return
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_KEY", KEY)
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_SECRET", SECRET)
    with FakeSchoologyServer(
        config.lms_path, KEY, SECRET, rate_limits=False, powerschool_app=over == "app"
    ) as fake:
        text = path.read_text(encoding="utf-8").replace('backend = "mock"', 'backend = "http"')
        path.write_text(text + f'\n[lms.schoology]\nendpoint = "{fake.url}"\n', encoding="utf-8")
        yield load_config(str(path)), fake


def set_in_schoology(config: Config, name: str, value: str) -> None:
    """Someone changes a setting of the PowerSchool app in Schoology, by hand."""
    lms = MockLMS(config.lms_path)
    try:
        with lms.store.transaction():
            lms.store.set_setting(SYS, name, value)
    finally:
        lms.close()


@pytest.mark.parametrize("over", ["model", "app"])
def test_a_sync_mode_tick_the_lms_contradicts_is_not_confirmed_until_it_agrees(
    over: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with district(tmp_path, monkeypatch, over) as (config, _):
        rollover = on_the_rollover(config)
        with time_machine.travel(rollover, tick=False):
            set_staff_cell(config, "S-002", "Run", "TRUE")  # ticked, but not done in Schoology
            set_staff_cell(config, "S-003", "Run", "TRUE")
            assert cli(config, "run", "--once") == 0
            steps = checklist(config)
        status, result = steps["S-002"]["Status"], steps["S-002"]["Result"]
        assert status == "Not confirmed: Schoology says sync_mode is automatic, not manual"
        assert "ticked Run, but Schoology says sync_mode is automatic" in result
        assert steps["S-003"]["Status"] == "Waiting on S-002"

        set_in_schoology(config, "sync_mode", "manual")  # now done in the app
        with time_machine.travel(rollover, tick=False):
            assert cli(config, "run", "--once") == 0
            steps = checklist(config)
        assert steps["S-002"]["Status"].startswith("Done by coordinator@demo-district.org")
        assert "Schoology says sync_mode is manual" in steps["S-002"]["Result"]


def test_without_an_api_for_the_app_the_tick_is_recorded_as_not_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with district(tmp_path, monkeypatch, "no-app") as (config, fake):
        assert fake is not None
        # api.schoology.com cannot read the app's acting user: the step names the user the app
        # shows, and the bot checks that user through the API's users
        set_staff_cell(config, "S-001", "Parameters", f"user={ACTING}")
        with time_machine.travel(on_the_rollover(config), tick=False):
            for step in ("S-002", "S-003", "S-004"):
                set_staff_cell(config, step, "Run", "TRUE")
            assert cli(config, "run", "--once") == 0
            assert cli(config, "run", "--once") == 0  # a second run records nothing again
            steps = checklist(config)
    owner = "coordinator@demo-district.org"
    assert steps["S-001"]["Status"] == "Done", steps["S-001"]
    assert ACTING in steps["S-001"]["Result"]
    assert steps["S-002"]["Status"].startswith(f"Done by {owner}")
    result = steps["S-002"]["Result"]
    assert result.startswith(f"{owner} ticked Run: done; the bot could not check it: ")
    assert "Schoology's API cannot read the PowerSchool app's settings" in result
    assert steps["S-003"]["Status"].startswith("Done by ")
    assert "the bot could not check it" in steps["S-004"]["Result"]
    # the API's steps run: grading periods are created through Schoology's API
    assert steps["S-005"]["Status"] == "Done", steps["S-005"]
    assert steps["S-007"]["Status"] == "Awaiting approval"
    assert not [s for s, row in steps.items() if row["Status"].startswith("Failed")], steps
    settings = [r for r in fake.requests if r.path.endswith("/settings")]
    assert settings and {r.status for r in settings} == {404}
    writes = [(r.method, r.path) for r in fake.requests if r.method != "GET" and r.system]
    assert {w for w in writes if w[1] != "/v1/multiget"} == {("POST", "/v1/gradingperiods")}


def test_without_an_api_for_the_app_the_acting_user_check_asks_for_the_user_and_checks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The acting user cannot be read from the app over Schoology's API: without user=EMAIL
    S-001 is Invalid and says what to give; a user who is not a System Admin is refused by
    name; the right one is checked through the API, and nothing is written."""
    with district(tmp_path, monkeypatch, "no-app") as (config, fake):
        assert fake is not None
        with time_machine.travel(on_the_rollover(config), tick=False):
            assert cli(config, "run", "--once") == 0
            first = checklist(config)["S-001"]
            teacher = teacher_email(config)
            set_staff_cell(config, "S-001", "Parameters", f"user={teacher}")
            assert cli(config, "run", "--once") == 0
            second = checklist(config)["S-001"]
            set_staff_cell(config, "S-001", "Parameters", f"user={ACTING}")
            assert cli(config, "run", "--once") == 0
            third = checklist(config)["S-001"]
        writes = [r for r in fake.requests if r.method != "GET" and r.path != "/v1/multiget"]
    assert first["Status"] == "Invalid", first
    assert "give it as user=EMAIL" in first["Result"]
    assert second["Status"] == "Invalid", second
    assert f"acting user {teacher} has role 'Teacher', not System Admin" in second["Result"]
    assert third["Status"] == "Done", third
    assert not [w for w in writes if w.system], writes


def teacher_email(config: Config) -> str:
    lms = MockLMS(config.lms_path)
    try:
        staff = lms.records(SYS, "educators")
    finally:
        lms.close()
    teachers = staff[(staff["role"].str.casefold() == "teacher") & (staff["status"] == "active")]
    return str(teachers["email"].iloc[0])
