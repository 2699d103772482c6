"""`status` shows every step that needs someone, with its reason; `show STEP` (and
`status --step STEP`) shows one step whole (issue 13, item 17)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config
from bot.cycle import Cycle, CycleReport
from bot.lms.mock import MockLMS
from bot.lms.mock.faults import Faults
from bot.notify.console import ConsoleNotifier
from bot.wiring import build_services

ADMIN = "admin@demo-district.org"


def cli(config: Config, *args: str) -> int:
    return main([*args, "--config", str(config.source)])


def cycle_with_failures(config: Config) -> CycleReport:
    """One cycle in which the LMS fails its first and third calls: S-012 (one setting) fails,
    S-018 (two enrollments) is partly done."""
    services = build_services(config, ConsoleNotifier(quiet=True))
    lms = MockLMS(config.lms_path, Faults(fail_calls=frozenset({1, 3})))
    try:
        return Cycle(replace(services, lms=lms)).run()
    finally:
        lms.close()
        services.close()


def test_status_lists_the_steps_that_need_someone_with_their_reasons(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    report = cycle_with_failures(demo_config)
    statuses = {sid: view.status for sid, view in report.views.items()}
    assert statuses["S-012"] == "Failed" and statuses["S-018"].startswith("Partly done")
    assert cli(demo_config, "approve", "S-002", "--as", ADMIN, "--reject", "wait for grades") == 0
    assert cli(demo_config, "check") == 0
    capsys.readouterr()

    assert cli(demo_config, "status") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()

    def line_of(step: str) -> str:
        found = [line for line in lines if f": {step} " in line]
        assert len(found) == 1, (step, out)
        return found[0]

    assert "Failed: S-012 pause imports: Could not pause imports: injected fault" in (
        line_of("S-012")
    )
    assert line_of("S-018").strip().startswith("Partly done (1 failed): S-018 set enrollment")
    assert "1 failed" in line_of("S-018")
    assert "Invalid: S-003 set enrollment dates: Parameters: target_date" in line_of("S-003")
    assert "Invalid: S-009 archive students: Scope: unknown column 'last logn'" in (
        line_of("S-009")
    )
    assert f"Rejected by {ADMIN}: S-002 disable enrollments: wait for grades" in line_of("S-002")
    assert "Awaiting approval: S-007 archive students: Will archive " in line_of("S-007")
    assert all(len(line) <= 110 for line in lines if line.startswith("    ") and ": S-" in line)
    steps = next(line for line in lines if line.strip().startswith("Steps:"))
    assert "1 Rejected" in steps and "Rejected by" not in steps
    assert [line_of(s).split(":")[0].strip() for s in ("S-012", "S-018", "S-003", "S-007")] == [
        "Failed",
        "Partly done (1 failed)",
        "Invalid",
        "Awaiting approval",
    ]
    assert lines.index(line_of("S-012")) < lines.index(line_of("S-003"))


def test_status_lists_a_persons_step_the_lms_contradicts_with_what_the_lms_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Schoology's demo: the owner ticked S-002 (sync mode manual) while Schoology says
    automatic; `status` lists it among the steps that need someone, with what Schoology says."""
    directory = tmp_path / "demo"
    args = ["demo", "--dir", str(directory), "--students", "60", "--playbook", "schoology-new-year"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["status", "--config", str(directory / "config.toml")]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "Not confirmed: S-002 manual: Schoology says sync_mode is automatic, not manual" in lines


def test_show_prints_one_step_whole(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    cycle_with_failures(demo_config)
    assert cli(demo_config, "run", "--once") == 0  # writes the failed step's Log rows
    capsys.readouterr()

    assert cli(demo_config, "show", "S-018", "--log", "1") == 0
    out = capsys.readouterr().out
    assert out.startswith("S-018  Edgenuity / set enrollment dates\n")
    for label in ("Scope:", "Parameters:", "Owner:", "Due:", "Status:", "Plan:", "Approval:"):
        assert f"\n  {label}" in out
    assert "Status:           Partly done (1 failed)" in out
    assert "Result:           Set dates on 1 enrollment: start date blank -> " in out
    assert "; 1 failed: E-" in out
    assert "Failures (1 record, from the ledger):" in out
    failures = out.split("Failures (1 record, from the ledger):\n")[1].splitlines()[0]
    assert failures.startswith("    E-") and "(set enrollment dates, " in failures
    assert "injected fault on call 3" in failures
    assert "Log (2 rows; the last 1):" in out
    assert out.count(" | set enrollment dates | ") == 1


def test_status_step_is_show_and_an_unknown_step_exits_2(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(demo_config, "check") == 0
    assert cli(demo_config, "approve", "S-007", "--as", ADMIN) == 0
    capsys.readouterr()
    assert cli(demo_config, "show", "S-007") == 0
    shown = capsys.readouterr().out
    assert cli(demo_config, "status", "--step", "s-007") == 0
    assert capsys.readouterr().out == shown
    assert "Status:           Awaiting approval" in shown
    assert f"Decision:         approved by {ADMIN} at " in shown
    assert "Failures: none" in shown and "Log: no rows for this step" in shown

    assert cli(demo_config, "show", "S-099") == 2
    assert "there is no step S-099 in the Checklist" in capsys.readouterr().err
