"""Bad input through whole cycles, on the local workbook and on the Google Sheets fake:
Checklist and roster tabs of every shape around two good steps. The cycle never fails; each
bad step is Invalid naming its column; the good step runs as it would alone; no staff cell
changes (but a blank Step ID filled); formula-looking text the bot writes stays text."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from bot.cli import main
from bot.testing.fake_sheets import FakeSheetsServer
from tests.reliability.district import District, build_district, step_row
from tests.reliability.figures import FIGURES
from tests.reliability.http_district import http_district
from tests.reliability.settings import examples
from tests.reliability.strategies import CELL, DATES, FORMULA_LIKE, IDS, TEMPLATE, checklist_row

GOOD_IDS = ("GOOD-1", "GOOD-2")
GOOD = step_row(
    "S-900", "change home school", "Students: student id in (GOOD-1, GOOD-2)", "school=South High"
)
FORMULAS = step_row("S-901", "change home school", "Students: selected", "school=West High")
STAFF = {t.name: {c.name for c in t.columns if not c.is_bot} for t in TEMPLATE.tabs}
FORMULA_START = tuple("=+-@")
TAKEN = {i.upper() for i in (*GOOD_IDS, *FORMULA_LIKE[:4])}
Grid = dict[tuple[str, int, int], tuple[Any, bool]]


def student(student_id: str, select: str = "FALSE") -> dict[str, str]:
    return {
        "Student ID": student_id,
        "First name": "Good",
        "Last name": "Student",
        "Grade": "10",
        "School": "North High",
        "Status": "active",
        "Select": select,
    }


JUNK_STUDENT = st.fixed_dictionaries(
    {
        # Not one of the good or formula students' IDs: a second row with a selected ID makes
        # its step Invalid (issue 15), and those two steps are the ones checked to run.
        "Student ID": st.one_of(IDS, CELL).filter(lambda s: s.strip().upper() not in TAKEN),
        "First name": CELL,
        "Last name": CELL,
        "Grade": CELL,
        "School": CELL,
        "Status": st.one_of(st.sampled_from(("active", "new", "graduated")), CELL),
        "Graduation year": CELL,
        "Birth date": st.one_of(DATES, CELL),
        "Email": CELL,
        "Last login": st.one_of(DATES, CELL),
        "Select": st.sampled_from(("TRUE", "FALSE")),
    }
)
JUNK_ENROLLMENT = st.fixed_dictionaries(
    dict.fromkeys(("Enrollment ID", "Student ID", "Class ID", "Start date", "Progress"), CELL)
)
BLANK: st.SearchStrategy[dict[str, str]] = st.just({})
DISTRICT = st.fixed_dictionaries(
    {
        "checklist": st.lists(st.one_of(checklist_row("S-900", "S-901"), BLANK), max_size=5),
        "at": st.integers(0, 5),
        "students": st.lists(
            st.one_of(JUNK_STUDENT, BLANK),
            max_size=5,
            unique_by=lambda row: str(row.get("Student ID", "")).strip().upper(),
        ),
        "enrollments": st.lists(JUNK_ENROLLMENT, max_size=3),
    }
)


def tabs(drawn: dict[str, Any]) -> dict[str, Any]:
    """``build_district``'s arguments for a drawn district: the good and formula steps among
    the drawn rows, the good and formula students among the drawn ones."""
    checklist = drawn["checklist"]
    at = drawn["at"]
    steps = [*checklist[:at], GOOD, *checklist[at:], FORMULAS]
    formula_students = [student(f, "TRUE") for f in FORMULA_LIKE[:4]]
    good = [student(i) for i in GOOD_IDS]
    return {
        "steps": steps,
        "rows": {
            "Students": [*drawn["students"][:2], *good, *formula_students, *drawn["students"][2:]],
            "Enrollments": drawn["enrollments"],
        },
        "seed": {"Students": [*good, *formula_students[:2]]},
    }


def make(drawn: dict[str, Any], sheets: FakeSheetsServer | None) -> District:
    root = Path(tempfile.mkdtemp(prefix="bad-input-"))
    return build_district(root / "district", sheets=sheets, **tabs(drawn))


def xlsx_grid(district: District) -> Grid:
    book = load_workbook(district.config.workbook_path)
    return {
        (sheet.title, cell.row, cell.column): (cell.value, cell.data_type == "f")
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def sheets_grid(sheets: FakeSheetsServer) -> Callable[[District], Grid]:
    def grid(district: District) -> Grid:
        with sheets.store.lock:
            book = sheets.spreadsheet(district.config.spreadsheet_id)
            return {
                (sheet.title, r + 1, c + 1): (cell.value, cell.formula is not None)
                for sheet in book.sheets
                for (r, c), cell in sheet.cells.items()
                if cell.has_value()
            }

    return grid


def staff_cells(grid: Grid) -> dict[tuple[str, int, int], Any]:
    headers = {(tab, c): v for (tab, r, c), (v, _) in grid.items() if r == 1}
    return {
        key: value
        for key, (value, _) in grid.items()
        if key[1] == 1 or headers.get((key[0], key[2])) in STAFF.get(key[0], set())
    }


def check_cycle(district: District, read: Callable[[District], Grid]) -> None:
    FIGURES.bad_inputs += 1
    before = read(district)
    report = district.cycle()
    after = read(district)

    for step_id, view in report.views.items():
        if view.status == "Invalid":
            column = view.result.split(":")[0]
            assert column in STAFF["Checklist"], (step_id, view.result[:200])
        assert len(view.result) <= 6_000 and len(view.plan) <= 6_000, step_id
    good = report.views["S-900"]
    assert good.status == "Done" and good.result.startswith("Moved 2 "), good.result
    log = district.frames()["Log"]
    assert sorted(log[(log["Step"] == "S-900") & (log["Outcome"] == "applied")]["Record"]) == [
        *GOOD_IDS
    ]

    old, new = staff_cells(before), staff_cells(after)
    for key in set(old) | set(new):
        if key[0] == "Checklist" and key[2] == 1 and not str(old.get(key) or "").strip():
            assert str(new[key]).startswith("S-"), new[key]  # a blank Step ID, filled
            continue
        assert old.get(key) == new.get(key), key
    for key, (value, formula) in after.items():
        assert not formula or before.get(key) == (value, formula), key
    logged = [v for (tab, r, _), (v, _) in after.items() if tab == "Log" and r > 1]
    formulas = report.views["S-901"]
    assert any(str(v).startswith(FORMULA_START) for v in logged), (
        formulas.status,
        formulas.result[:300],
    )


@examples(25)
@given(drawn=DISTRICT)
def test_bad_input_in_a_local_workbook_never_breaks_a_cycle(drawn: dict[str, Any]) -> None:
    district = make(drawn, None)
    try:
        check_cycle(district, xlsx_grid)
    finally:
        shutil.rmtree(district.root.parent)


@examples(10)
@given(drawn=DISTRICT)
def test_bad_input_with_the_lms_over_http_never_breaks_a_cycle(drawn: dict[str, Any]) -> None:
    """The same drawn districts, the step executed through the HTTP adapter on the fake LMS."""
    root = Path(tempfile.mkdtemp(prefix="bad-input-http-"))
    try:
        with http_district(root / "district", **tabs(drawn)) as district:
            check_cycle(district, xlsx_grid)
            assert district.changes("change home school") == Counter(
                f"Edgenuity:change home school:{record}"
                for record in (*GOOD_IDS, *FORMULA_LIKE[:2])
            )
        FIGURES.http_bad_inputs += 1
    finally:
        shutil.rmtree(root)


@examples(40)
@given(drawn=DISTRICT)
def test_bad_input_in_a_google_sheet_never_breaks_a_cycle(
    drawn: dict[str, Any], sheets: FakeSheetsServer
) -> None:
    district = make(drawn, sheets)
    try:
        check_cycle(district, sheets_grid(sheets))
    finally:
        sheets.delete_spreadsheet(district.config.spreadsheet_id)
        shutil.rmtree(district.root.parent)


def test_extra_and_moved_columns_are_read_by_name_and_a_repeated_header_fails_its_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [GOOD]
    good = [student(i) for i in GOOD_IDS]
    district = build_district(
        tmp_path / "d", steps=steps, rows={"Students": good}, seed={"Students": good}
    )
    path = district.config.workbook_path
    book = load_workbook(path)
    sheet = book["Students"]
    sheet.insert_cols(1)
    sheet.cell(row=1, column=1).value = "Staff notes =1+1"
    sheet.cell(row=2, column=1).value = "=SUM(1,2)"
    sheet.move_range("C1:C3", cols=sheet.max_column - 2)
    sheet.delete_cols(3)
    book.save(path)
    before = xlsx_grid(district)
    assert district.cycle().views["S-900"].status == "Done"
    after = xlsx_grid(district)
    assert after[("Students", 1, 1)] == before[("Students", 1, 1)]
    assert after[("Students", 2, 1)] == ("=SUM(1,2)", True)
    FIGURES.bad_inputs += 1

    book = load_workbook(path)
    sheet = book["Students"]
    sheet.cell(row=1, column=sheet.max_column + 1).value = " grade "
    checklist = book["Checklist"]
    scope = [c.value for c in checklist[1]].index("Scope") + 1
    checklist.cell(row=2, column=scope).value = "Students: student id in (GOOD-1)"
    book.save(path)
    before = xlsx_grid(district)
    assert main(["run", "--once", "--config", str(district.config.source)]) == 0
    assert "1 step: 1 Invalid." in capsys.readouterr().out
    row = district.step("S-900")
    assert row["Result"].startswith("Scope: tab 'Students': header 'grade' appears twice")
    after = xlsx_grid(district)
    assert {k: v for k, v in after.items() if k[0] == "Students"} == {
        k: v for k, v in before.items() if k[0] == "Students"
    }
    FIGURES.bad_inputs += 1
