"""A delta says nothing of what it leaves out: a user in it whose demographics are not keeps
their Birth date, a class in it whose teacher enrollments are not keeps its Teacher ID."""

from __future__ import annotations

from pathlib import Path

from tests.roster.bundles import frames, oneroster, run, table, write

DEMOGRAPHICS = "sourcedId,status,dateLastModified,birthDate"
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
    "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods"
)
ENROLLMENTS = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate"
)


def _manifest(*files: str) -> str:
    rows = [["manifest.version", "1.0"], ["oneroster.version", "1.1"]]
    return table("propertyName,value", rows + [[f"file.{name}", "delta"] for name in files])


def _bulk_with_births(tmp_path: Path, config_path: Path) -> None:
    files = oneroster(3)
    files["manifest.csv"] += "file.demographics,bulk\n"
    files["demographics.csv"] = table(
        DEMOGRAPHICS, [[f"{n:05d}", "", "", f"2010-0{n}-01"] for n in (1, 2, 3)]
    )
    assert run("import-roster", write(tmp_path / "bulk", dict(files)), "--config", config_path) == 0


def test_a_delta_user_without_its_demographics_keeps_the_birth_date(
    tmp_path: Path, config_path: Path
) -> None:
    _bulk_with_births(tmp_path, config_path)
    users = oneroster(3)["users.csv"].splitlines()
    changed = users[1].replace("Given1", "Renamed")
    delta = {
        "manifest.csv": _manifest("users", "demographics"),
        "users.csv": "\n".join([users[0], changed, users[2]]) + "\n",
        "demographics.csv": table(DEMOGRAPHICS, [["00002", "", "", "2011-12-24"]]),
    }
    assert run("import-roster", write(tmp_path / "delta", delta), "--config", config_path) == 0
    students = frames(config_path)["Students"].set_index("Student ID")
    assert students.at["00001", "First name"] == "Renamed"
    assert students.at["00001", "Birth date"] == "2010-01-01"
    assert students.at["00002", "Birth date"] == "2011-12-24"
    assert students.at["00003", "Birth date"] == "2010-03-01"


def test_a_delta_class_without_its_teacher_keeps_the_teacher(
    tmp_path: Path, config_path: Path
) -> None:
    assert (
        run("import-roster", write(tmp_path / "bulk", oneroster(3)), "--config", config_path) == 0
    )
    assert frames(config_path)["Classes"].at[0, "Teacher ID"] == "T1"
    classes = oneroster(3)["classes.csv"].splitlines()
    co_teacher = ["ET2", "", "", "K1", "s1", "00002", "teacher", "false", "", ""]
    delta = {
        "manifest.csv": _manifest("classes", "enrollments"),
        "classes.csv": "\n".join([CLASSES, classes[1].replace("Algebra I - P1", "Algebra I")]),
        "enrollments.csv": table(ENROLLMENTS, [co_teacher]),
    }
    assert run("import-roster", write(tmp_path / "delta", delta), "--config", config_path) == 0
    algebra = frames(config_path)["Classes"].set_index("Class ID").loc["K1"]
    assert algebra["Title"] == "Algebra I"
    assert algebra["Teacher ID"] == "T1"
