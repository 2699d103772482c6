"""SDS v2.1 CSV (OneRoster-like: orgs, users, roles, classes, enrollments, courses,
academicSessions, demographics). No manifest and no status columns: the bundle is the whole
roster (bulk) and every row in it is active. Enrollments have no ID: it is ``class-user``."""

from __future__ import annotations

import pandas as pd

from bot.core.wording import agree, count
from bot.roster import specs
from bot.roster.bundle import SDS_V21, Bundle
from bot.roster.csvfile import LINE, Table, read_table, require_files
from bot.roster.errors import Findings
from bot.roster.frames import (
    NOT_STAFF,
    TEACHING_ROLES,
    RosterData,
    TabData,
    first_teachers,
    joined_names,
    names_for,
    tab_frame,
)
from bot.roster.values import full_name, grades_from_codes, look_up

REQUIRED = (specs.V21_ORGS, specs.V21_USERS, specs.V21_ROLES)
OPTIONAL = (
    specs.V21_CLASSES,
    specs.V21_ENROLLMENTS,
    specs.V21_COURSES,
    specs.V21_SESSIONS,
    specs.V21_DEMOGRAPHICS,
)


def _primary_roles(roles: Table) -> pd.DataFrame:
    frame = roles.frame.assign(
        rank=(roles.frame["isPrimary"].str.strip().str.casefold() != "true").astype(int)
    )
    return (
        frame.sort_values("rank", kind="stable")
        .drop_duplicates("userSourcedId")
        .set_index("userSourcedId")
    )


def _people(
    users: Table, roles: Table, orgs: pd.Series, demo: Table | None, findings: Findings
) -> dict[str, TabData]:
    frame = users.frame
    primary = _primary_roles(roles)
    role = look_up(frame["sourcedId"], primary["role"]).str.strip()
    org = look_up(frame["sourcedId"], primary["orgSourcedId"])
    school = names_for(org, orgs, users, "sourcedId", "org", findings)
    students = role.str.casefold() == "student"
    staff = (role != "") & ~role.str.casefold().isin(NOT_STAFF)
    skipped = int((~students & ~staff).sum())
    if skipped:
        findings.note(
            users.file,
            0,
            "sourcedId",
            f"{count(skipped, 'user')} {agree(skipped, 'has', 'have')} no student or staff "
            "role in roles.csv (e.g. guardians); not roster rows",
        )
    grade, unknown = grades_from_codes(look_up(frame["sourcedId"], primary["grade"]))
    for _, row in frame.loc[unknown & students].head(10).iterrows():
        line = int(primary.loc[row["sourcedId"], LINE])
        findings.note(
            roles.file,
            line,
            "grade",
            f"grade {primary.loc[row['sourcedId'], 'grade']!r}"
            " is not a grade the workbook holds; left blank",
        )
    columns: dict[str, pd.Series | str] = {
        "Student ID": frame["sourcedId"],
        "First name": frame["givenName"],
        "Last name": frame["familyName"],
        "Grade": grade,
        "School": school,
        "Status": "active",
        "Email": frame["email"],
    }
    if demo is not None:
        columns["Birth date"] = look_up(
            frame["sourcedId"], demo.frame.set_index("userSourcedId")["birthDate"]
        )
    educators: dict[str, pd.Series | str] = {
        "Educator ID": frame["sourcedId"],
        "Name": full_name(frame["givenName"], frame["familyName"]),
        "Email": frame["email"],
        "Role": role,
        "School": school,
        "Status": "active",
    }
    return {
        "Students": TabData(tab_frame(users, students, columns)),
        "Educators": TabData(tab_frame(users, staff, educators)),
    }


def parse(bundle: Bundle, findings: Findings) -> RosterData:
    """Read an SDS v2.1 bundle; errors are collected in ``findings``."""
    data = RosterData(format=SDS_V21)
    require_files(bundle, REQUIRED, findings)
    tables = {s.name: read_table(bundle, s, findings) for s in REQUIRED + OPTIONAL}
    users = tables["users.csv"]
    if users is not None and users.frame.empty:
        findings.error(users.file, 2, "sourcedId", "users.csv has a header but no users")
    if tables["classes.csv"] is not None and tables["enrollments.csv"] is None:
        findings.error(
            "enrollments.csv",
            0,
            "classSourcedId",
            "classes.csv needs enrollments.csv, which is missing from the bundle",
        )
    if findings.errors:
        return data
    orgs_table, roles = tables["orgs.csv"], tables["roles.csv"]
    assert users and orgs_table and roles
    orgs = orgs_table.frame.set_index("sourcedId")["name"]
    data.tabs.update(_people(users, roles, orgs, tables["demographics.csv"], findings))
    courses = tables["courses.csv"]
    if courses is not None:
        frame = courses.frame
        columns: dict[str, pd.Series | str] = {
            "Course ID": frame["sourcedId"],
            "Title": frame["title"],
            "External course code": frame["code"],
            "School": names_for(
                frame["orgSourcedId"], orgs, courses, "orgSourcedId", "org", findings
            ),
            "Status": "active",
        }
        data.tabs["Courses"] = TabData(
            tab_frame(courses, pd.Series(True, index=frame.index), columns)
        )
    classes, enrollments = tables["classes.csv"], tables["enrollments.csv"]
    if classes is not None and enrollments is not None:
        sessions = tables["academicSessions.csv"]
        titles = None if sessions is None else sessions.frame.set_index("sourcedId")["title"]
        rows = enrollments.frame
        teaching = rows["role"].str.strip().str.casefold().isin(TEACHING_ROLES)
        teachers = first_teachers(
            rows.loc[teaching, "classSourcedId"], rows.loc[teaching, "userSourcedId"]
        )
        frame = classes.frame
        columns = {
            "Class ID": frame["sourcedId"],
            "Title": frame["title"],
            "Course ID": frame["courseSourcedId"],
            "School": names_for(
                frame["orgSourcedId"], orgs, classes, "orgSourcedId", "org", findings
            ),
            "Term": joined_names(frame["sessionSourcedIds"], titles),
            "Teacher ID": look_up(frame["sourcedId"], teachers),
            "Status": "active",
        }
        data.tabs["Classes"] = TabData(
            tab_frame(classes, pd.Series(True, index=frame.index), columns)
        )
        students = rows["role"].str.strip().str.casefold() == "student"
        columns = {
            "Enrollment ID": rows["classSourcedId"] + "-" + rows["userSourcedId"],
            "Student ID": rows["userSourcedId"],
            "Class ID": rows["classSourcedId"],
            "Status": "active",
        }
        data.tabs["Enrollments"] = TabData(tab_frame(enrollments, students, columns))
    return data
