"""OneRoster 1.1 and 1.2 CSV bundles (manifest.csv, orgs, users / roles, courses, classes,
enrollments, academicSessions, demographics) into roster tabs.

The manifest says which files are in the bundle and whether each is ``bulk`` (the whole
roster) or ``delta`` (changes only). See ``bot.roster.mapping`` for the column mapping.

A delta says nothing of what it leaves out: a user in a delta users.csv whose demographics are
not in its delta demographics.csv keeps their Birth date; a class whose delta enrollments.csv
holds no teacher for it (a teacher marked ``primary = false`` does not replace the class's
teacher) keeps its Teacher ID.
"""

from __future__ import annotations

import pandas as pd

from bot.core.wording import agree, count
from bot.roster import specs
from bot.roster.bundle import ONEROSTER_12, Bundle
from bot.roster.csvfile import LINE, FileSpec, Table, read_table
from bot.roster.errors import Findings
from bot.roster.frames import (
    BULK,
    DELTA,
    KEEP,
    NOT_STAFF,
    TEACHING_ROLES,
    RosterData,
    TabData,
    carried,
    extension,
    first_teachers,
    joined_names,
    kept_where,
    names_for,
    tab_frame,
)
from bot.roster.values import (
    DELETED,
    first_item,
    full_name,
    grades_from_codes,
    look_up,
    oneroster_status,
)

MODES = (BULK, DELTA, "absent")


def read_manifest(bundle: Bundle, version: str, findings: Findings) -> dict[str, str]:
    """File name (``users.csv``) -> ``bulk`` or ``delta``, checking each listed file exists."""
    table = read_table(bundle, specs.MANIFEST, findings)
    if table is None:
        return {}
    modes: dict[str, str] = {}
    for _, row in table.frame.iterrows():
        key, value, line = row["propertyName"].strip(), row["value"].strip(), int(row[LINE])
        if not key.startswith("file."):
            continue
        name = key.removeprefix("file.") + ".csv"
        if value not in MODES:
            findings.error(
                table.file, line, "value", f"{key} is {value!r}: expected bulk, delta or absent"
            )
        elif value == "absent":
            if bundle.has(name):
                findings.note(bundle.name(name), 0, "", f"{key} is absent; the file is ignored")
        elif not bundle.has(name):
            findings.error(
                table.file,
                line,
                "value",
                f"{key} is {value}, but the required file {name} is missing from the bundle",
            )
        else:
            modes[name.casefold()] = value
    if version == ONEROSTER_12 and "users.csv" in modes and "roles.csv" not in modes:
        findings.error(
            table.file, 1, "propertyName", "OneRoster 1.2 users.csv needs roles.csv (file.roles)"
        )
    return modes


def _table(
    bundle: Bundle, spec: FileSpec, modes: dict[str, str], findings: Findings
) -> Table | None:
    if spec.name.casefold() not in modes:
        return None
    return read_table(bundle, spec, findings)


def _lookup(table: Table | None, value: str) -> pd.Series | None:
    if table is None:
        return None
    return table.frame.set_index("sourcedId")[value]


def _roles(users: Table, roles: Table | None) -> tuple[pd.Series, pd.Series]:
    """Each user's role and org: 1.1 keeps them in users.csv, 1.2 in roles.csv (primary first)."""
    frame = users.frame
    if roles is None:
        return frame["role"].str.strip(), first_item(frame["orgSourcedIds"])
    ranked = roles.frame.assign(
        rank=(roles.frame["roleType"].str.strip().str.casefold() != "primary").astype(int)
    ).sort_values("rank", kind="stable")
    ranked = ranked[ranked["status"].str.strip().str.casefold() != DELETED]
    first = ranked.drop_duplicates("userSourcedId").set_index("userSourcedId")
    role = look_up(frame["sourcedId"], first["role"]).str.strip()
    org = look_up(frame["sourcedId"], first["orgSourcedId"])
    primary = frame["primaryOrgSourcedId"].str.strip()
    return role, primary.mask(primary == "", org)


def _users(
    users: Table,
    roles: Table | None,
    orgs: pd.Series | None,
    demo: Table | None,
    modes: dict[str, str],
    findings: Findings,
) -> dict[str, TabData]:
    frame = users.frame
    role, org = _roles(users, roles)
    school = carried(users, "school", names_for(org, orgs, users, "orgSourcedIds", "org", findings))
    status = extension(users, "status", oneroster_status(frame["status"], frame["enabledUser"]))
    status = status.mask(frame["status"].str.strip().str.casefold() == DELETED, DELETED)
    students = role.str.casefold() == "student"
    staff = ~role.str.casefold().isin(NOT_STAFF) & (role != "")
    skipped = int((~students & ~staff).sum())
    if skipped:
        findings.note(
            users.file,
            0,
            "role",
            f"{count(skipped, 'user')} {agree(skipped, 'is', 'are')} neither students nor staff "
            "(parents, guardians, relatives or no role); not roster rows",
        )
    grade, unknown = grades_from_codes(frame["grades"])
    for _, row in frame.loc[unknown & students].head(10).iterrows():
        findings.note(
            users.file,
            int(row[LINE]),
            "grades",
            f"grade {row['grades']!r} is not a grade the workbook holds; left blank",
        )
    columns: dict[str, pd.Series | str] = {
        "Student ID": frame["sourcedId"],
        "First name": frame["givenName"],
        "Last name": frame["familyName"],
        "Grade": grade,
        "School": school,
        "Status": status,
        "Email": frame["email"],
    }
    if orgs is None:
        del columns["School"]
    if users.has("metadata.rollover.graduationYear"):
        columns["Graduation year"] = extension(
            users, "graduationYear", pd.Series("", index=frame.index, dtype=str)
        )
    if demo is not None:
        births = demo.frame.set_index("sourcedId")["birthDate"]
        columns["Birth date"] = look_up(frame["sourcedId"], births)
        if modes.get("demographics.csv") == DELTA:
            columns[KEEP + "Birth date"] = kept_where(~frame["sourcedId"].isin(births.index))
    educators: dict[str, pd.Series | str] = {
        "Educator ID": frame["sourcedId"],
        "Name": full_name(frame["givenName"], frame["familyName"]),
        "Email": frame["email"],
        "Role": extension(users, "role", role),
        "School": school,
        "Status": status,
    }
    if orgs is None:
        del educators["School"]
    mode = modes["users.csv"]
    return {
        "Students": TabData(tab_frame(users, students, columns), mode),
        "Educators": TabData(tab_frame(users, staff, educators), mode),
    }


