"""Data safety: the threshold guard, the truncated-input guard, and snapshot then undo putting
back every field of every record a destructive step changed (status or not)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from bot.lms.mock import MockLMS
from bot.steps.approve import decide
from bot.steps.undo import undo
from tests.reliability.district import ADMIN, District, build_district, step_row

STUDENTS = 100


def lms_frame(district: District, kind: str) -> pd.DataFrame:
    lms = MockLMS(district.config.lms_path)
    try:
        return lms.records("Edgenuity", kind).set_index("id").sort_index()
    finally:
        lms.close()


def changes(district: District) -> int:
    lms = MockLMS(district.config.lms_path)
    try:
        return len(lms.store.history())
    finally:
        lms.close()


def keep_rows(district: District, tab: str, count: int) -> None:
    """What a truncated export does to a roster tab: only the first ``count`` rows remain."""
    book = load_workbook(district.config.workbook_path)
    sheet = book[tab]
    sheet.delete_rows(2 + count, sheet.max_row)
    book.save(district.config.workbook_path)


def test_a_step_over_the_threshold_is_invalid_unless_allowed_and_approved(tmp_path: Path) -> None:
    steps = [step_row("S-001", "archive students", "Students: grade = 10")]
    district = build_district(tmp_path / "d", students=STUDENTS, steps=steps)
    report = district.cycle()
    view = report.views["S-001"]
    assert view.status == "Invalid"
    assert view.result == (
        "Scope: would archive 25 of 100 active students (25.0% > 10%); check the scope, or "
        "add allow_over_threshold=yes to Parameters"
    )
    assert changes(district) == 0

    district.set_cells("Checklist", "S-001", Parameters="allow_over_threshold=yes")
    assert district.cycle().views["S-001"].status == "Awaiting approval"
    assert changes(district) == 0
    with district.open() as svc:
        decide(svc, "S-001", ADMIN)
    assert district.cycle().views["S-001"].status == "Done"
    assert (lms_frame(district, "students")["status"] == "archived").sum() == 25


@pytest.mark.parametrize(
    ("kept", "reason"),
    [
        (0, "Scope: the Students tab is empty (header only): not acted on"),
        (
            60,
            "Scope: the Students tab has 60 rows but the LMS has 100 active records (40.0% fewer "
            "> 10%): it looks truncated, not acted on (if the roster really shrank, add "
            "allow_over_threshold=yes)",
        ),
    ],
)
def test_a_truncated_roster_tab_is_not_acted_on(tmp_path: Path, kept: int, reason: str) -> None:
    steps = [
        step_row("S-001", "change home school", "Students: all", "school=North High"),
        step_row("S-002", "archive students", "Students: grade = 12; status = graduated"),
    ]
    district = build_district(tmp_path / "d", students=STUDENTS, steps=steps)
    keep_rows(district, "Students", kept)
    report = district.cycle()
    for step_id in ("S-001", "S-002"):
        assert report.views[step_id].status == "Invalid"
        assert reason in report.views[step_id].result
    assert changes(district) == 0


@pytest.mark.parametrize(
    ("action", "scope", "parameters", "kind"),
    [
        (
            "archive students",
            "Students: grade = 12; status = graduated",
            "allow_over_threshold=yes",
            "students",
        ),
        ("promote grades", "Students: grade in (9, 10)", "", "students"),
        ("complete enrollments", "Enrollments: earned credit = yes", "", "enrollments"),
    ],
)
def test_undo_puts_back_every_field_of_every_changed_record(
    tmp_path: Path, action: str, scope: str, parameters: str, kind: str
) -> None:
    steps = [step_row("S-001", action, scope, parameters)]
    district = build_district(tmp_path / "d", students=STUDENTS, enrollments=30, steps=steps)
    before = lms_frame(district, kind)
    district.cycle(execute=False)
    with district.open() as svc:
        decide(svc, "S-001", ADMIN)
    assert district.cycle().views["S-001"].status == "Done"
    after = lms_frame(district, kind)
    changed = [i for i in before.index if not before.loc[i].equals(after.loc[i])]
    assert changed

    with district.open() as svc:
        assert undo(svc, "S-001", ADMIN).text.startswith(f"Restored {len(changed)} of ")
        assert undo(svc, "S-001", ADMIN).text.startswith("Nothing to undo")
    pd.testing.assert_frame_equal(lms_frame(district, kind), before)
    assert district.cycle().views["S-001"].status == "Undone"
    log = district.frames()["Log"]
    assert sorted(log[log["Action"] == "undo"]["Record"]) == sorted(changed)
