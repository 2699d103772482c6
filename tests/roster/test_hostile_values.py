"""Bundles as SIS exports really come: CR-only line endings, control characters an xlsx cell
cannot hold, values longer than a cell, IDs padded with spaces. A dry run finds what the real
import would refuse, and the real import never fails half way."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from bot.workbook.cell_limit import UNWRITABLE
from tests.roster.bundles import frames, oneroster, run, workbook_bytes, write

Files = dict[str, str | bytes]
LONG = 40_000


def _cr_only(files: Mapping[str, str | bytes]) -> Files:
    return {name: str(text).replace("\n", "\r") for name, text in files.items()}


def test_cr_only_line_endings_import(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = write(tmp_path / "cr", _cr_only(dict(oneroster(5))))
    assert run("import-roster", bundle, "--dry-run", "--config", config_path) == 0
    assert "Students     (bulk) 5 added" in capsys.readouterr().out
    assert run("import-roster", bundle, "--config", config_path) == 0
    tabs = frames(config_path)
    assert list(tabs["Students"]["Student ID"]) == [f"{n:05d}" for n in range(1, 6)]
    assert len(tabs["Enrollments"]) == 5


def test_cr_only_bad_row_is_named(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: Files = dict(oneroster(5))
    files["enrollments.csv"] = str(files["enrollments.csv"]).replace("2026-08-17", "17/8/26", 2)
    bundle = write(tmp_path / "cr", _cr_only(files))
    assert run("import-roster", bundle, "--config", config_path) == 2
    err = capsys.readouterr().err
    assert "enrollments.csv, row 3, column beginDate: '17/8/26' is not a date" in err
    files = _cr_only(dict(oneroster(5)))
    files["users.csv"] = str(files["users.csv"]).replace("Given2", "Ren\u00e9e").encode("latin-1")
    assert run("import-roster", write(tmp_path / "latin", files), "--config", config_path) == 2
    assert "users.csv, row 3, column givenName: not UTF-8 text" in capsys.readouterr().err


def _control_characters(files: Files) -> None:
    users = str(files["users.csv"])
    users = users.replace("Given2,", "Mary\x0bAnn,", 1).replace("Family3,", "Fam\x00ily3,", 1)
    users = users.replace("Family4,", "Family4\uffff,", 1)
    files["users.csv"] = users


def test_control_characters_are_removed_with_a_note_in_dry_run_and_import(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: Files = dict(oneroster(5))
    _control_characters(files)
    bundle = write(tmp_path / "vt", files)
    before = workbook_bytes(config_path)
    assert run("import-roster", bundle, "--dry-run", "--config", config_path) == 0
    dry = capsys.readouterr().out
    assert workbook_bytes(config_path) == before
    assert "users.csv, row 3, column givenName: replaced U+000B by a space (characters" in dry
    assert "users.csv, row 4, column familyName: removed U+0000" in dry
    assert "users.csv, row 5, column familyName: removed U+FFFF" in dry
    assert run("import-roster", bundle, "--config", config_path) == 0
    real = capsys.readouterr().out
    assert "users.csv, row 3, column givenName: " in real
    students = frames(config_path)["Students"].set_index("Student ID")
    assert students.loc["00002", "First name"] == "Mary Ann"
    assert students.loc["00003", "Last name"] == "Family3"
    assert students.loc["00004", "Last name"] == "Family4"
    assert run("import-roster", bundle, "--config", config_path) == 0
    assert "Students     (bulk) 0 added, 0 updated" in capsys.readouterr().out


@pytest.mark.parametrize("code", [*range(0x20), 0x7F, 0x85, 0xFFFD, 0xFFFE, 0xFFFF])
def test_unwritable_is_exactly_what_an_xlsx_cannot_hold(code: int, tmp_path: Path) -> None:
    value = f"a{chr(code)}b"
    path = tmp_path / "cell.xlsx"
    try:
        book = Workbook()
        book.active["A1"] = value
        book.save(path)
        readable = load_workbook(path).active["A1"].value in (value, "a\nb")
    except (IllegalCharacterError, ParseError):
        readable = False
    assert readable is not bool(UNWRITABLE.search(value))


def test_line_breaks_in_a_value_reimport_unchanged(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cell keeps a carriage return as a line feed: the bundle's value is compared so."""
    files = dict(oneroster(3))
    files["users.csv"] = str(files["users.csv"]).replace("Family2,", '"Two\r\nLines",', 1)
    files["courses.csv"] = str(files["courses.csv"]).replace("Algebra I,", '"Alg\rebra",', 1)
    bundle = write(tmp_path / "breaks", files)
    assert run("import-roster", bundle, "--config", config_path) == 0
    tabs = frames(config_path)
    assert tabs["Students"].set_index("Student ID").loc["00002", "Last name"] == "Two\nLines"
    assert tabs["Courses"].set_index("Course ID").loc["00123", "Title"] == "Alg\nebra"
    capsys.readouterr()
    before = workbook_bytes(config_path)
    assert run("import-roster", bundle, "--config", config_path) == 0
    assert "Nothing to change" in capsys.readouterr().out
    assert workbook_bytes(config_path) == before


