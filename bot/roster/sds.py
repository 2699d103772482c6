"""Microsoft School Data Sync (v1) CSV: School, Section, Student, Teacher, StudentEnrollment
and TeacherRoster. SDS has no manifest: every bundle is the whole roster (bulk)."""

from __future__ import annotations

import pandas as pd

from bot.roster import specs
from bot.roster.bundle import SDS_V1, Bundle
from bot.roster.csvfile import LINE, Table, read_table, require_files
from bot.roster.errors import Findings
from bot.roster.frames import RosterData, TabData, first_teachers, names_for, tab_frame
from bot.roster.values import full_name, grades_from_codes, look_up, sds_status

REQUIRED = (
    specs.SDS_SCHOOL,
    specs.SDS_SECTION,
    specs.SDS_STUDENT,
    specs.SDS_TEACHER,
    specs.SDS_STUDENT_ENROLLMENT,
    specs.SDS_TEACHER_ROSTER,
)


def _optional(table: Table, columns: dict[str, pd.Series | str], wanted: dict[str, str]) -> None:
    """Drop the workbook columns whose SDS column is not in the file (they are left alone)."""
    for column, source in wanted.items():
        if not table.has(source):
            columns.pop(column, None)


def _grades(table: Table, rows: pd.Series, findings: Findings) -> pd.Series:
    grade, unknown = grades_from_codes(table.frame["Grade"])
    for _, row in table.frame.loc[unknown & rows].head(10).iterrows():
        findings.note(
            table.file,
            int(row[LINE]),
            "Grade",
            f"grade {row['Grade']!r} is not a grade the workbook holds; left blank",
        )
    return grade


def parse(bundle: Bundle, findings: Findings) -> RosterData:
    """Read an SDS bundle; errors are collected in ``findings``."""
    data = RosterData(format=SDS_V1)
    require_files(bundle, REQUIRED, findings)
    tables = {spec.name: read_table(bundle, spec, findings) for spec in REQUIRED}
    student = tables["Student.csv"]
    if student is not None and student.frame.empty:
        findings.error(student.file, 2, "SIS ID", "Student.csv has a header but no students")
    if findings.errors:
        return data
    school, section, teacher = tables["School.csv"], tables["Section.csv"], tables["Teacher.csv"]
    enrollment, roster = tables["StudentEnrollment.csv"], tables["TeacherRoster.csv"]
    assert school and section and student and teacher and enrollment and roster
    schools = school.frame.set_index("SIS ID")["Name"]

    frame = student.frame
    every = pd.Series(True, index=frame.index)
    columns: dict[str, pd.Series | str] = {
        "Student ID": frame["SIS ID"],
        "First name": frame["First Name"],
        "Last name": frame["Last Name"],
        "Grade": _grades(student, every, findings),
        "School": names_for(
            frame["School SIS ID"], schools, student, "School SIS ID", "school", findings
        ),
        "Status": sds_status(frame["Status"]),
        "Graduation year": frame["Graduation Year"],
        "Birth date": frame["Birthdate"],
    }
    _optional(
        student,
        columns,
        {
            "First name": "First Name",
            "Last name": "Last Name",
            "Grade": "Grade",
            "Status": "Status",
            "Graduation year": "Graduation Year",
            "Birth date": "Birthdate",
        },
    )
    data.tabs["Students"] = TabData(tab_frame(student, every, columns))

    frame = teacher.frame
    every = pd.Series(True, index=frame.index)
    columns = {
        "Educator ID": frame["SIS ID"],
        "Name": full_name(frame["First Name"], frame["Last Name"]),
        "Role": "teacher",
        "School": names_for(
            frame["School SIS ID"], schools, teacher, "School SIS ID", "school", findings
        ),
        "Status": sds_status(frame["Status"]),
    }
    _optional(teacher, columns, {"Status": "Status"})
    data.tabs["Educators"] = TabData(tab_frame(teacher, every, columns))

    frame = section.frame
    school_names = names_for(
        frame["School SIS ID"], schools, section, "School SIS ID", "school", findings
    )
    term = frame["Term Name"].mask(frame["Term Name"].str.strip() == "", frame["Term SIS ID"])
    with_course = frame["Course SIS ID"].str.strip() != ""
    courses = with_course & ~frame["Course SIS ID"].duplicated()
    columns = {
        "Course ID": frame["Course SIS ID"],
        "Title": frame["Course Name"],
        "External course code": frame["Course Number"],
        "School": school_names,
        "Status": "active",
    }
    data.tabs["Courses"] = TabData(tab_frame(section, courses, columns))
    teachers = first_teachers(roster.frame["Section SIS ID"], roster.frame["SIS ID"])
    columns = {
        "Class ID": frame["SIS ID"],
        "Title": frame["Section Name"],
        "Course ID": frame["Course SIS ID"],
        "School": school_names,
        "Term": term,
        "Teacher ID": look_up(frame["SIS ID"], teachers),
        "Status": sds_status(frame["Status"]),
    }
    _optional(section, columns, {"Status": "Status"})
    data.tabs["Classes"] = TabData(tab_frame(section, pd.Series(True, index=frame.index), columns))

    frame = enrollment.frame
    columns = {
        "Enrollment ID": frame["Section SIS ID"] + "-" + frame["SIS ID"],
        "Student ID": frame["SIS ID"],
        "Class ID": frame["Section SIS ID"],
        "Status": "active",
    }
    every = pd.Series(True, index=frame.index)
    data.tabs["Enrollments"] = TabData(tab_frame(enrollment, every, columns))
    return data
