"""Small OneRoster 1.1 and SDS bundles built in tests (variants make the bad-bundle cases)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from bot.cli import main
from bot.structures import ROW
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook

MANIFEST_FILES = ("academicSessions", "orgs", "courses", "classes", "users", "enrollments")
USERS = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
)


def table(header: str, rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    return buffer.getvalue()


def student(number: int, status: str = "", given: str = "") -> list[str]:
    sid = f"{number:05d}"
    return [
        sid,
        status,
        "",
        "true",
        "s1",
        "student",
        f"u{sid}",
        "",
        given or f"Given{number}",
        f"Family{number}",
        "",
        "",
        f"u{sid}@north.example",
        "",
        "",
        "",
        "09",
        "",
    ]


def oneroster(students: int = 10, mode: str = "bulk", first: int = 1) -> dict[str, str]:
    """A valid OneRoster 1.1 bundle: one school, ``students`` students, one teacher, one class."""
    ids = range(first, first + students)
    users = [student(n) for n in ids]
    users.append(
        [
            "T1",
            "",
            "",
            "true",
            "s1",
            "teacher",
            "t1",
            "",
            "Ada",
            "Lovelace",
            "",
            "",
            "ada@north.example",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    manifest = [["manifest.version", "1.0"], ["oneroster.version", "1.1"]]
    manifest += [[f"file.{name}", mode] for name in MANIFEST_FILES]
    enrollments = [
        [f"E{n}", "", "", "K1", "s1", f"{n:05d}", "student", "", "2026-08-17", "2026-12-18"]
        for n in ids
    ]
    enrollments.append(["ET1", "", "", "K1", "s1", "T1", "teacher", "true", "", ""])
    return {
        "manifest.csv": table("propertyName,value", manifest),
        "orgs.csv": table(
            "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
            [
                ["d1", "", "", "North District", "district", "", ""],
                ["s1", "", "", "North High", "school", "", "d1"],
            ],
        ),
        "academicSessions.csv": table(
            "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
            "schoolYear",
            [["fall", "", "", "Fall 2026", "term", "2026-08-17", "2026-12-18", "", "2027"]],
        ),
        "courses.csv": table(
            "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
            "orgSourcedId,subjects,subjectCodes",
            [["00123", "", "", "", "Algebra I", "ALG-1", "09", "s1", "", ""]],
        ),
        "classes.csv": table(
            "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
            "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
            [
                [
                    "K1",
                    "",
                    "",
                    "Algebra I - P1",
                    "09",
                    "00123",
                    "",
                    "scheduled",
                    "",
                    "s1",
                    "fall",
                    "",
                    "",
                    "1",
                ]
            ],
        ),
        "users.csv": table(USERS, users),
        "enrollments.csv": table(
            "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
            "primary,beginDate,endDate",
            enrollments,
        ),
    }


def write(folder: Path, files: Mapping[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def run(*argv: str | Path) -> int:
    return main([str(a) for a in argv])


def frames(config_path: Path) -> dict[str, pd.DataFrame]:
    """The roster tabs as the bot reads them (text), without the row numbers."""
    path = config_path.parent / "rollover.xlsx"
    snapshot = XlsxWorkbook(path, load_template()).read()
    return {
        t.name: snapshot.frames[t.name].drop(columns=[ROW]).reset_index(drop=True)
        for t in load_template().roster_tabs
    }


def workbook_bytes(config_path: Path) -> bytes:
    return (config_path.parent / "rollover.xlsx").read_bytes()
