"""Google Sheets faults on the local fake: bursts of 429 (with Retry-After) and 500 answers,
connections reset before and after a batch was applied, and an outage longer than the
retries, while a step is re-run against a flaky LMS. No write is lost and none is doubled:
the Log holds each ledger outcome once and the roster columns agree with the LMS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from bot.errors import WorkbookUnavailable
from bot.lms.mock.faults import Faults
from bot.testing.fake_sheets import FakeSheetsServer
from tests.reliability.checks import approve, assert_applied_once, planned_enrollments
from tests.reliability.district import STEP, build_district
from tests.reliability.figures import FIGURES

RECORDS = 200
ROUNDS = 20
RETRY_AFTER = 7
FAULT_STATUSES = (0, 429, 500, 503)


@pytest.fixture
def flaky_sheets(sheets: FakeSheetsServer) -> Iterator[FakeSheetsServer]:
    sheets.reset()
    yield sheets
    with sheets.store.lock:
        sheets.faults.pending.clear()


def script_round(sheets: FakeSheetsServer, outage: bool) -> None:
    """This round's faults: reads rate-limited, writes failing (first for longer than the
    retries, in an outage), connections reset before and after a batch is applied."""
    if outage:
        sheets.fail_next(6, 503, only="Write")
    sheets.fail_next(3, 429, retry_after=RETRY_AFTER, only="Read")
    sheets.drop_next(1, after_apply=False, only="Read")
    sheets.fail_next(2, 500, only="Write")
    sheets.drop_next(1, after_apply=True, only="Write")


def test_sheets_faults_lose_no_write_and_double_none(
    tmp_path: Path, flaky_sheets: FakeSheetsServer
) -> None:
    district = build_district(tmp_path / "sheets-faults", enrollments=RECORDS, sheets=flaky_sheets)
    planned = planned_enrollments(district)
    fingerprint = approve(district)
    lms = Faults(error_rate=0.5, seed=11)
    outages = 0
    with time_machine.travel(datetime(2026, 11, 23, 9, 0), tick=False) as clock:
        for round_ in range(ROUNDS):
            clock.shift(timedelta(minutes=1))
            outage = round_ % 5 == 3
            district.set_cells("Checklist", STEP, Run=round_ % 2 == 1)
            script_round(flaky_sheets, outage)
            if outage:
                with pytest.raises(WorkbookUnavailable):
                    district.cycle(faults=lms)
                outages += 1
            district.cycle(faults=lms)
            assert not flaky_sheets.faults.pending
        lms.error_rate = 0.0
        district.set_cells("Checklist", STEP, Run=True)
        district.cycle(faults=lms)

    statuses = [r.status for r in flaky_sheets.requests]
    injected = sum(1 for s in statuses if s in FAULT_STATUSES)
    FIGURES.faults += injected + lms.injected
    assert injected == ROUNDS * 7 + outages * 6
    assert outages == 4
    assert district.waits.count(RETRY_AFTER) == ROUNDS * 3
    assert_applied_once(district, planned, fingerprint)
