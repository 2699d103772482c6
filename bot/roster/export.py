"""``export-roster``: the workbook's roster tabs as a OneRoster 1.1 or 1.2 CSV bundle (bulk).

Organisations are made from the School names (sourcedId: the name's slug) under one district
org; academic sessions from the Class Terms (dates: the span of their enrollments, else the
school year). Teacher IDs become teacher enrollments. Workbook values OneRoster has no field
for travel in ``metadata.rollover.*`` columns so importing the bundle again changes nothing:
``status`` and ``role`` where the native field cannot say them, ``graduationYear``, and
``school``, the School exactly (a row without one is exported under the district org, and
must come back without one, not as the district).
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from bot.abc import Clock
from bot.clock import SystemClock
from bot.config import Config
from bot.core.wording import agree, count
from bot.errors import WorkbookError
from bot.progress import phase, worth_a_line
from bot.roster.bundle import ONEROSTER_12
from bot.roster.errors import RosterError
from bot.roster.export_tables import (
    DISTRICT,
    EXT_SCHOOL,
    EXT_STATUS,
    FILE_LIST,
    FORMATS,
    SCHOOL_YEAR,
    Orgs,
    sessions,
    statuses,
    users_and_roles,
)
from bot.roster.values import look_up
from bot.structures import ROW
from bot.templates import WorkbookTemplate, load_template
from bot.workbook import path_setting
from bot.workbook.xlsx import XlsxWorkbook


@dataclass
class ExportReport:
    directory: Path
    format: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        files = ", ".join(f"{name} ({count(n, 'row')})" for name, n in self.counts.items())
        lines = [f"Wrote a {self.format} bundle (bulk) to {self.directory}: {files}"]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def build_bundle(
    frames: dict[str, pd.DataFrame], district: str, version: str, now: datetime
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The bundle's files (name -> rows) from the roster tabs; notes on values made up."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    students, educators = frames["Students"], frames["Educators"]
    courses, classes, enrollments = frames["Courses"], frames["Classes"], frames["Enrollments"]
    orgs = Orgs(district, pd.concat([t["School"] for t in frames.values() if "School" in t]))
    session_rows, term_ids = sessions(classes, enrollments, now.date())
    notes = []
    for tab, frame in frames.items():
        blank = int((frame["School"].str.strip() == "").sum()) if "School" in frame else 0
        if blank:
            have = f"{count(blank, tab + ' row')} {agree(blank, 'has', 'have')}"
            notes.append(f"{have} no School: exported under the district org")
    if int((classes["Term"].str.strip() == "").sum()):
        notes.append("classes without a Term are exported under the school year session")
    users, roles = users_and_roles(students, educators, orgs, version, stamp)
    files: dict[str, pd.DataFrame] = {
        "orgs.csv": orgs.frame(),
        "academicSessions.csv": session_rows,
    }
    course_status = statuses(courses["Status"], users=False)
    files["courses.csv"] = pd.DataFrame(
        {
            "sourcedId": courses["Course ID"],
            "status": course_status["status"],
            "dateLastModified": stamp,
            "schoolYearSourcedId": SCHOOL_YEAR,
            "title": courses["Title"],
            "courseCode": courses["External course code"],
            "grades": "",
            "orgSourcedId": orgs.of(courses["School"]),
            "subjects": "",
            "subjectCodes": "",
            EXT_STATUS: course_status[EXT_STATUS],
            EXT_SCHOOL: courses["School"],
        }
    )
    class_status = statuses(classes["Status"], users=False)
    class_org = orgs.of(classes["School"])
    files["classes.csv"] = pd.DataFrame(
        {
            "sourcedId": classes["Class ID"],
            "status": class_status["status"],
            "dateLastModified": stamp,
            "title": classes["Title"],
            "grades": "",
            "courseSourcedId": classes["Course ID"],
            "classCode": "",
            "classType": "scheduled",
            "location": "",
            "schoolSourcedId": class_org,
            "termSourcedIds": term_ids,
            "subjects": "",
            "subjectCodes": "",
            "periods": "",
            EXT_STATUS: class_status[EXT_STATUS],
            EXT_SCHOOL: classes["School"],
        }
    )
    files["users.csv"] = users
    if version == ONEROSTER_12:
        files["roles.csv"] = roles
    school_of = pd.Series(class_org.to_numpy(), index=classes["Class ID"].to_numpy())
    school_of = school_of[~school_of.index.duplicated()]
    enrollment_status = statuses(enrollments["Status"], users=False)
    taught = classes[classes["Teacher ID"].str.strip() != ""]
    files["enrollments.csv"] = pd.concat(
        [
            pd.DataFrame(
                {
                    "sourcedId": enrollments["Enrollment ID"],
                    "status": enrollment_status["status"],
                    "dateLastModified": stamp,
                    "classSourcedId": enrollments["Class ID"],
                    "schoolSourcedId": look_up(enrollments["Class ID"], school_of, DISTRICT),
                    "userSourcedId": enrollments["Student ID"],
                    "role": "student",
                    "primary": "false",
                    "beginDate": enrollments["Start date"],
                    "endDate": enrollments["Target date"],
                    EXT_STATUS: enrollment_status[EXT_STATUS],
                }
            ),
            pd.DataFrame(
                {
                    "sourcedId": "teacher-" + taught["Class ID"] + "-" + taught["Teacher ID"],
                    "status": "active",
                    "dateLastModified": stamp,
                    "classSourcedId": taught["Class ID"],
                    "schoolSourcedId": class_org[taught.index],
                    "userSourcedId": taught["Teacher ID"],
                    "role": "teacher",
                    "primary": "true",
                    "beginDate": "",
                    "endDate": "",
                    EXT_STATUS: "",
                }
            ),
        ],
        ignore_index=True,
    )
    born = students[students["Birth date"].str.strip() != ""]
    files["demographics.csv"] = pd.DataFrame(
        {
            "sourcedId": born["Student ID"],
            "status": "active",
            "dateLastModified": stamp,
            "birthDate": born["Birth date"],
        }
    )
    written = {name.removesuffix(".csv") for name in files}
    manifest = [
        ("manifest.version", "1.0"),
        ("oneroster.version", version.split("-")[1]),
        ("source.systemName", "Rollover Bot"),
        ("source.systemCode", "rollover-bot"),
    ]
    manifest += [(f"file.{n}", "bulk" if n in written else "absent") for n in FILE_LIST[version]]
    files["manifest.csv"] = pd.DataFrame(manifest, columns=["propertyName", "value"])
    return files, notes


def _csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.fillna("").astype(str).itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def _write(files: dict[str, bytes], target: Path, force: bool) -> None:
    if target.suffix.casefold() == ".zip":
        if target.exists() and not force:
            raise RosterError(f"{target} already exists; use --force to replace it")
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.tmp")
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        temp.replace(target)
        return
    if target.exists() and any(target.glob("*.csv")) and not force:
        raise RosterError(f"{target} already holds CSV files; use --force to replace them")
    if target.exists() and force:
        for old in target.glob("*.csv"):
            old.unlink()
    temp = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir(parents=True)
    for name, data in files.items():
        (temp / name).write_bytes(data)
    target.mkdir(parents=True, exist_ok=True)
    for written in temp.iterdir():
        written.replace(target / written.name)
    temp.rmdir()


def export_roster(
    config: Config,
    version: str,
    target: Path,
    force: bool = False,
    template: WorkbookTemplate | None = None,
    clock: Clock | None = None,
) -> ExportReport:
    """Write the workbook's roster tabs to ``target`` (a folder, or a path ending in .zip),
    stamped with the time ``clock`` (default the system's) gives."""
    if version not in FORMATS:
        raise RosterError(f"unknown format {version!r}: expected {' or '.join(FORMATS)}")
    template = template or load_template()
    names = [t.name for t in template.roster_tabs]
    snapshot = XlsxWorkbook(config.workbook_path, template, path_setting(config)).read(names)
    for name in names:
        if name in snapshot.broken:
            raise WorkbookError(f"cannot export the {name} tab: {snapshot.broken[name]}")
        if name not in snapshot.frames:
            raise WorkbookError(
                f"the workbook has no {name} tab, so there is nothing to export from it: "
                f"rename the tab back to {name} (the roster tabs are {', '.join(names)})"
            )
    frames = {name: snapshot.frames[name].drop(columns=[ROW]) for name in names}
    now = (clock or SystemClock()).now()
    rows = sum(len(frame) for frame in frames.values())
    with phase(f"Writing the bundle ({count(rows, 'row')})", worth_a_line(rows, "row")):
        files, notes = build_bundle(frames, config.district, version, now)
        _write({name: _csv(frame) for name, frame in files.items()}, target, force)
    counts = {name: len(frame) for name, frame in files.items()}
    return ExportReport(directory=target, format=version, counts=counts, notes=notes)
