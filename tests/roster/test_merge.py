"""Merging into a workbook: match by ID, keep bot and staff-only columns, text stays text,
and the truncated-input guard."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from bot.templates import load_template
from bot.workbook.base import header_map
from tests.roster.bundles import frames, oneroster, run, workbook_bytes, write


def _cells(config_path: Path, tab: str, key: str) -> dict[str, Cell]:
    book = load_workbook(config_path.parent / "rollover.xlsx")
    sheet = book[tab]
    spec = load_template().require(tab)
    positions = header_map(spec, [c.value for c in sheet[1]])
    for row in sheet.iter_rows(min_row=2):
        if row[positions[spec.key]].value == key:
            return {name: row[i] for name, i in positions.items()}
    raise AssertionError(f"{tab} {key} not found")


def _set(config_path: Path, tab: str, key: str, values: dict[str, object]) -> None:
    path = config_path.parent / "rollover.xlsx"
    book = load_workbook(path)
    sheet = book[tab]
    spec = load_template().require(tab)
    positions = header_map(spec, [c.value for c in sheet[1]])
    for row in sheet.iter_rows(min_row=2):
        if row[positions[spec.key]].value == key:
            for name, value in values.items():
                row[positions[name]].value = value
    book.save(path)


def test_update_keeps_bot_and_staff_only_columns(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("import-roster", write(tmp_path / "a", dict(oneroster(10))), "--config", config_path)
    _set(
        config_path,
        "Students",
        "00001",
        {
            "LMS status": "active in LMS",
            "Last action": "archived",
            "Select": True,
            "Last login": "2026-10-01",
            "Graduation year": "2029",
        },
    )
    files = oneroster(10)
    files["users.csv"] = files["users.csv"].replace("Given1,", "Renamed,", 1)
    capsys.readouterr()
    run("import-roster", write(tmp_path / "b", dict(files)), "--config", config_path)
    assert "Students     (bulk) 0 added, 1 updated, 0 to be deleted, 9 unchanged" in (
        capsys.readouterr().out
    )
    row = frames(config_path)["Students"].set_index("Student ID").loc["00001"]
    assert row["First name"] == "Renamed"
    assert (row["LMS status"], row["Last action"], row["Select"]) == (
        "active in LMS",
        "archived",
        "TRUE",
    )
    assert (row["Last login"], row["Graduation year"]) == ("2026-10-01", "2029")


def test_values_are_stored_as_text_and_new_rows_get_an_unticked_box(
    tmp_path: Path, config_path: Path
) -> None:
    files = oneroster(2)
    files["users.csv"] = files["users.csv"].replace("Given1,", '"=HYPERLINK(""http://x"")",', 1)
    run("import-roster", write(tmp_path / "a", dict(files)), "--config", config_path)
    student = _cells(config_path, "Students", "00001")
    assert student["First name"].value == '=HYPERLINK("http://x")'
    assert student["First name"].data_type == "s"
    assert student["Select"].value is False
    course = _cells(config_path, "Courses", "00123")
    assert course["Course ID"].data_type == "s"
    assert course["Course ID"].value == "00123"


def test_guard_refuses_a_bundle_leaving_out_too_many_students(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("import-roster", write(tmp_path / "full", dict(oneroster(20))), "--config", config_path)
    before = workbook_bytes(config_path)
    short = write(tmp_path / "short", dict(oneroster(17)))
    capsys.readouterr()
    assert run("import-roster", short, "--config", config_path) == 2
    err = capsys.readouterr().err
    assert "leaves out 3 of the workbook's 20 students (15.0%)" in err
    assert "max_change_percent = 10%" in err and "--force" in err
    assert workbook_bytes(config_path) == before
    assert run("import-roster", short, "--dry-run", "--config", config_path) == 2
    out = capsys.readouterr().out
    assert "Students     (bulk) 0 added, 0 updated, 0 to be deleted, 17 unchanged, 3 absent" in out
    assert "An import would be refused: the bundle leaves out 3" in out
    assert workbook_bytes(config_path) == before
    assert run("import-roster", short, "--force", "--config", config_path) == 0
    out = capsys.readouterr().out
    assert "not in the bundle (kept, not deleted): 00018, 00019, 00020" in out
    assert "--force: the bundle leaves out 3" in out
    assert len(frames(config_path)["Students"]) == 20


def test_guard_allows_exactly_the_threshold_and_any_delta(
    tmp_path: Path, config_path: Path
) -> None:
    run("import-roster", write(tmp_path / "full", dict(oneroster(20))), "--config", config_path)
    assert (
        run("import-roster", write(tmp_path / "b", dict(oneroster(18))), "--config", config_path)
        == 0
    )
    delta = oneroster(1, mode="delta", first=30)
    assert run("import-roster", write(tmp_path / "d", dict(delta)), "--config", config_path) == 0
    assert len(frames(config_path)["Students"]) == 21
