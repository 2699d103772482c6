"""The real bundles in ../shared/data import with exact counts and survive export / import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bot.commands.create import make_empty
from bot.districts.new import NewDistrict
from tests.roster.bundles import frames, run, workbook_bytes

TABS = ("Students", "Educators", "Courses", "Classes", "Enrollments")
# Counted in the files themselves. oneroster-1.1-sample: users.csv holds 8 students and 2
# teachers, enrollments.csv 20 student + 4 teacher rows (its README says 9 users and 23
# enrollments). sds-v2.1: 8 users, of whom 2 have no role (guardians); 6 enrollments, of which
# 2 are a teacher's and a professor's.
COUNTS = {
    "oneroster-1.1-sample": {
        "Students": 8,
        "Educators": 2,
        "Courses": 2,
        "Classes": 2,
        "Enrollments": 20,
    },
    "sds-100-users": {
        "Students": 86,
        "Educators": 12,
        "Courses": 28,
        "Classes": 28,
        "Enrollments": 602,
    },
    "sds-v2.1": {"Students": 4, "Educators": 2, "Courses": 3, "Classes": 2, "Enrollments": 4},
}


def _row(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    rows = frame[frame[key] == value]
    assert len(rows) == 1, f"{key} {value}: {len(rows)} rows"
    return dict(rows.iloc[0])


@pytest.mark.parametrize("bundle", sorted(COUNTS))
def test_shared_bundle_imports_with_exact_counts(
    bundle: str, shared_data: Path, config_path: Path
) -> None:
    assert run("import-roster", shared_data / bundle, "--config", config_path) == 0
    tabs = frames(config_path)
    assert {tab: len(tabs[tab]) for tab in TABS} == COUNTS[bundle]
    for tab in TABS:
        key = tabs[tab].columns[0]
        assert tabs[tab][key].is_unique and (tabs[tab][key] != "").all()


def test_oneroster_sample_values(shared_data: Path, config_path: Path) -> None:
    run("import-roster", shared_data / "oneroster-1.1-sample", "--config", config_path)
    tabs = frames(config_path)
    mary = _row(tabs["Students"], "Student ID", "604863")
    assert (mary["First name"], mary["Last name"], mary["Grade"]) == ("Mary", "Archer", "9")
    assert mary["School"] == "Grand Bend High School"
    assert (mary["Birth date"], mary["Status"]) == ("1997-05-30", "active")
    assert mary["Email"] == "Mary.Archer@studentgps.org"
    algebra = _row(tabs["Courses"], "Course ID", "03100500")  # leading zero kept
    assert (algebra["Title"], algebra["External course code"]) == ("Algebra I", "ALG-1")
    cls = _row(tabs["Classes"], "Class ID", "25590100102Trad220ALG112011")
    assert (cls["Course ID"], cls["Teacher ID"]) == ("03100500", "207270")
    assert cls["Term"] == "2020-2021 Fall Semester; 2020-2021 Spring Semester"
    teacher = _row(tabs["Educators"], "Educator ID", "207268")
    assert (teacher["Name"], teacher["Role"]) == ("Sara Preston", "teacher")
    enrollment = _row(tabs["Enrollments"], "Enrollment ID", "6F4283DC-F831-4437-A9A3-E030C7AF0493")
    assert (enrollment["Start date"], enrollment["Target date"]) == ("2020-08-17", "2020-12-18")


def test_sds_values(shared_data: Path, config_path: Path) -> None:
    run("import-roster", shared_data / "sds-100-users", "--config", config_path)
    tabs = frames(config_path)
    ora = _row(tabs["Students"], "Student ID", "13001")
    assert (ora["Grade"], ora["Graduation year"], ora["Birth date"]) == ("9", "2019", "2000-04-02")
    assert (ora["School"], ora["Status"]) == ("Contoso High School", "active")
    assert tabs["Students"]["Grade"].value_counts().to_dict() == {
        "9": 30,
        "10": 28,
        "11": 15,
        "12": 13,
    }
    section = _row(tabs["Classes"], "Class ID", "11015")
    assert (section["School"], section["Term"], section["Teacher ID"]) == (
        "Fabrikam High School",
        "SY1516",
        "14008",
    )
    assert _row(tabs["Enrollments"], "Enrollment ID", "11001-13001")["Class ID"] == "11001"


def test_sds_v21_values(
    shared_data: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("import-roster", shared_data / "sds-v2.1", "--config", config_path)
    out = capsys.readouterr().out
    assert "2 users have no student or staff role" in out
    assert "roles.csv, row 8, column grade: grade 'ps1'" in out
    tabs = frames(config_path)
    assert set(tabs["Students"]["Student ID"]) == {"114001", "114003", "114004", "114008"}
    professor = _row(tabs["Educators"], "Educator ID", "114006")
    assert (professor["Role"], professor["School"]) == ("professor", "Computer Science Department")
    assert _row(tabs["Classes"], "Class ID", "112001")["Teacher ID"] == "114006"
    assert _row(tabs["Students"], "Student ID", "114008")["Grade"] == ""


@pytest.mark.parametrize("bundle", sorted(COUNTS))
@pytest.mark.parametrize("fmt", ["oneroster-1.1", "oneroster-1.2"])
def test_round_trip_changes_nothing(
    bundle: str,
    fmt: str,
    shared_data: Path,
    config_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run("import-roster", shared_data / bundle, "--config", config_path)
    imported = frames(config_path)
    before = workbook_bytes(config_path)
    out = tmp_path / "export"
    assert run("export-roster", "--format", fmt, "--to", out, "--config", config_path) == 0
    capsys.readouterr()
    assert run("import-roster", out, "--config", config_path) == 0
    report = capsys.readouterr().out
    assert "Nothing to change" in report
    assert " 0 added, 0 updated, 0 to be deleted" in report
    assert workbook_bytes(config_path) == before
    fresh = make_empty(
        tmp_path / "fresh",
        NewDistrict(
            "Test", ["edgenuity-mid-year"], date(2026, 12, 22), "US", today=date(2026, 11, 22)
        ),
        force=False,
        timezone="America/Chicago",
    )
    assert run("import-roster", out, "--config", fresh) == 0
    again = frames(fresh)
    for tab in TABS:
        pd.testing.assert_frame_equal(
            again[tab].sort_values(again[tab].columns[0]).reset_index(drop=True),
            imported[tab].sort_values(imported[tab].columns[0]).reset_index(drop=True),
            check_dtype=False,
        )


def test_dry_run_reports_and_writes_nothing(
    shared_data: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook_bytes(config_path)
    assert (
        run("import-roster", shared_data / "sds-100-users", "--dry-run", "--config", config_path)
        == 0
    )
    out = capsys.readouterr().out
    assert "Students     (bulk) 86 added, 0 updated, 0 to be deleted" in out
    assert "Enrollments  (bulk) 602 added" in out
    assert "Dry run: the workbook was not changed." in out
    assert workbook_bytes(config_path) == before
