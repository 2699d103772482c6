"""Crashes: a destructive step over many records killed with SIGKILL at every other LMS call,
in a chain of forked processes (each resumes the step and dies at the next kill point; kills
before and after the change is committed alternate), then at the moments between the last
call and the ledger being marked logged; a final run finishes it. Each record is applied
exactly once, the workbook agrees with the mock LMS, the approval still binds the plan."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

from openpyxl.workbook.workbook import Workbook as XlWorkbook

from bot.cycle import Cycle
from bot.lms.mock.faults import Faults
from bot.services import Services
from bot.structures import WriteBatch, WriteReport
from bot.testing.fake_sheets import FakeSheetsServer
from tests.reliability.checks import approve, assert_applied_once, planned_enrollments
from tests.reliability.district import STEP, District, build_district
from tests.reliability.figures import FIGURES

Trap = Callable[[Services], None]


def die(*_: object, **__: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def killed_run(district: District, faults: Faults, trap: Trap | None = None) -> None:
    """Run one cycle in a forked child that must die by SIGKILL; counts the crash point."""
    pid = os.fork()
    if pid == 0:
        try:
            with district.open(faults) as svc:
                if trap is not None:
                    trap(svc)
                Cycle(svc).run()
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
    FIGURES.crash_points += 1


def killed_after_sheet_write(svc: Services) -> None:
    """The workbook is written, the ledger not yet marked logged: the next cycle writes the
    same outcomes again."""
    write = svc.workbook.write

    def write_then_die(batch: WriteBatch) -> WriteReport:
        report = write(batch)
        die()
        return report

    svc.workbook.write = write_then_die  # type: ignore[method-assign]


def killed_while_saving(svc: Services) -> None:
    """The process dies half-way through saving the local workbook (before the rename)."""
    XlWorkbook.save = die


def kill_at_every(district: District, records: int, stride: int) -> int:
    """Kill points along the step: at its first LMS call (after the change), then at every
    ``stride``-th call of each resumed run, alternately before and after the change is
    applied, then at its last call (after the change). The LMS offers no idempotency key: a
    resumed run reads the records back, so a record changed just before a kill is found at
    its target (and logged then), never sent again. Returns the number of kills."""
    changed, call, after_apply, kills = 0, 1, True, 0
    while changed + call < records:
        killed_run(district, Faults(kill_at_call=call, kill_after_apply=after_apply))
        kills += 1
        changed += call if after_apply else call - 1
        applied, _ = district.ledger()
        assert sum(district.changes().values()) == changed
        assert len(applied) == changed - after_apply
        call, after_apply = stride, not after_apply
    killed_run(district, Faults(kill_at_call=records - changed))
    assert sum(district.changes().values()) == records
    return kills + 1


def finish_and_check(district: District, planned: list[str], fingerprint: str) -> None:
    district.cycle()
    district.cycle()
    assert_applied_once(district, planned, fingerprint)
    with district.open() as svc:
        request = svc.state.approval_request(STEP)
    assert request is not None and request.fingerprint == fingerprint


def test_sigkill_at_every_other_call_of_220_records_on_google_sheets(
    tmp_path: Path, sheets: FakeSheetsServer
) -> None:
    district = build_district(tmp_path / "crash-sheets", enrollments=220, sheets=sheets)
    planned = planned_enrollments(district)
    fingerprint = approve(district)
    before = FIGURES.crash_points
    kills = kill_at_every(district, 220, stride=2)
    killed_run(district, Faults(), killed_after_sheet_write)
    assert FIGURES.crash_points - before == kills + 1 > 100
    finish_and_check(district, planned, fingerprint)


def test_sigkill_mid_step_and_mid_save_on_a_local_workbook(tmp_path: Path) -> None:
    district = build_district(tmp_path / "crash-xlsx", enrollments=40)
    planned = planned_enrollments(district)
    fingerprint = approve(district)
    before = FIGURES.crash_points
    kills = kill_at_every(district, 40, stride=5)
    killed_run(district, Faults(), killed_while_saving)
    killed_run(district, Faults(), killed_after_sheet_write)
    assert FIGURES.crash_points - before == kills + 2 > 10
    finish_and_check(district, planned, fingerprint)
