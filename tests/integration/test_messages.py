"""Messages that misled a coordinator (issue 13, item 15): each says what is true and what to
do, tried from the CLI on a demo district."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.cli import main
from bot.commands.create import make_demo
from bot.config import Config, load_config
from bot.cycle import Cycle
from bot.lms.mock import MockLMS
from bot.lms.mock.faults import Faults
from bot.notify.console import ConsoleNotifier
from bot.templates import load_template
from bot.wiring import build_services
from bot.workbook.xlsx import XlsxWorkbook
from tests.conftest import DEMO_DAY
from tests.integration.test_whole_loop import checklist, set_staff_cell

ADMIN = "admin@demo-district.org"


def cli(config: Config, *args: str) -> int:
    return main([*args, "--config", str(config.source)])


def playbook_demo(tmp_path: Path, playbook: str) -> Config:
    path = make_demo(tmp_path / playbook, 60, force=False, today=DEMO_DAY, playbook=playbook)
    return load_config(str(path))


def test_approving_a_step_that_does_not_exist_says_there_is_no_such_step(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(demo_config, "check") == 0
    capsys.readouterr()
    assert cli(demo_config, "approve", "S-999", "--as", ADMIN) == 2
    err = capsys.readouterr().err
    assert "there is no step S-999 in the Checklist" in err
    assert "awaiting approval" not in err


def test_approving_an_invalid_step_says_why_it_is_invalid(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(demo_config, "check") == 0
    capsys.readouterr()
    assert cli(demo_config, "approve", "S-009", "--as", ADMIN) == 3
    err = capsys.readouterr().err
    assert "S-009 is Invalid, so it has no plan to approve" in err
    assert "unknown column 'last logn' in tab Students" in err


def test_a_step_not_yet_checked_says_its_status_and_what_to_run(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(demo_config, "approve", "S-007", "--as", ADMIN) == 3
    err = capsys.readouterr().err
    assert "S-007 is not awaiting approval (its status is Idle)" in err
    assert "`rollover-bot check` plans it" in err


def test_a_rejection_does_not_say_the_next_run_acts_on_it(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(demo_config, "check") == 0
    capsys.readouterr()
    assert cli(demo_config, "approve", "S-002", "--as", ADMIN, "--reject", "not yet") == 0
    out = capsys.readouterr().out
    assert out.startswith("Rejected S-002")
    assert "acts on it" not in out
    assert "Nothing runs for this plan" in out


def test_a_second_decision_says_already_rejected(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(demo_config, "check") == 0
    assert cli(demo_config, "approve", "S-002", "--as", ADMIN, "--reject", "not yet") == 0
    capsys.readouterr()
    assert cli(demo_config, "approve", "S-002", "--as", ADMIN) == 3
    err = capsys.readouterr().err
    assert f"S-002 was already rejected by {ADMIN}" in err
    assert "rejectd" not in err


def test_undo_of_a_step_that_does_not_exist_says_there_is_no_such_step(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(demo_config, "undo", "S-099", "--as", ADMIN) == 2
    err = capsys.readouterr().err
    assert "there is no step S-099 in the Checklist" in err
    assert "snapshot" not in err


def undo_twice(config: Config, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """Archive the seniors (S-007), then undo it twice; what each undo printed."""
    assert cli(config, "check") == 0
    assert cli(config, "approve", "S-007", "--as", ADMIN) == 0
    assert cli(config, "run", "--once") == 0
    capsys.readouterr()
    assert cli(config, "undo", "S-007", "--as", ADMIN) == 0
    first = capsys.readouterr().out
    assert cli(config, "undo", "S-007", "--as", ADMIN) == 0
    return first, capsys.readouterr().out


def test_a_second_undo_says_only_that_there_is_nothing_to_undo(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = undo_twice(demo_config, capsys)
    assert first.startswith("Restored ") and "writes the restored records" in first
    assert second.startswith("Nothing to undo")
    assert "writes the restored records" not in second


def test_the_log_names_the_admin_who_undid(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    undo_twice(demo_config, capsys)
    assert cli(demo_config, "run", "--once") == 0
    log = XlsxWorkbook(demo_config.workbook_path, load_template()).read(["Log"]).frames["Log"]
    undone = log[(log["Step"] == "S-007") & (log["Action"] == "undo")]
    archived = log[(log["Step"] == "S-007") & (log["Action"] == "archive students")]
    assert len(undone) and set(undone["By"]) == {ADMIN}
    assert set(archived["By"]) == {"rollover-bot"}


def test_records_the_tab_has_no_row_for_are_not_said_to_have_moved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A merge archives LMS-only duplicates (M-...): the Students tab never had their rows."""
    config = playbook_demo(tmp_path, "schoolstatus-end-of-year")
    assert cli(config, "run", "--once") == 0
    assert cli(config, "approve", "S-008", "--as", ADMIN) == 0
    capsys.readouterr()
    assert cli(config, "run", "--once") == 0
    out = capsys.readouterr().out
    assert "moved" not in out
    assert (
        "not written: Students M-000001 (LMS status, Last action): the tab has no row with "
        "this ID" in out
    )


