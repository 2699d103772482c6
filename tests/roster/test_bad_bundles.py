"""Bad bundles are refused with errors naming file, row and column; the workbook is untouched."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.roster.bundles import oneroster, run, table, workbook_bytes, write

Files = dict[str, str | bytes]


def _latin1_name(files: Files) -> None:
    text = str(files["users.csv"]).replace("Given2", "Ren\u00e9e")
    files["users.csv"] = text.encode("latin-1")


def _utf16(files: Files) -> None:
    files["orgs.csv"] = str(files["orgs.csv"]).encode("utf-16")


def _misspelled_header(files: Files) -> None:
    files["users.csv"] = str(files["users.csv"]).replace("givenName", "givenNmae", 1)


def _missing_required_column(files: Files) -> None:
    lines = str(files["classes.csv"]).splitlines()
    cut = [",".join(line.split(",")[:-4] + line.split(",")[-3:]) for line in lines]
    files["classes.csv"] = "\n".join(cut) + "\n"


def _missing_file(files: Files) -> None:
    del files["users.csv"]


def _missing_manifest(files: Files) -> None:
    del files["manifest.csv"]


def _empty_users(files: Files) -> None:
    files["users.csv"] = str(files["users.csv"]).splitlines()[0] + "\n"


def _zero_byte_users(files: Files) -> None:
    files["users.csv"] = b""


def _truncated(files: Files) -> None:
    text = str(files["enrollments.csv"])
    files["enrollments.csv"] = text[: text.rindex("\n", 0, len(text) - 1) + 20]


def _truncated_in_quote(files: Files) -> None:
    files["users.csv"] = str(files["users.csv"]) + '00099,,,true,s1,student,"u99'


def _bad_date(files: Files) -> None:
    files["enrollments.csv"] = str(files["enrollments.csv"]).replace("2026-08-17", "08/17/2026", 1)


def _bad_manifest_mode(files: Files) -> None:
    files["manifest.csv"] = str(files["manifest.csv"]).replace("file.orgs,bulk", "file.orgs,full")


def _blank_id(files: Files) -> None:
    files["enrollments.csv"] = str(files["enrollments.csv"]).replace("E3,", ",", 1)


# case -> (change, file, row, column, words in the message)
CASES: dict[str, tuple[Callable[[Files], None], str, int, str, str]] = {
    "wrong encoding": (_latin1_name, "users.csv", 3, "givenName", "not UTF-8"),
    "utf-16 file": (_utf16, "orgs.csv", 1, "sourcedId", "UTF-16 text, not UTF-8"),
    "misspelled header": (_misspelled_header, "users.csv", 1, "givenNmae", "'givenName'"),
    "missing required column": (
        _missing_required_column,
        "classes.csv",
        1,
        "termSourcedIds",
        "required column",
    ),
    "missing required file": (_missing_file, "manifest.csv", 8, "value", "users.csv is missing"),
    "missing manifest": (_missing_manifest, "manifest.csv", 1, "propertyName", "missing"),
    "empty users.csv": (_empty_users, "users.csv", 2, "sourcedId", "no users"),
    "zero-byte users.csv": (_zero_byte_users, "users.csv", 1, "sourcedId", "empty"),
    "truncated file": (_truncated, "enrollments.csv", 13, "primary", "7 of 10 fields"),
    "truncated in a quote": (_truncated_in_quote, "users.csv", 14, "username", "not closed"),
    "date not in the spec's form": (
        _bad_date,
        "enrollments.csv",
        2,
        "beginDate",
        "'08/17/2026' is not a date as YYYY-MM-DD",
    ),
    "manifest mode": (_bad_manifest_mode, "manifest.csv", 5, "value", "bulk, delta or absent"),
    "blank sourcedId": (_blank_id, "enrollments.csv", 4, "sourcedId", "a value is required"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_bundle_is_refused_naming_file_row_and_column(
    case: str, tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("import-roster", write(tmp_path / "good", dict(oneroster(5))), "--config", config_path)
    before = workbook_bytes(config_path)
    change, file, row, column, words = CASES[case]
    files: Files = dict(oneroster(11))
    change(files)
    capsys.readouterr()
    assert run("import-roster", write(tmp_path / "bad", files), "--config", config_path) == 2
    err = capsys.readouterr().err
    assert f"{file}, row {row}, column {column}: " in err, err
    assert words in err, err
    assert "the workbook was not changed" in err
    assert workbook_bytes(config_path) == before


def test_missing_sds_file_is_named(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: Files = {
        "School.csv": table("SIS ID,Name", [["1", "North"]]),
        "Student.csv": table("SIS ID,School SIS ID,Username", [["7", "1", "s7"]]),
    }
    before = workbook_bytes(config_path)
    assert run("import-roster", write(tmp_path / "sds", files), "--config", config_path) == 2
    err = capsys.readouterr().err
    assert "Teacher.csv, column SIS ID: the required file Teacher.csv is missing" in err
    assert "StudentEnrollment.csv" in err
    assert workbook_bytes(config_path) == before


def test_sds_bad_date_names_row_and_column(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: Files = {
        "School.csv": table("SIS ID,Name", [["1", "North"]]),
        "Section.csv": table("SIS ID,School SIS ID,Section Name", [["9", "1", "Math"]]),
        "Student.csv": table(
            "SIS ID,School SIS ID,Username,Birthdate",
            [["7", "1", "s7", "4/2/2000"], ["8", "1", "s8", "31/12/2000"]],
        ),
        "Teacher.csv": table("SIS ID,School SIS ID,Username", [["5", "1", "t5"]]),
        "StudentEnrollment.csv": table("Section SIS ID,SIS ID", [["9", "7"]]),
        "TeacherRoster.csv": table("Section SIS ID,SIS ID", [["9", "5"]]),
    }
    assert run("import-roster", write(tmp_path / "sds", files), "--config", config_path) == 2
    assert "Student.csv, row 3, column Birthdate: '31/12/2000' is not a date" in (
        capsys.readouterr().err
    )


def test_not_a_bundle(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    assert run("import-roster", tmp_path / "junk.zip", "--config", config_path) == 2
    assert "not a folder or a readable .zip" in capsys.readouterr().err
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("notes.csv", "a,b\n")
    assert run("import-roster", tmp_path / "other.zip", "--config", config_path) == 2
    assert "not a roster bundle" in capsys.readouterr().err


def test_sds_v20_is_refused_as_sds_v20(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: Files = {
        "orgs.csv": table(
            "sourcedId,name,type,parentSourcedId", [["10001", "Contoso", "school", ""]]
        ),
        "users.csv": table(
            "sourcedId,orgSourcedIds,givenName,familyName,username,password,role,grade",
            [["13001", "10001", "Ora", "Klein", "ok@example.org", "", "Student", "6"]],
        ),
        "classes.csv": table("sourcedId,orgSourcedId,title", [["11001", "10001", "Algebra 1"]]),
        "enrollments.csv": table(
            "classSourcedId,userSourcedId,role", [["11001", "13001", "Student"]]
        ),
    }
    before = workbook_bytes(config_path)
    assert run("import-roster", write(tmp_path / "v2", files), "--config", config_path) == 2
    err = capsys.readouterr().err
    assert "SDS v2.0" in err and "not supported" in err
    assert "SDS v2.1" in err and "OneRoster 1.1" in err
    assert "manifest.csv is missing" not in err
    assert workbook_bytes(config_path) == before
