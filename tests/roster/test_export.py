"""export-roster: a valid OneRoster bundle with manifest; statuses and roles OneRoster has no
word for travel in metadata.rollover.* so that importing the export changes nothing."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from bot.commands.create import make_demo
from bot.roster.export import FORMATS
from bot.roster.export_tables import USERS_11, USERS_12
from tests.roster.bundles import frames, oneroster, run, workbook_bytes, write
from tests.roster.test_merge import _set


def _read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture
def district(tmp_path: Path, config_path: Path) -> Path:
    run("import-roster", write(tmp_path / "a", dict(oneroster(4))), "--config", config_path)
    _set(config_path, "Students", "00001", {"Status": "graduated", "Graduation year": "2026"})
    _set(config_path, "Students", "00002", {"Status": "inactive"})
    _set(config_path, "Educators", "T1", {"Role": "coordinator"})
    return config_path


def test_oneroster_11_bundle(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("export-roster", "--format", "oneroster-1.1", "--to", out, "--config", district) == 0
    manifest = {r["propertyName"]: r["value"] for r in _read(out / "manifest.csv")}
    assert manifest["oneroster.version"] == "1.1"
    assert manifest["file.users"] == "bulk" and manifest["file.lineItems"] == "absent"
    assert _header(out / "users.csv")[: len(USERS_11)] == list(USERS_11)
    users = {r["sourcedId"]: r for r in _read(out / "users.csv")}
    assert users["00001"]["status"] == "active"
    assert users["00001"]["metadata.rollover.status"] == "graduated"
    assert users["00001"]["metadata.rollover.graduationYear"] == "2026"
    assert (users["00002"]["enabledUser"], users["00002"]["metadata.rollover.status"]) == (
        "false",
        "",
    )
    assert (users["T1"]["role"], users["T1"]["metadata.rollover.role"]) == (
        "teacher",
        "coordinator",
    )
    assert (users["00003"]["grades"], users["00003"]["orgSourcedIds"]) == ("09", "North-High")
    teacher = [r for r in _read(out / "enrollments.csv") if r["role"] == "teacher"]
    assert [(r["classSourcedId"], r["userSourcedId"], r["primary"]) for r in teacher] == [
        ("K1", "T1", "true")
    ]
    sessions = {r["title"]: r for r in _read(out / "academicSessions.csv")}
    assert (sessions["Fall 2026"]["startDate"], sessions["Fall 2026"]["endDate"]) == (
        "2026-08-17",
        "2026-12-18",
    )


def test_oneroster_12_bundle_has_roles(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    assert run("export-roster", "--format", "oneroster-1.2", "--to", out, "--config", district) == 0
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        users = archive.read("users.csv").decode()
        roles = list(csv.DictReader(io.StringIO(archive.read("roles.csv").decode())))
    assert {"manifest.csv", "roles.csv", "users.csv", "orgs.csv"} <= names
    assert users.splitlines()[0].split(",")[: len(USERS_12)] == list(USERS_12)
    assert {r["userSourcedId"]: r["role"] for r in roles}["00004"] == "student"


@pytest.mark.parametrize("fmt", ["oneroster-1.1", "oneroster-1.2"])
def test_reimport_of_export_changes_nothing(district: Path, tmp_path: Path, fmt: str) -> None:
    before_frames = frames(district)
    before = workbook_bytes(district)
    out = tmp_path / "out"
    run("export-roster", "--format", fmt, "--to", out, "--config", district)
    assert run("import-roster", out, "--config", district) == 0
    assert workbook_bytes(district) == before
    assert frames(district)["Students"].equals(before_frames["Students"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_demo_workbook_round_trips_unchanged(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's courses have no School: they come back without one, not as the district."""
    config = make_demo(tmp_path / "demo", students=40, force=False, today=date(2026, 11, 22))
    courses = frames(config)["Courses"]
    assert (courses["School"] == "").any()
    before = workbook_bytes(config)
    out = tmp_path / "out"
    assert run("export-roster", "--format", fmt, "--to", out, "--config", config) == 0
    capsys.readouterr()
    assert run("import-roster", out, "--config", config) == 0
    report = capsys.readouterr().out
    for tab in ("Students", "Educators", "Courses", "Classes", "Enrollments"):
        assert f"{tab:<12} (bulk) 0 added, 0 updated, 0 to be deleted" in report, report
    assert "Nothing to change" in report
    assert workbook_bytes(config) == before


def test_export_refuses_to_overwrite_without_force(
    district: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    run("export-roster", "--format", "oneroster-1.1", "--to", out, "--config", district)
    assert run("export-roster", "--format", "oneroster-1.1", "--to", out, "--config", district) == 2
    assert "already holds CSV files; use --force" in capsys.readouterr().err
    assert (
        run(
            "export-roster",
            "--format",
            "oneroster-1.2",
            "--to",
            out,
            "--force",
            "--config",
            district,
        )
        == 0
    )
    assert (out / "roles.csv").exists()