def _status(table: Table) -> pd.Series:
    return extension(table, "status", oneroster_status(table.frame["status"])).mask(
        table.frame["status"].str.strip().str.casefold() == DELETED, DELETED
    )


def parse(bundle: Bundle, version: str, findings: Findings) -> RosterData:
    """Read a OneRoster bundle; errors are collected in ``findings``."""
    data = RosterData(format=version)
    modes = read_manifest(bundle, version, findings)
    v12 = version == ONEROSTER_12
    orgs = _table(bundle, specs.OR_ORGS, modes, findings)
    sessions = _table(bundle, specs.OR_SESSIONS, modes, findings)
    users = _table(bundle, specs.OR12_USERS if v12 else specs.OR11_USERS, modes, findings)
    roles = _table(bundle, specs.OR12_ROLES, modes, findings) if v12 else None
    demo = _table(bundle, specs.OR_DEMOGRAPHICS, modes, findings)
    courses = _table(bundle, specs.OR_COURSES, modes, findings)
    classes = _table(bundle, specs.OR_CLASSES, modes, findings)
    enrollments = _table(bundle, specs.OR_ENROLLMENTS, modes, findings)
    if "users.csv" in modes and users is not None and users.frame.empty:
        findings.error(users.file, 2, "sourcedId", "users.csv has a header but no users")
    if findings.errors:
        return data
    org_names = _lookup(orgs, "name")
    if users is not None:
        data.tabs.update(_users(users, roles, org_names, demo, modes, findings))
    if courses is not None:
        frame = courses.frame
        columns: dict[str, pd.Series | str] = {
            "Course ID": frame["sourcedId"],
            "Title": frame["title"],
            "External course code": frame["courseCode"],
            "School": carried(
                courses,
                "school",
                names_for(
                    frame["orgSourcedId"], org_names, courses, "orgSourcedId", "org", findings
                ),
            ),
            "Status": _status(courses),
        }
        if org_names is None:
            del columns["School"]
        everything = pd.Series(True, index=frame.index)
        data.tabs["Courses"] = TabData(
            tab_frame(courses, everything, columns), modes["courses.csv"]
        )
    if classes is not None:
        data.tabs["Classes"] = _classes(classes, enrollments, org_names, sessions, modes, findings)
    if enrollments is not None:
        frame = enrollments.frame
        students = frame["role"].str.strip().str.casefold() == "student"
        columns = {
            "Enrollment ID": frame["sourcedId"],
            "Student ID": frame["userSourcedId"],
            "Class ID": frame["classSourcedId"],
            "Start date": frame["beginDate"],
            "Target date": frame["endDate"],
            "Status": _status(enrollments),
        }
        data.tabs["Enrollments"] = TabData(
            tab_frame(enrollments, students, columns), modes["enrollments.csv"]
        )
    return data


def _classes(
    classes: Table,
    enrollments: Table | None,
    orgs: pd.Series | None,
    sessions: Table | None,
    modes: dict[str, str],
    findings: Findings,
) -> TabData:
    frame = classes.frame
    columns: dict[str, pd.Series | str] = {
        "Class ID": frame["sourcedId"],
        "Title": frame["title"],
        "Course ID": frame["courseSourcedId"],
        "School": carried(
            classes,
            "school",
            names_for(frame["schoolSourcedId"], orgs, classes, "schoolSourcedId", "org", findings),
        ),
        "Term": joined_names(frame["termSourcedIds"], _lookup(sessions, "title")),
        "Status": _status(classes),
    }
    if orgs is None:
        del columns["School"]
    if sessions is None:
        del columns["Term"]
    if enrollments is not None:
        rows = enrollments.frame
        teaching = rows["role"].str.strip().str.casefold().isin(TEACHING_ROLES) & (
            rows["status"].str.strip().str.casefold() != DELETED
        )
        delta = modes.get("enrollments.csv") == DELTA
        if delta:
            teaching &= rows["primary"].str.strip().str.casefold() != "false"
        teachers = first_teachers(
            rows.loc[teaching, "classSourcedId"],
            rows.loc[teaching, "userSourcedId"],
            rows.loc[teaching, "primary"],
        )
        columns["Teacher ID"] = look_up(frame["sourcedId"], teachers)
        if delta:
            columns[KEEP + "Teacher ID"] = kept_where(~frame["sourcedId"].isin(teachers.index))
    everything = pd.Series(True, index=frame.index)
    return TabData(tab_frame(classes, everything, columns), modes["classes.csv"])
