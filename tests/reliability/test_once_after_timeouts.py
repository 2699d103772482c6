"""A change made once per rollover (a promotion) whose call timed out after the LMS applied it:
its entry in the rollover ledger stays (the outcome is not known), so the next run reads the
record back and finds it at the recorded target instead of promoting it again; a student it
took to grade 12 is not taken for a senior still to archive."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import time_machine

from bot.lms.mock import MockLMS
from bot.lms.mock.faults import Faults
from bot.steps.approve import decide
from tests.reliability.district import ADMIN, District, build_district, step_row
from tests.reliability.figures import FIGURES

STUDENTS = 40
START = datetime(2026, 11, 23, 9, 0)


def grades(district: District) -> dict[str, str]:
    lms = MockLMS(district.config.lms_path)
    try:
        frame = lms.records("Edgenuity", "students")
    finally:
        lms.close()
    return dict(zip(frame["id"], frame["grade"], strict=True))


def rerun(district: District, clock: time_machine.Traveller) -> str:
    clock.shift(timedelta(minutes=1))
    district.set_cells("Checklist", "S-001", Run=False)
    district.cycle()
    district.set_cells("Checklist", "S-001", Run=True)
    district.cycle()
    return district.step("S-001")["Status"]


def test_a_promotion_that_timed_out_after_applying_is_not_promoted_again(tmp_path: Path) -> None:
    steps = [step_row("S-001", "promote grades", "Students: grade in (9, 10, 11)")]
    district = build_district(tmp_path / "d", students=STUDENTS, steps=steps)
    before = grades(district)
    district.cycle(execute=False)
    with district.open() as svc:
        decide(svc, "S-001", ADMIN)
    faults = Faults(timeout_rate=0.5, seed=3)
    with time_machine.travel(START, tick=False) as clock:
        district.cycle(faults=faults)
        assert district.step("S-001")["Status"].startswith("Partly done")
        assert faults.injected > 0
        FIGURES.faults += faults.injected
        assert rerun(district, clock) == "Done"
    promoted = Counter(d.get("key") for d in district_history(district))
    after = grades(district)
    moved = {i for i in before if after[i] != before[i]}
    assert moved and all(int(after[i]) == int(before[i]) + 1 for i in moved)
    assert set(promoted.values()) == {1}
    assert len(promoted) == len(moved)
    applied, _ = district.ledger("S-001")
    assert Counter(applied) == Counter(moved)


def district_history(district: District) -> list[dict[str, str]]:
    lms = MockLMS(district.config.lms_path)
    try:
        return [
            {"record": h[1], "key": h[3]}
            for h in lms.store.history("Edgenuity")
            if h[2] == "promote grades"
        ]
    finally:
        lms.close()
