"""The local workbook: one-pass reads, bot-column writes found again by key, text not formulas."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.core.checklist import parse_checklist
from bot.core.id_fill import IdFill
from bot.errors import HeaderError
from bot.structures import CellWrite, WriteBatch
from bot.templates import WorkbookTemplate
from bot.workbook.base import header_map
from bot.workbook.xlsx import XlsxWorkbook
from bot.workbook.xlsx_layout import create_workbook

CHECKLIST = [
    {"Step ID": "S-001", "System": "Edgenuity", "Action": "pause imports", "Run": "TRUE"},
    {"Step ID": "", "System": "Edgenuity", "Action": "resume imports", "Notes": "=SUM(A1)"},
    {"Step ID": "S-003", "System": "Edgenuity", "Action": "archive students"},
]
STUDENTS = [
    {"Student ID": "00123", "First name": "Ana", "Grade": "9", "Select": "TRUE"},
    {"Student ID": "00124", "First name": '=HYPERLINK("x")', "Grade": "10"},
]


@pytest.fixture
def book(tmp_path: Path, template: WorkbookTemplate) -> XlsxWorkbook:
    path = tmp_path / "w.xlsx"
    create_workbook(path, template, {"Checklist": CHECKLIST, "Students": STUDENTS})
    return XlsxWorkbook(path, template)


def test_reads_every_tab_as_text_with_ids_kept(book: XlsxWorkbook) -> None:
    snap = book.read()
    assert set(snap.frames) == {
        "Checklist",
        "Students",
        "Educators",
        "Courses",
        "Classes",
        "Enrollments",
        "Calendar",
        "Training",
        "Matches",
        "Log",
    }
    students = snap.frames["Students"]
    assert students["Student ID"].tolist() == ["00123", "00124"]
    assert students["First name"].tolist()[1] == '=HYPERLINK("x")'
    assert students["Select"].tolist() == ["TRUE", "FALSE"]
    assert students["_row"].tolist() == [2, 3]


def test_layout_has_checkboxes_frozen_header_and_marked_bot_columns(book: XlsxWorkbook) -> None:
    sheet = load_workbook(book.path)["Checklist"]
    assert sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    run_col = headers.index("Run") + 1
    assert sheet.cell(row=2, column=run_col).value is True
    assert sheet.cell(row=3, column=run_col).value is False
    checkbox = [dv for dv in sheet.data_validations.dataValidation if dv.formula1 == '"TRUE,FALSE"']
    assert len(checkbox) == 1
    status = sheet.cell(row=1, column=headers.index("Status") + 1)
    step = sheet.cell(row=1, column=1)
    assert status.font.italic and not step.font.italic
    assert status.fill.fgColor.rgb != step.fill.fgColor.rgb
    assert "bot" in status.comment.text


def test_writes_land_on_the_row_found_again_after_staff_reorder(book: XlsxWorkbook) -> None:
    snap = book.read()
    _steps, fills = parse_checklist(snap.frames["Checklist"])
    assert [f.value for f in fills] == ["S-004"]
    # Staff move S-003 to the top and insert a row while the bot works.
    wb = load_workbook(book.path)
    sheet = wb["Checklist"]
    sheet.move_range("A4:Q4", rows=2)
    sheet.insert_rows(2)
    sheet.cell(row=2, column=1).value = "S-009"
    wb.save(book.path)
    report = book.write(
        WriteBatch(
            cells=[
                CellWrite("Checklist", "S-003", "Status", "Done"),
                CellWrite("Checklist", "S-004", "Status", "Idle"),
                CellWrite("Checklist", "S-777", "Status", "Lost"),
            ],
            id_fills=fills,
        )
    )
    after = book.read().frames["Checklist"].set_index("Step ID")
    assert after.loc["S-003", "Status"] == "Done"
    assert after.loc["S-004", "Status"] == "Idle"
    assert after.loc["S-004", "Action"] == "resume imports"
    assert after.loc["S-001", "Status"] == ""
    assert report.dropped == ["Checklist S-777: row not found for Status"]
    assert report.ids_filled == 1


def test_a_deleted_row_write_is_dropped_and_reported(book: XlsxWorkbook) -> None:
    wb = load_workbook(book.path)
    wb["Checklist"].delete_rows(4)
    wb.save(book.path)
    report = book.write(WriteBatch(cells=[CellWrite("Checklist", "S-003", "Result", "x")]))
    assert report.cells_written == 0 and len(report.dropped) == 1


def test_values_are_written_as_text_never_formulas(book: XlsxWorkbook) -> None:
    book.write(
        WriteBatch(
            cells=[
                CellWrite("Checklist", "S-001", "Result", "=1+1"),
                CellWrite("Students", "00123", "LMS status", "007"),
            ]
        )
    )
    wb = load_workbook(book.path)
    sheet = wb["Checklist"]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("Result") + 1)
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert (
        book.read().frames["Students"].set_index("Student ID").loc["00123", "LMS status"] == "007"
    )


def test_staff_columns_are_never_written(book: XlsxWorkbook) -> None:
    with pytest.raises(ValueError, match="staff column 'Scope'"):
        book.write(WriteBatch(cells=[CellWrite("Checklist", "S-001", "Scope", "x")]))


def test_log_rows_are_appended_once_even_when_a_write_is_retried(book: XlsxWorkbook) -> None:
    row = {
        "Time": "2026-11-22 10:00:00",
        "Step": "S-001",
        "Action": "pause imports",
        "Record": "imports",
        "Outcome": "applied",
        "Message": "ok",
        "By": "bot",
    }
    assert book.write(WriteBatch(log_rows=[row])).log_rows_appended == 1
    assert book.write(WriteBatch(log_rows=[row])).log_rows_appended == 0
    assert len(book.read().frames["Log"]) == 1


def test_blank_id_fill_is_dropped_if_the_row_changed(book: XlsxWorkbook) -> None:
    staff = ("Phase", "System", "Action", "Scope", "Parameters", "Depends on", "Owner", "Due")
    values = ("", "Edgenuity", "something else", "", "", "", "", "")
    fill = IdFill("Checklist", 3, "S-004", tuple(zip(staff, values, strict=True)))
    report = book.write(WriteBatch(id_fills=[fill]))
    assert report.ids_filled == 0 and "row changed" in report.dropped[0]


def test_header_problems_name_the_tab_and_only_the_checklist_is_fatal(
    tmp_path: Path, template: WorkbookTemplate
) -> None:
    path = tmp_path / "bad.xlsx"
    create_workbook(path, template, {})
    wb = load_workbook(path)
    wb["Students"].cell(row=1, column=3).value = "First name"
    wb["Checklist"].cell(row=1, column=2).value = ""
    wb.save(path)
    with pytest.raises(HeaderError, match="tab 'Checklist': header cell 2 is blank"):
        XlsxWorkbook(path, template).read()
    students = XlsxWorkbook(path, template).read(["Students", "Courses"])
    assert list(students.frames) == ["Courses"]
    assert students.broken["Students"].startswith(
        "tab 'Students': header 'First name' appears twice"
    )


def test_tabs_are_found_in_any_case_and_a_lower_case_log_gets_the_rows(
    book: XlsxWorkbook,
) -> None:
    """As in Google Sheets, ``log`` is the Log tab: its rows land there; no ``Log1`` is made
    beside it (openpyxl renames a second sheet that differs only in case)."""
    raw = load_workbook(book.path)
    raw["Log"].title = "Audit"
    raw["Audit"].title = "log"
    raw["Students"].title = " STUDENTS "
    raw.save(book.path)
    snap = book.read(["Students", "Log"])
    assert snap.missing_tabs == [] and len(snap.frames["Students"]) == 2
    row = {"Time": "2026-11-22 10:00:00", "Step": "S-001", "Record": "x", "Outcome": "applied"}
    report = book.write(WriteBatch(log_rows=[row]))
    assert (report.tabs_created, report.log_rows_appended, report.logged) == ([], 1, [0])
    assert load_workbook(book.path).sheetnames.count("log") == 1
    assert "Log1" not in load_workbook(book.path).sheetnames
    assert book.read(["Log"]).frames["Log"]["Record"].tolist() == ["x"]


def test_missing_columns_are_named_in_the_number_they_are(template: WorkbookTemplate) -> None:
    log = template.require("Log")
    one = [h for h in log.headers if h != "Record"]
    with pytest.raises(HeaderError, match=r"^tab 'Log' is missing column: Record$"):
        header_map(log, one)
    two = [h for h in one if h != "Outcome"]
    with pytest.raises(HeaderError, match=r"^tab 'Log' is missing columns: Record, Outcome$"):
        header_map(log, two)
