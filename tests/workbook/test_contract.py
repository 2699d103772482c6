"""One contract, two backends: the local .xlsx and Google Sheets (gspread on the local fake)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.checklist import parse_checklist
from bot.structures import CellWrite, WriteBatch
from bot.templates import WorkbookTemplate
from bot.testing.fake_sheets import FakeSheetsServer
from tests.workbook.harness import Harness, SheetsHarness, XlsxHarness

CHECKLIST = [
    {"Step ID": "S-001", "System": "Edgenuity", "Action": "pause imports", "Run": "TRUE"},
    {
        "Step ID": "S-002",
        "System": "Edgenuity",
        "Action": "archive students",
        "Scope": "Students: grade = 12",
        "Notes": '=IMPORTXML("http://x")',
    },
    {"Step ID": "", "System": "Edgenuity", "Action": "resume imports"},
    {
        "Step ID": "S-004",
        "System": "Edgenuity",
        "Action": "promote grades",
        "Notes": "Ñandú — 学生 ✓",
    },
]
STUDENTS = [
    {"Student ID": "00123", "First name": "Zoë", "Grade": "12", "Select": "TRUE"},
    {"Student ID": "0045", "First name": "+Bob", "Grade": "11"},
    {"Student ID": "1e5", "First name": "@Ann", "Grade": "9", "Birth date": "2010-03-04"},
]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


BACKENDS = ["xlsx", "gsheets"]


def build(
    backend: str,
    tmp_path: Path,
    template: WorkbookTemplate,
    fake: FakeSheetsServer,
    tabs: dict[str, list[dict[str, str]]],
) -> Harness:
    if backend == "xlsx":
        return XlsxHarness(tmp_path / "w.xlsx", template, tabs)
    return SheetsHarness(fake, tmp_path / "w.xlsx", template, tabs)


@pytest.fixture(params=BACKENDS)
def harness(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    template: WorkbookTemplate,
    fake: FakeSheetsServer,
) -> Harness:
    tabs = {"Checklist": CHECKLIST, "Students": STUDENTS}
    return build(request.param, tmp_path, template, fake, tabs)


def test_round_trip_keeps_ids_text_and_unicode(harness: Harness) -> None:
    snap = harness.workbook.read()
    students = snap.frames["Students"]
    assert students["Student ID"].tolist() == ["00123", "0045", "1e5"]
    assert students["First name"].tolist() == ["Zoë", "+Bob", "@Ann"]
    assert students["Select"].tolist() == ["TRUE", "FALSE", "FALSE"]
    checklist = snap.frames["Checklist"]
    assert checklist["Notes"].tolist()[1] == '=IMPORTXML("http://x")'
    assert checklist["Notes"].tolist()[3] == "Ñandú — 学生 ✓"


def test_formula_looking_values_are_written_as_text(harness: Harness) -> None:
    harness.workbook.read()
    harness.workbook.write(
        WriteBatch(
            cells=[
                CellWrite("Checklist", "S-001", "Result", "=1+1"),
                CellWrite("Students", "00123", "LMS status", "+archived"),
                CellWrite("Students", "0045", "Last action", "-007"),
            ]
        )
    )
    snap = harness.workbook.read()
    assert snap.frames["Checklist"].set_index("Step ID").loc["S-001", "Result"] == "=1+1"
    students = snap.frames["Students"].set_index("Student ID")
    assert students.loc["00123", "LMS status"] == "+archived"
    assert students.loc["0045", "Last action"] == "-007"


def test_writes_find_rows_again_after_staff_insert_rows(harness: Harness) -> None:
    snap = harness.workbook.read()
    _, fills = parse_checklist(snap.frames["Checklist"])
    harness.insert_blank_row("Checklist", 2)
    harness.insert_blank_row("Students", 2)
    report = harness.workbook.write(
        WriteBatch(
            cells=[
                CellWrite("Checklist", "S-004", "Status", "Done"),
                CellWrite("Checklist", "S-005", "Status", "Idle"),
                CellWrite("Students", "1e5", "LMS status", "active"),
            ],
            id_fills=fills,
        )
    )
    assert report.dropped == []
    after = harness.workbook.read()
    checklist = after.frames["Checklist"].set_index("Step ID")
    assert checklist.loc["S-004", "Status"] == "Done"
    assert checklist.loc["S-004", "Action"] == "promote grades"
    assert checklist.loc["S-005", "Action"] == "resume imports"
    assert checklist.loc["S-005", "Status"] == "Idle"
    assert checklist.loc["S-001", "Status"] == ""
    students = after.frames["Students"].set_index("Student ID")
    assert students.loc["1e5", "LMS status"] == "active"
    assert students.loc["0045", "LMS status"] == ""


def test_a_row_deleted_between_read_and_write_is_dropped(harness: Harness) -> None:
    harness.workbook.read()
    harness.delete_row("Students", harness.row_of("Students", "0045"))
    report = harness.workbook.write(
        WriteBatch(
            cells=[
                CellWrite("Students", "0045", "LMS status", "archived"),
                CellWrite("Students", "00123", "LMS status", "archived"),
            ]
        )
    )
    assert report.dropped == ["Students 0045: row not found for LMS status"]
    students = harness.workbook.read().frames["Students"].set_index("Student ID")
    assert list(students.index) == ["00123", "1e5"]
    assert students["LMS status"].tolist() == ["archived", ""]


def test_blank_rows_in_the_middle_are_skipped_and_writes_still_land(harness: Harness) -> None:
    harness.insert_blank_row("Students", 3)
    snap = harness.workbook.read()
    assert snap.frames["Students"]["Student ID"].tolist() == ["00123", "0045", "1e5"]
    assert snap.frames["Students"]["_row"].tolist() == [2, 4, 5]
    harness.workbook.write(WriteBatch(cells=[CellWrite("Students", "1e5", "Last action", "x")]))
    assert harness.workbook.read().frames["Students"]["Last action"].tolist() == ["", "", "x"]


def test_log_rows_append_once(harness: Harness) -> None:
    harness.workbook.read()
    row = {
        "Time": "2026-11-22 10:00:00",
        "Step": "S-001",
        "Action": "pause imports",
        "Record": "imports",
        "Outcome": "applied",
        "Message": "=ok",
        "By": "bot",
    }
    assert harness.workbook.write(WriteBatch(log_rows=[row])).log_rows_appended == 1
    harness.workbook.read()
    assert harness.workbook.write(WriteBatch(log_rows=[row])).log_rows_appended == 0
    log = harness.workbook.read().frames["Log"]
    assert log["Message"].tolist() == ["=ok"]


def test_writes_follow_a_row_staff_moved_between_read_and_write(harness: Harness) -> None:
    harness.workbook.read()
    harness.move_row("Checklist", harness.row_of("Checklist", "S-004"), 2)
    harness.move_row("Students", harness.row_of("Students", "1e5"), 2)
    harness.workbook.write(
        WriteBatch(
            cells=[
                CellWrite("Checklist", "S-004", "Result", "moved and found"),
                CellWrite("Students", "1e5", "LMS status", "archived"),
            ]
        )
    )
    snap = harness.workbook.read()
    checklist = snap.frames["Checklist"]
    assert checklist["Step ID"].tolist()[0] == "S-004"
    assert checklist.set_index("Step ID").loc["S-004", "Result"] == "moved and found"
    assert set(checklist.set_index("Step ID").drop(index="S-004")["Result"]) == {""}
    students = snap.frames["Students"].set_index("Student ID")
    assert students["LMS status"].to_dict() == {"1e5": "archived", "00123": "", "0045": ""}


def test_keyed_rows_are_appended_once_and_staff_columns_kept(harness: Harness) -> None:
    harness.workbook.read()
    rows = [
        ("Matches", {"Transfer": "RT-1:L1", "Incoming student": "Ann", "Decision": ""}),
        ("Matches", {"Transfer": "RT-1:L2", "Incoming student": "Bo", "Decision": ""}),
    ]
    assert harness.workbook.write(WriteBatch(new_rows=rows)).rows_appended == 2
    harness.workbook.read()
    harness.set_cell("Matches", 3, "Decision", "new")
    again = harness.workbook.write(
        WriteBatch(new_rows=rows, cells=[CellWrite("Matches", "RT-1:L2", "Confidence", "high")])
    )
    assert again.rows_appended == 0
    matches = harness.workbook.read().frames["Matches"].set_index("Transfer")
    assert matches["Decision"].to_dict() == {"RT-1:L1": "", "RT-1:L2": "new"}
    assert matches.loc["RT-1:L2", "Confidence"] == "high"


def test_a_read_of_some_tabs_returns_only_those(harness: Harness) -> None:
    snap = harness.workbook.read(["Students", "Matches", "No such tab"])
    assert set(snap.frames) == {"Students", "Matches"}
    assert snap.missing_tabs == []
    assert snap.frames["Students"]["Student ID"].tolist() == ["00123", "0045", "1e5"]


def test_writes_follow_rows_moved_in_a_later_cycle(harness: Harness) -> None:
    for _ in range(2):
        harness.workbook.read(["Checklist"])
        harness.workbook.read(["Students"])
        harness.workbook.write(WriteBatch(cells=[CellWrite("Students", "0045", "Last action", "")]))
    harness.workbook.read(["Checklist"])
    harness.workbook.read(["Students"])
    harness.move_row("Students", harness.row_of("Students", "1e5"), 2)
    harness.insert_blank_row("Students", 2)
    harness.move_row("Checklist", harness.row_of("Checklist", "S-004"), 2)
    report = harness.workbook.write(
        WriteBatch(
            cells=[
                CellWrite("Checklist", "S-004", "Status", "Done"),
                CellWrite("Students", "1e5", "LMS status", "archived"),
                CellWrite("Students", "00123", "Last action", "kept"),
            ]
        )
    )
    assert report.dropped == [] and report.cells_written == 3
    snap = harness.workbook.read()
    checklist = snap.frames["Checklist"]
    assert checklist["Step ID"].tolist()[0] == "S-004"
    assert checklist["Status"].tolist() == ["Done", "", "", ""]
    students = snap.frames["Students"].set_index("Student ID")
    assert students["LMS status"].to_dict() == {"1e5": "archived", "00123": "", "0045": ""}
    assert students["Last action"].to_dict() == {"1e5": "", "00123": "kept", "0045": ""}


@pytest.mark.parametrize("backend", BACKENDS)
def test_record_keys_compare_exactly_after_trimming(
    backend: str, tmp_path: Path, template: WorkbookTemplate, fake: FakeSheetsServer
) -> None:
    """The Last action of ``abc1`` lands on the row of ``abc1`` only, not on ``ABC1``; a key
    padded with spaces in the sheet is still found. Step IDs keep matching in any case."""
    students = [
        {"Student ID": "ABC1", "First name": "Upper"},
        {"Student ID": " abc1 ", "First name": "Lower"},
        {"Student ID": "Abc2", "First name": "Mixed"},
    ]
    checklist = [{"Step ID": "s-001", "System": "Edgenuity", "Action": "pause imports"}]
    matches = [{"Transfer": "rt-1:l1", "Incoming student": "Ann"}]
    tabs = {"Checklist": checklist, "Students": students, "Matches": matches}
    harness = build(backend, tmp_path, template, fake, tabs)
    harness.workbook.read()
    report = harness.workbook.write(
        WriteBatch(
            cells=[
                CellWrite("Students", "abc1", "Last action", "S-001 archive: applied"),
                CellWrite("Students", "ABC2", "Last action", "never lands"),
                CellWrite("Checklist", "S-001", "Status", "Done"),
            ],
            new_rows=[("Matches", {"Transfer": "RT-1:L1", "Incoming student": "Bo"})],
        )
    )
    assert report.dropped == ["Students ABC2: row not found for Last action"]
    assert report.rows_appended == 1
    snap = harness.workbook.read()
    students_now = snap.frames["Students"].set_index("First name")
    actions = students_now["Last action"].to_dict()
    assert actions == {"Upper": "", "Lower": "S-001 archive: applied", "Mixed": ""}
    assert snap.frames["Checklist"]["Status"].tolist() == ["Done"]
    assert snap.frames["Matches"]["Transfer"].tolist() == ["rt-1:l1", "RT-1:L1"]


LOG_ROW = {
    "Time": "2026-11-22 10:00:00",
    "Step": "S-007",
    "Action": "archive students",
    "Record": "00123",
    "Outcome": "applied",
    "Message": "archived student 00123",
    "By": "rollover-bot",
}


@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_a_missing_log_tab_is_made_again_and_its_rows_reported_logged(
    harness: Harness, template: WorkbookTemplate, how: str
) -> None:
    """Was: with no Log tab the rows were silently not written, yet the cycle marked them
    logged: the audit trail lost them for good. Now the Log is made again with the template's
    header and the rows land in it; a tab staff renamed is left exactly as it was."""
    harness.workbook.read()
    first = dict(LOG_ROW, Record="0045")
    assert harness.workbook.write(WriteBatch(log_rows=[first])).logged == [0]
    if how == "deleted":
        harness.delete_tab("Log")
    else:
        harness.rename_tab("Log", "Log (old)")
    snap = harness.workbook.read()
    assert "Log" in snap.missing_tabs
    report = harness.workbook.write(
        WriteBatch(log_rows=[LOG_ROW], cells=[CellWrite("Students", "00123", "LMS status", "x")])
    )
    assert (report.tabs_created, report.log_rows_appended, report.logged) == (["Log"], 1, [0])
    log = harness.values("Log")
    assert log == [template.require("Log").headers, list(LOG_ROW.values())]
    if how == "renamed":
        assert harness.values("Log (old)") == [
            template.require("Log").headers,
            list(first.values()),
        ]
    again = harness.workbook.write(WriteBatch(log_rows=[LOG_ROW]))
    assert (again.tabs_created, again.log_rows_appended, again.logged) == ([], 0, [0])
    assert harness.workbook.read().frames["Log"]["Record"].tolist() == ["00123"]


def test_a_sheet_made_before_an_optional_column_still_reads_and_writes(harness: Harness) -> None:
    """Run on came after the first workbooks: one without it reads the column as blank, its
    steps parse, and the bot's writes (a Status, a Step ID filled) land in their columns."""
    harness.delete_column("Checklist", "Run on")
    snap = harness.workbook.read()
    checklist = snap.frames["Checklist"]
    assert checklist["Run on"].tolist() == ["", "", "", ""]
    steps, fills = parse_checklist(checklist)
    assert [s.run_on for s in steps] == ["", "", "", ""]
    report = harness.workbook.write(
        WriteBatch(cells=[CellWrite("Checklist", "S-002", "Status", "Scheduled")], id_fills=fills)
    )
    assert report.dropped == []
    after = harness.workbook.read().frames["Checklist"]
    assert after["Step ID"].tolist() == ["S-001", "S-002", "S-005", "S-004"]
    assert after.set_index("Step ID").loc["S-002", "Status"] == "Scheduled"
    assert "Run on" not in harness.values("Checklist")[0]
