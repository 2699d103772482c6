"""What the Google Sheets workbook asks of the API: metadata kept between cycles, tabs read
with the Checklist, metadata refreshed when a tab is renamed or deleted, the Log grown rarely."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.structures import CellWrite, WriteBatch
from bot.templates import WorkbookTemplate, load_template
from bot.testing.fake_sheets import FakeSheetsServer, RecordedRequest
from bot.workbook.gsheets import GROW_ROWS, REFRESH_PASSES
from tests.workbook.harness import SheetsHarness

CHECKLIST = [{"Step ID": "S-001", "System": "Edgenuity", "Action": "archive students"}]
STUDENTS = [{"Student ID": "00123", "Grade": "12"}, {"Student ID": "0045", "Grade": "11"}]
STUDENT_COLUMNS = load_template().require("Students").headers


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


@pytest.fixture
def sheet(fake: FakeSheetsServer, tmp_path: Path, template: WorkbookTemplate) -> SheetsHarness:
    tabs = {"Checklist": CHECKLIST, "Students": STUDENTS}
    return SheetsHarness(fake, tmp_path / "w.xlsx", template, tabs)


def calls(fake: FakeSheetsServer) -> list[str]:
    """The requests since the last call, as ``kind ranges`` (ranges of a batchGet)."""
    seen: list[RecordedRequest] = fake.requests
    fake.reset()
    out = []
    for r in seen:
        if r.path.endswith("values:batchGet"):
            out.append(f"batchGet {' '.join(r.query['ranges'])}{' 400' if r.status == 400 else ''}")
        elif r.path.endswith("values:batchUpdate"):
            out.append("write")
        elif r.path.endswith(":batchUpdate"):
            out.append("batchUpdate")
        else:
            out.append("metadata")
    return out


def a_cycle_reading_students(sheet: SheetsHarness) -> None:
    sheet.workbook.read(["Checklist"])
    sheet.workbook.read(["Students"])
    sheet.workbook.write(WriteBatch())


def test_the_tabs_a_cycle_read_come_with_the_next_checklist(
    sheet: SheetsHarness, fake: FakeSheetsServer
) -> None:
    a_cycle_reading_students(sheet)
    sheet.set_cell("Students", 3, "Grade", "12")
    fake.reset()
    sheet.workbook.read(["Checklist"])
    students = sheet.workbook.read(["Students"]).frames["Students"]
    assert calls(fake) == ["batchGet 'Checklist' 'Students'"]
    assert students["Grade"].tolist() == ["12", "12"]
    sheet.workbook.write(WriteBatch())
    sheet.workbook.read(["Checklist"])
    sheet.workbook.write(WriteBatch())
    sheet.workbook.read(["Checklist"])
    assert calls(fake) == ["batchGet 'Checklist' 'Students'", "batchGet 'Checklist'"]


def test_held_tabs_are_not_served_after_the_cycle_wrote(
    sheet: SheetsHarness, fake: FakeSheetsServer
) -> None:
    a_cycle_reading_students(sheet)
    sheet.workbook.read(["Checklist"])
    sheet.workbook.write(WriteBatch())
    sheet.set_cell("Students", 2, "Grade", "9")
    fake.reset()
    students = sheet.workbook.read(["Students"]).frames["Students"]
    assert calls(fake) == ["batchGet 'Students'"]
    assert students["Grade"].tolist() == ["9", "11"]


def test_a_deleted_tab_refreshes_the_metadata_and_the_rest_is_read(
    sheet: SheetsHarness, fake: FakeSheetsServer
) -> None:
    a_cycle_reading_students(sheet)
    sheet.book.del_worksheet(sheet.book.worksheet("Students"))
    fake.reset()
    checklist = sheet.workbook.read(["Checklist"]).frames["Checklist"]
    students = sheet.workbook.read(["Students"])
    sheet.workbook.write(WriteBatch())
    assert calls(fake) == [
        "batchGet 'Checklist' 'Students' 400",
        "metadata",
        "batchGet 'Checklist'",
    ]
    assert checklist["Step ID"].tolist() == ["S-001"]
    assert students.frames == {} and students.missing_tabs == ["Students"]
    sheet.book.add_worksheet("Students", rows=10, cols=13).update([list(STUDENT_COLUMNS)])
    fake.reset()
    found = []
    for cycle in range(1, REFRESH_PASSES + 2):
        sheet.workbook.read(["Checklist"])
        if "Students" in sheet.workbook.read(["Students"]).frames:
            found.append(cycle)
        sheet.workbook.write(WriteBatch())
    assert found == [REFRESH_PASSES, REFRESH_PASSES + 1]
    assert calls(fake).count("metadata") == 1


def test_a_renamed_tab_refreshes_the_metadata_and_is_read_by_its_new_title(
    sheet: SheetsHarness, fake: FakeSheetsServer
) -> None:
    a_cycle_reading_students(sheet)
    sheet.book.worksheet("Students").update_title("  STUDENTS ")
    fake.reset()
    sheet.workbook.read(["Checklist"])
    students = sheet.workbook.read(["Students"]).frames["Students"]
    report = sheet.workbook.write(
        WriteBatch(cells=[CellWrite("Students", "0045", "LMS status", "archived")])
    )
    assert calls(fake) == [
        "batchGet 'Checklist' 'Students' 400",
        "metadata",
        "batchGet 'Checklist' '  STUDENTS '",
        "batchGet '  STUDENTS '!1:1 '  STUDENTS '!A:A",
        "write",
    ]
    assert students["Student ID"].tolist() == ["00123", "0045"]
    assert report.cells_written == 1 and report.dropped == []


def test_the_log_grid_grows_by_a_chunk_when_full_then_not_again(
    sheet: SheetsHarness, fake: FakeSheetsServer
) -> None:
    sheet.book.worksheet("Log").resize(rows=3)
    sheet.workbook.read(["Checklist"])
    rows = [
        {"Time": f"2026-11-22 10:00:0{n}", "Step": "S-001", "Record": str(n), "Outcome": "ok"}
        for n in range(5)
    ]
    fake.reset()
    assert sheet.workbook.write(WriteBatch(log_rows=rows[:4])).log_rows_appended == 4
    assert calls(fake) == ["batchGet 'Log'", "metadata", "batchUpdate", "write"]
    assert sheet.workbook.write(WriteBatch(log_rows=rows)).log_rows_appended == 1
    assert calls(fake) == ["batchGet 'Log'", "write"]
    assert sheet.book.worksheet("Log").row_count == 5 + GROW_ROWS
    log = sheet.workbook.read(["Log"]).frames["Log"]
    assert log["Record"].tolist() == ["0", "1", "2", "3", "4"]