def test_a_value_longer_than_a_cell_is_cut_with_a_note_and_reimports_unchanged(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: Files = dict(oneroster(5))
    files["users.csv"] = str(files["users.csv"]).replace("Family2,", "F" * LONG + ",", 1)
    bundle = write(tmp_path / "long", files)
    assert run("import-roster", bundle, "--dry-run", "--config", config_path) == 0
    dry = capsys.readouterr().out
    assert "users.csv, row 3, column Students.Last name: " in dry
    assert "00002" in dry and "40,000 characters" in dry and "32,767" in dry
    assert run("import-roster", bundle, "--config", config_path) == 0
    capsys.readouterr()
    last = frames(config_path)["Students"].set_index("Student ID").loc["00002", "Last name"]
    assert len(last) == 32_767 and last.startswith("FFF")
    before = workbook_bytes(config_path)
    assert run("import-roster", bundle, "--config", config_path) == 0
    again = capsys.readouterr().out
    assert "Students     (bulk) 0 added, 0 updated" in again
    assert "Nothing to change" in again
    assert workbook_bytes(config_path) == before


def test_an_id_longer_than_a_cell_is_refused_by_dry_run_and_import(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: Files = dict(oneroster(5))
    files["courses.csv"] = str(files["courses.csv"]).replace("00123,", "C" * LONG + ",", 1)
    files["classes.csv"] = str(files["classes.csv"]).replace(",00123,", "," + "C" * LONG + ",")
    bundle = write(tmp_path / "long-id", files)
    before = workbook_bytes(config_path)
    for extra in (("--dry-run",), ()):
        assert run("import-roster", bundle, *extra, "--config", config_path) == 2
        err = capsys.readouterr().err
        assert "courses.csv, row 2, column Courses.Course ID: " in err
        assert "classes.csv, row 2, column Classes.Course ID: " in err
        assert "the workbook was not changed" in err
        assert workbook_bytes(config_path) == before


def test_reference_ids_are_trimmed_as_keys_are(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(oneroster(3))
    enrollments = str(files["enrollments.csv"])
    enrollments = enrollments.replace(",K1,s1,00002,", ", K1 ,s1, 00002 ,")
    enrollments = enrollments.replace("ET1,,,K1,s1,T1,", "ET1,,, K1,s1,T1 ,")
    files["enrollments.csv"] = enrollments
    assert run("import-roster", write(tmp_path / "pad", files), "--config", config_path) == 0
    out = capsys.readouterr().out
    assert "left out" not in out
    tabs = frames(config_path)
    enrolled = tabs["Enrollments"].set_index("Enrollment ID")
    assert (enrolled.loc["E2", "Student ID"], enrolled.loc["E2", "Class ID"]) == ("00002", "K1")
    assert tabs["Classes"].set_index("Class ID").loc["K1", "Teacher ID"] == "T1"
