"""An enrollment whose student or class the import does not add (marked inactive or
tobedeleted, or missing) is not added either, is counted with its reason, and is never seeded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from bot.lms.mock import MockLMS
from tests.roster.bundles import frames, oneroster, run, write


def _lms_enrollments(config_path: Path) -> set[str]:
    lms = MockLMS(load_config(str(config_path)).lms_path)
    try:
        return set(lms.records("Edgenuity", "enrollments")["id"])
    finally:
        lms.close()


def _mark(files: dict[str, str], student: str, status: str) -> None:
    files["users.csv"] = files["users.csv"].replace(f"{student},,", f"{student},{status},", 1)


def test_enrollments_of_students_not_added_are_left_out_and_not_seeded(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = oneroster(5)
    _mark(files, "00003", "tobedeleted")
    _mark(files, "00004", "inactive")
    bundle = write(tmp_path / "a", dict(files))
    assert run("import-roster", bundle, "--dry-run", "--config", config_path) == 0
    dry = capsys.readouterr().out
    assert "Enrollments  (bulk) 3 added" in dry
    assert "2 enrollments left out: their student is not added" in dry
    assert run("import-roster", bundle, "--seed-lms", "--config", config_path) == 0
    out = capsys.readouterr().out
    assert "2 enrollments left out: their student is not added" in out
    tabs = frames(config_path)
    assert set(tabs["Students"]["Student ID"]) == {"00001", "00002", "00005"}
    assert set(tabs["Enrollments"]["Enrollment ID"]) == {"E1", "E2", "E5"}
    assert _lms_enrollments(config_path) == {"E1", "E2", "E5"}


def test_enrollments_of_a_class_not_added_are_left_out(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = oneroster(3)
    files["classes.csv"] = files["classes.csv"].replace("K1,,", "K1,tobedeleted,", 1)
    assert run("import-roster", write(tmp_path / "a", dict(files)), "--config", config_path) == 0
    out = capsys.readouterr().out
    assert "3 enrollments left out: their class is not added" in out
    tabs = frames(config_path)
    assert tabs["Classes"].empty and tabs["Enrollments"].empty


def test_enrollments_of_students_already_in_the_workbook_are_kept_but_not_seeded(
    tmp_path: Path, config_path: Path
) -> None:
    assert (
        run("import-roster", write(tmp_path / "a", dict(oneroster(3))), "--config", config_path)
        == 0
    )
    files = oneroster(3)
    _mark(files, "00002", "tobedeleted")
    bundle = write(tmp_path / "b", dict(files))
    assert run("import-roster", bundle, "--seed-lms", "--config", config_path) == 0
    tabs = frames(config_path)
    assert tabs["Students"].set_index("Student ID").loc["00002", "Status"] == "tobedeleted"
    assert set(tabs["Enrollments"]["Enrollment ID"]) == {"E1", "E2", "E3"}
    assert _lms_enrollments(config_path) == {"E1", "E3"}