def test_a_step_over_one_record_says_one_record(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(demo_config, "check") == 0  # gives the district's own step its ID, S-018
    enrollments = XlsxWorkbook(demo_config.workbook_path, load_template()).read(["Enrollments"])
    first = enrollments.frames["Enrollments"]["Enrollment ID"].iloc[0]
    set_staff_cell(demo_config, "S-018", "Scope", f"Enrollments: enrollment id = {first}")
    assert cli(demo_config, "run", "--once") == 0
    assert checklist(demo_config)["S-018"]["Result"].startswith("Set dates on 1 enrollment: ")
    assert "1 step:" not in capsys.readouterr().out


def test_one_system_is_not_systems(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actions", "--system", "renaissance"]) == 0
    out = capsys.readouterr().out
    assert "\n\n4 actions across 1 system.\nAction manual (any system" in out
    assert "1 systems" not in out


def test_a_setting_the_lms_refused_says_it_could_not_rather_than_previewed_zero(
    tmp_path: Path,
) -> None:
    config = playbook_demo(tmp_path, "renaissance-transfer")
    services = build_services(config, ConsoleNotifier(quiet=True))
    broken = MockLMS(config.lms_path, Faults(error_rate=1.0))
    try:
        report = Cycle(replace(services, lms=broken)).run()
    finally:
        broken.close()
        services.close()
    preview = report.views["S-003"]  # after the people's steps S-001, S-002 (issue 17)
    assert preview.status == "Failed"
    assert preview.result.startswith("Could not preview transfer: injected fault")
    assert "Previewed 0" not in preview.result


def on_the_rollover(config: Config) -> datetime:
    """9:00 on the demo's rollover date, when Schoology's sync goes manual (S-002 is due on
    it) and the new year's steps after it can run."""
    calendar = XlsxWorkbook(config.workbook_path, load_template()).read(["Calendar"])
    frame = calendar.frames["Calendar"]
    (rollover,) = frame.loc[frame["Type"] == "rollover", "Date"]
    return datetime.combine(date.fromisoformat(rollover), time(9), ZoneInfo(config.timezone))


def bot_sets_the_app(config: Config) -> None:
    """The Schoology playbook's PowerSchool-app steps given to the bot's actions (the
    in-process model can set them; on a real Schoology they are people's steps)."""
    year = checklist(config)["S-004"]["Parameters"].split("expected=")[1]
    for sid, action, params in (
        ("S-002", "set sync mode", "mode=manual"),
        ("S-004", "set active year", f"year={year}"),
    ):
        set_staff_cell(config, sid, "Action", action)
        set_staff_cell(config, sid, "Parameters", params)


def test_the_grading_period_result_names_every_school(tmp_path: Path) -> None:
    config = playbook_demo(tmp_path, "schoology-new-year")
    bot_sets_the_app(config)
    with time_machine.travel(on_the_rollover(config), tick=False):
        assert cli(config, "run", "--once") == 0
    steps = checklist(config)
    assert steps["S-005"]["Action"] == "create grading periods"
    periods = steps["S-005"]["Result"]
    assert "for North High" in periods and "for South High" in periods


def test_the_active_year_result_says_there_was_none_before(tmp_path: Path) -> None:
    config = playbook_demo(tmp_path, "schoology-new-year")
    bot_sets_the_app(config)
    with time_machine.travel(on_the_rollover(config), tick=False):
        assert cli(config, "run", "--once") == 0
    steps = checklist(config)
    assert steps["S-004"]["Action"] == "set active year"
    year = steps["S-004"]["Result"]
    assert year.startswith("Active year set (none before) to ")
    assert " - ->" not in year


def test_a_mistyped_workbook_path_says_to_check_the_path_first(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert demo_config.source is not None
    typo = demo_config.source.with_name("typo.toml")
    typo.write_text(
        demo_config.source.read_text().replace("rollover.xlsx", "rolover.xlsx"), encoding="utf-8"
    )
    assert main(["run", "--once", "--config", str(typo)]) == 2
    err = capsys.readouterr().err
    assert f"no workbook at {demo_config.workbook_path.with_name('rolover.xlsx')}" in err
    assert "holds rollover.xlsx" in err
    assert f"check [workbook] path in {typo}" in err
    assert "create one with" not in err


def test_the_demo_suggests_the_steps_of_the_playbook_it_built(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twig Science's pause is sent on its date (issue 17) and the archive waits on it: a
    month ahead nothing awaits approval, so the hints show the Scheduled pause and a
    person's step instead of an approval."""
    directory = tmp_path / "twig"
    args = ["demo", "--dir", str(directory), "--students", "60", "--playbook", "twig-end-of-year"]
    assert main(args) == 0
    out = capsys.readouterr().out
    hints = out.split("Next, try:")[1]
    assert "grades promoted" not in hints and "approve S-007" not in hints
    assert " approve " not in hints
    config = load_config(str(directory / "config.toml"))
    steps = checklist(config)
    shown = {line.split()[2]: line for line in hints.splitlines() if " show " in line}
    pause = steps["S-010"]
    assert pause["Action"] == "pause rostering"
    day = pause["Status"].removeprefix("Scheduled: runs on ")
    assert date.fromisoformat(day) > date.today()
    assert f"(Scheduled: the first cycle on or after {day} runs it)" in shown["S-010"]
    people = [s for s in shown if steps[s]["Action"] == "manual"]
    assert people and steps[people[0]]["System"] == "Twig Science"
    assert "its owner ticks Run to say it is done" in shown[people[0]]


def test_the_console_digest_is_sent_once_a_day(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    school_day = datetime(2026, 12, 18, 9, tzinfo=ZoneInfo(demo_config.timezone))
    with time_machine.travel(school_day, tick=False):
        assert cli(demo_config, "digest") == 0
        first = capsys.readouterr().out
        assert "[slack] digest" in first and "for 2026-12-18." in first
        assert cli(demo_config, "digest") == 0
        second = capsys.readouterr().out
        assert "[slack] digest" not in second
        assert "were already sent" in second and "--force" in second
        assert cli(demo_config, "digest", "--force") == 0
        assert "[slack] digest" in capsys.readouterr().out
    with time_machine.travel(school_day.replace(day=21), tick=False):
        assert cli(demo_config, "digest") == 0
        assert "for 2026-12-21." in capsys.readouterr().out


def test_output_piped_to_a_reader_that_went_away_is_not_a_traceback() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "actions"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # `| head` that read nothing, then left
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err


@pytest.mark.parametrize("given", ["twig", "TWIG", "Twig sci", "schoolS", "edg"])
def test_system_accepts_an_unambiguous_prefix_in_any_case(
    given: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["actions", "--system", given]) == 0
    assert "across 1 system." in capsys.readouterr().out


def test_an_ambiguous_system_names_the_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actions", "--system", "school"]) == 2
    assert "could be SchoolStatus or Schoology" in capsys.readouterr().err
