"""LMS faults: errors and timeouts (before and after the change is applied) at 10 % and 50 %
of calls. The step ends Partly done naming its failures; re-running it (untick, tick) with the
faults still on makes progress, and once the LMS recovers one re-run finishes it: every
record applied exactly once, the sheet agreeing with the LMS."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TypedDict

import pytest
import time_machine

from bot.lms.mock.faults import Faults
from bot.testing.fake_sheets import FakeSheetsServer
from tests.reliability.checks import approve, assert_applied_once, planned_enrollments
from tests.reliability.district import STEP, District, build_district
from tests.reliability.figures import FIGURES

RECORDS = 400
RERUNS_WITH_FAULTS = 3
START = datetime(2026, 11, 23, 9, 0)


class Rates(TypedDict, total=False):
    """The fault rates of one case (``Faults``' keywords)."""

    error_rate: float
    timeout_rate: float
    timeout_after_apply: bool


CASES: list[tuple[str, Rates]] = [
    ("errors 10%", {"error_rate": 0.1}),
    ("errors 50%", {"error_rate": 0.5}),
    ("timeouts after apply 10%", {"timeout_rate": 0.1}),
    ("timeouts after apply 50%", {"timeout_rate": 0.5}),
    ("timeouts before apply 50%", {"timeout_rate": 0.5, "timeout_after_apply": False}),
    ("errors and timeouts 25% each", {"error_rate": 0.25, "timeout_rate": 0.25}),
]


def rerun(district: District, faults: Faults, clock: time_machine.Traveller) -> str:
    """What staff do to re-run a finished step: untick Run (a cycle), tick it (a cycle)."""
    clock.shift(timedelta(minutes=1))
    district.set_cells("Checklist", STEP, Run=False)
    district.cycle(faults=faults)
    assert district.step()["Status"] == "Idle"
    district.set_cells("Checklist", STEP, Run=True)
    district.cycle(faults=faults)
    return district.step()["Status"]


def failed_now(district: District) -> list[str]:
    return district.ledger()[1]


@pytest.mark.parametrize(
    ("seed", "rates"), list(enumerate(r for _, r in CASES)), ids=[c for c, _ in CASES]
)
def test_lms_faults_leave_a_partly_done_step_that_a_rerun_finishes(
    tmp_path: Path, sheets: FakeSheetsServer, seed: int, rates: Rates
) -> None:
    district = build_district(tmp_path / f"lms-faults-{seed}", enrollments=RECORDS, sheets=sheets)
    planned = planned_enrollments(district)
    fingerprint = approve(district)
    faults = Faults(seed=seed, **rates)
    with time_machine.travel(START, tick=False) as clock:
        district.cycle(faults=faults)
        step = district.step()
        failed = failed_now(district)
        assert 0 < len(failed) < RECORDS
        assert step["Status"] == f"Partly done ({len(failed)} failed)"
        assert f"{len(failed)} failed: " in step["Result"]
        assert all(f"{record} (" in step["Result"] for record in failed[:3])
        assert f"and {len(failed) - 3} more" in step["Result"]

        for _ in range(RERUNS_WITH_FAULTS):
            before = len(failed)
            if rerun(district, faults, clock) == "Done":
                break
            failed = failed_now(district)
            assert len(failed) <= before
            assert district.step()["Status"] == f"Partly done ({len(failed)} failed)"
        FIGURES.faults += faults.injected
        assert faults.injected >= len(failed)

        faults.error_rate = faults.timeout_rate = 0.0
        assert district.step()["Status"] == "Done" or rerun(district, faults, clock) == "Done"
    assert_applied_once(district, planned, fingerprint)
