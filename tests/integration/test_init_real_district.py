"""`init` for a real district (issue 17): any playbooks, due dates counted from the rollover
date on the district's business days, national holidays on by default, a Calendar with the
rollover and pause rows, people's steps done by their owners, and a warning on every command
while nobody is listed to approve."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bot.cli import main
from bot.commands.status import owner_lines
from tests.real_district import (
    COORDINATOR,
    add_admin,
    checklist,
    edit,
    init,
    on,
    run_on,
    tab,
)
from tests.seed_steps import TWIG, find

TODAY = date(2027, 5, 3)
TWIG_ARGS = ("--playbook", "twig-end-of-year", "--rollover-date", "2027-06-30", "--country", "US")


def test_init_twig_gives_every_seed_step_and_the_rollover_and_pause_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = init(tmp_path / "d", TODAY, *TWIG_ARGS)
    out = capsys.readouterr().out
    assert "Checklist: 14 steps from twig-end-of-year (9 of them people's steps" in out
    assert "Calendar: the rollover (2027-06-30) and the roster pause (2027-06-29" in out
    rows = list(checklist(config).values())
    last = 0
    for action, phrase, *_ in TWIG:
        found = find(rows, action, phrase, last)
        assert found >= 0, (action, phrase)
        last = found
    manual = [r for r in rows if r["Action"] == "manual"]
    assert len(manual) == 9 and all(r["System"] == "Twig Science" for r in manual)
    pause = next(r for r in rows if r["Action"] == "pause rostering")
    assert (pause["Due"], pause["Run on"]) == ("2027-06-29", "rollover-1bd")
    calendar = tab(config, "Calendar")
    assert list(zip(calendar["Date"], calendar["Type"], strict=True)) == [
        ("2027-06-29", "pause"),
        ("2027-06-30", "rollover"),
    ]
    settings = tomllib.loads(config.read_text(encoding="utf-8"))["calendar"]
    assert settings == {"country": "US", "subdivision": "", "rollover_date": date(2027, 6, 30)}


def test_a_manual_step_ticked_is_done_by_its_owner_and_logged_by_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = init(tmp_path / "d", TODAY, *TWIG_ARGS)
    add_admin(config)
    edit(config, "S-001", Owner=COORDINATOR, Run=True)
    edit(config, "S-005", Owner=COORDINATOR, Run=True)
    run_on(config, date(2027, 5, 10))
    steps = checklist(config)
    assert steps["S-001"]["Status"] == f"Done by {COORDINATOR} on 2027-05-10"
    assert steps["S-005"]["Status"] == "Waiting on S-003, S-004", "a bot step waits on people"
    assert steps["S-004"]["Plan"].startswith("To: [to]\nSubject: My District: Twig Science")
    assert "roster pause to begin on\n2027-06-29" in steps["S-004"]["Plan"]
    log = tab(config, "Log")
    assert log[["Step", "Action", "Record", "Outcome", "By"]].values.tolist() == [
        ["S-001", "manual", COORDINATOR, "done", COORDINATOR]
    ]
    run_on(config, date(2027, 5, 11))
    assert checklist(config)["S-001"]["Status"] == f"Done by {COORDINATOR} on 2027-05-10"
    assert len(tab(config, "Log")) == 1, "recorded once"
    edit(config, "S-002", Run=True)
    run_on(config, date(2027, 5, 11))
    assert checklist(config)["S-002"]["Status"] == "Invalid"
    assert checklist(config)["S-002"]["Result"] == (
        "Owner: is blank: a manual step is a person's task; give their email"
    )


def test_several_playbooks_make_one_checklist_with_their_dependencies_kept(
    tmp_path: Path,
) -> None:
    config = init(
        tmp_path / "d", TODAY, *TWIG_ARGS, "--playbook", "schoology-new-year", "--subdivision", "CA"
    )
    steps = checklist(config)
    assert len(steps) == 14 + 8
    assert steps["S-015"]["Action"] == "check acting user"
    assert steps["S-016"]["Depends on"] == "S-015"
    assert steps["S-018"]["Depends on"] == "S-016, S-017"
    assert 'subdivision = "CA"' in config.read_text(encoding="utf-8")


def test_init_refuses_a_rollover_date_in_the_past_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--playbook", "twig-end-of-year", "--country", "US", "--dir", str(tmp_path / "d"))
    with on(TODAY):
        assert main(["init", *args, "--rollover-date", "2027-04-30"]) == 2
        assert "the rollover date 2027-04-30 is in the past (today is 2027-05-03)" in (
            capsys.readouterr().err
        )
        assert not (tmp_path / "d" / "config.toml").exists()
        assert main(["init", *args, "--rollover-date", "30/06/2027"]) == 2
        assert "is not a date: give it as YYYY-MM-DD" in capsys.readouterr().err
        assert main(["init", *args, "--rollover-date", "2027-04-30", "--force"]) == 0


def test_holidays_come_from_the_locale_when_no_country_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--playbook", "twig-end-of-year", "--rollover-date", "2027-06-30"]
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    init(tmp_path / "gb", TODAY, *args)
    assert "National holidays: GB, from this machine's locale (en_GB.UTF-8)" in (
        capsys.readouterr().out
    )
    assert 'country = "GB"' in (tmp_path / "gb" / "config.toml").read_text(encoding="utf-8")
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        monkeypatch.setenv(name, "C.UTF-8")
    monkeypatch.setattr("locale.getlocale", lambda category=0: (None, None))
    with on(TODAY):
        assert main(["init", "--dir", str(tmp_path / "c"), *args]) == 2
    assert "Give --country (an ISO 3166 code such as US" in capsys.readouterr().err
    with on(TODAY):
        assert main(["init", "--dir", str(tmp_path / "x"), *args, "--country", "XX"]) == 2
    assert "--country: unknown country 'XX'" in capsys.readouterr().err


def test_every_command_warns_while_no_admin_is_configured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = init(tmp_path / "d", TODAY, *TWIG_ARGS)
    assert "Warning: [approvals] admins is empty" in capsys.readouterr().out
    for command in (["status"], ["check"], ["show-message", "S-004"]):
        with on(TODAY):
            assert main([*command, "--config", str(config)]) == 0, command
        err = capsys.readouterr().err
        assert "warning: [approvals] admins is empty" in err, command
        assert "approval requests and the admins' digests go to nobody" in err
    add_admin(config)
    with on(TODAY):
        assert main(["status", "--config", str(config)]) == 0
    said = capsys.readouterr()
    assert "warning" not in said.err
    assert "  Rollover 2026-2027 end of year: 2027-06-30 (config)\n" in said.out
    assert (
        "  Owners: 14 steps have no Owner (S-001, S-002, S-003, S-004, S-005 and 9 more): their "
        "reminders go to nobody and a manual one cannot be done; give each an Owner\n"
    ) in said.out


def test_one_step_without_an_owner_is_one_step_that_has_none() -> None:
    frame = pd.DataFrame({"Step ID": ["S-001", "S-002"], "Owner": [COORDINATOR, " "]})
    assert owner_lines(frame) == [
        "  Owners: 1 step has no Owner (S-002): their reminders go to nobody and a manual one "
        "cannot be done; give each an Owner"
    ]
    assert owner_lines(frame.assign(Owner=COORDINATOR)) == []
