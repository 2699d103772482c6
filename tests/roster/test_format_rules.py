"""The formats' rules: BOM, extension columns, duplicates, references, bulk vs delta, zips."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from bot.roster.values import codes_from_grades, grades_from_codes
from tests.roster.bundles import USERS, frames, oneroster, run, student, table, write


def test_utf8_bom_is_tolerated(tmp_path: Path, config_path: Path) -> None:
    files = {name: "\ufeff" + text for name, text in oneroster(10).items()}
    assert run("import-roster", write(tmp_path / "b", dict(files)), "--config", config_path) == 0
    tabs = frames(config_path)
    assert len(tabs["Students"]) == 10
    assert tabs["Students"]["Student ID"].iloc[0] == "00001"


def test_extension_and_unknown_columns_are_no_error(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = oneroster(3)
    lines = files["users.csv"].splitlines()
    files["users.csv"] = (
        "\n".join(
            [lines[0] + ",metadata.district.house,ext_locker,favouriteColour"]
            + [line + ",Red,12,blue" for line in lines[1:]]
        )
        + "\n"
    )
    assert run("import-roster", write(tmp_path / "b", dict(files)), "--config", config_path) == 0
    out = capsys.readouterr().out
    assert "users.csv, row 1, column favouriteColour: not a column of this format; ignored" in out
    assert "metadata.district.house" not in out and "ext_locker" not in out
    assert len(frames(config_path)["Students"]) == 3


def test_duplicate_ids_are_reported_and_the_first_kept(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = oneroster(5)
    files["users.csv"] += table(USERS, [student(3, given="Impostor")]).split("\n", 1)[1]
    assert run("import-roster", write(tmp_path / "b", dict(files)), "--config", config_path) == 0
    out = capsys.readouterr().out
    assert (
        "users.csv, row 8, column sourcedId: duplicate sourcedId '00003' (first at row 4); "
        "this row is ignored"
    ) in out
    students = frames(config_path)["Students"]
    assert len(students) == 5
    assert students.set_index("Student ID").at["00003", "First name"] == "Given3"


def test_enrollment_with_missing_class_or_user_is_reported_and_left_out(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = oneroster(3)
    files["enrollments.csv"] += "E98,,,K1,s1,99999,student,,,\nE99,,,K9,s1,00001,student,,,\n"
    assert run("import-roster", write(tmp_path / "b", dict(files)), "--config", config_path) == 0
    out = capsys.readouterr().out
    assert "enrollments.csv, row 6, column userSourcedId: enrollment's student '99999'" in out
    assert "enrollments.csv, row 7, column classSourcedId: enrollment's class 'K9'" in out
    assert "1 enrollment left out: its student is neither in the bundle nor in the workbook" in out
    assert "1 enrollment left out: its class is neither in the bundle nor in the workbook" in out
    assert set(frames(config_path)["Enrollments"]["Enrollment ID"]) == {"E1", "E2", "E3"}


def test_delta_marks_deleted_and_inactive_and_deletes_nothing(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("import-roster", write(tmp_path / "bulk", dict(oneroster(10))), "--config", config_path)
    delta = {
        "manifest.csv": table(
            "propertyName,value",
            [
                ["manifest.version", "1.0"],
                ["oneroster.version", "1.1"],
                ["file.users", "delta"],
                ["file.orgs", "absent"],
                ["file.enrollments", "absent"],
            ],
        ),
        "users.csv": table(
            USERS,
            [
                student(2, status="tobedeleted"),
                student(3, status="inactive"),
                student(11),
                student(12, status="tobedeleted"),
            ],
        ),
    }
    capsys.readouterr()
    assert (
        run("import-roster", write(tmp_path / "delta", dict(delta)), "--config", config_path) == 0
    )
    out = capsys.readouterr().out
    assert "Students     (delta) 1 added, 0 updated, 2 to be deleted, 0 unchanged, 0 absent" in out
    assert "1 row marked deleted is not in the workbook (not added)" in out
    students = frames(config_path)["Students"].set_index("Student ID")
    assert len(students) == 11
    assert students.at["00002", "Status"] == "tobedeleted"
    assert students.at["00003", "Status"] == "inactive"
    assert students.at["00002", "School"] == "North High"  # no orgs.csv: School left alone
    assert "00012" not in students.index
    assert len(frames(config_path)["Enrollments"]) == 10


def test_zip_with_a_folder_inside(tmp_path: Path, config_path: Path) -> None:
    target = tmp_path / "bundle.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name, text in oneroster(4).items():
            archive.writestr(f"export-2026/{name}", text)
    assert run("import-roster", target, "--config", config_path) == 0
    assert len(frames(config_path)["Students"]) == 4


def test_grade_codes() -> None:
    codes = pd.Series(["09", "KG", "PK", "12,11", "", "UG", "3"], dtype=str)
    grades, unknown = grades_from_codes(codes)
    assert grades.tolist() == ["9", "0", "-1", "12", "", "", "3"]
    assert unknown.tolist() == [False, False, False, False, False, True, False]
    back = codes_from_grades(pd.Series(["9", "0", "-1", "12", "", "3"], dtype=str))
    assert back.tolist() == ["09", "KG", "PK", "12", "", "03"]


def test_oneroster_12_users_need_roles(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = oneroster(2)
    files["manifest.csv"] = files["manifest.csv"].replace(
        "oneroster.version,1.1", "oneroster.version,1.2"
    )
    assert run("import-roster", write(tmp_path / "b", dict(files)), "--config", config_path) == 2
    err = capsys.readouterr().err
    assert (
        "manifest.csv, row 1, column propertyName: OneRoster 1.2 users.csv needs roles.csv" in err
    )
