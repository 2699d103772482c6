"""Which format column fills which workbook column, and reading any bundle into tabs.

OneRoster 1.1 / 1.2 (1.2 keeps roles in roles.csv: the primary role's role and org count)

=========================  =============================================================
Workbook column            OneRoster
=========================  =============================================================
Students.Student ID        users.sourcedId of users whose role is student
Students.First name        users.givenName
Students.Last name         users.familyName
Students.Grade             users.grades, first entry: 09 -> 9, KG -> 0, PK -> -1
Students.School            users.orgSourcedIds (first) -> orgs.name
Students.Status            users.status / enabledUser (see below)
Students.Graduation year   users.metadata.rollover.graduationYear (our own export)
Students.Birth date        demographics.birthDate (same sourcedId)
Students.Email             users.email
Educators.Educator ID      users.sourcedId of staff roles (teacher, administrator, aide...)
Educators.Name             users.givenName + " " + users.familyName
Educators.Role             users.role (1.2: roles.role)
Educators.School, Status   as for students; Email: users.email
Courses.Course ID          courses.sourcedId
Courses.Title              courses.title
Courses.External c. code   courses.courseCode
Courses.School             courses.orgSourcedId -> orgs.name
Classes.Class ID           classes.sourcedId
Classes.Title              classes.title
Classes.Course ID          classes.courseSourcedId
Classes.School             classes.schoolSourcedId -> orgs.name
Classes.Term               classes.termSourcedIds -> academicSessions.title, "; "-joined
Classes.Teacher ID         enrollments: the class's primary (else first) teacher
Enrollments.Enrollment ID  enrollments.sourcedId of role student rows
Enrollments.Student ID     enrollments.userSourcedId
Enrollments.Class ID       enrollments.classSourcedId
Enrollments.Start date     enrollments.beginDate
Enrollments.Target date    enrollments.endDate
(every tab).Status         status (see below)
=========================  =============================================================

SDS (v1) and SDS v2.1 (no status columns: every row of the bundle is ``active``)

=========================  ==============================  ==============================
Workbook column            SDS (v1)                        SDS v2.1
=========================  ==============================  ==============================
Students.Student ID        Student: SIS ID                 users.sourcedId, student role
Students.First / Last      First Name / Last Name          givenName / familyName
Students.Grade             Grade (09 -> 9, K -> 0)         roles.grade (same rule)
Students.School            School SIS ID -> School: Name   roles.orgSourcedId -> orgs.name
Students.Status            Status, lower case              active
Students.Graduation year   Graduation Year                 --
Students.Birth date        Birthdate (M/D/YYYY -> ISO)     demographics.birthDate
Students.Email             --                              email
Educators.Educator ID      Teacher: SIS ID                 users.sourcedId, staff role
Educators.Name             First Name + " " + Last Name    givenName + " " + familyName
Educators.Role             teacher                         roles.role
Educators.School           School SIS ID -> Name           roles.orgSourcedId -> name
Courses.Course ID          Section: Course SIS ID          courses.sourcedId
Courses.Title              Course Name                     title
Courses.External c. code   Course Number                   code
Courses.School             School SIS ID -> Name           orgSourcedId -> name
Classes.Class ID           Section: SIS ID                 classes.sourcedId
Classes.Title              Section Name                    title
Classes.Course ID          Course SIS ID                   courseSourcedId
Classes.School             School SIS ID -> Name           orgSourcedId -> name
Classes.Term               Term Name (else Term SIS ID)    sessionSourcedIds -> titles
Classes.Teacher ID         TeacherRoster: first teacher    enrollments: first teacher
Enrollments.Enrollment ID  "<Section SIS ID>-<SIS ID>"     "<class>-<user>"
Enrollments.Student ID     StudentEnrollment: SIS ID       userSourcedId (role student)
Enrollments.Class ID       Section SIS ID                  classSourcedId
=========================  ==============================  ==============================

Status from OneRoster: ``tobedeleted`` stays ``tobedeleted``, the legacy ``inactive`` and
``enabledUser = false`` give ``inactive``, anything else (``active``, or blank as bulk files
leave it) gives ``active``. Our own export carries workbook statuses OneRoster has no word
for (graduated, withdrawn, ...) in ``metadata.rollover.status``, an educator Role that is
not a OneRoster role in ``metadata.rollover.role``, and every School exactly in
``metadata.rollover.school`` (where a file has that column it is the School, blank included:
a row without a School is exported under the district org); other ``metadata.*`` / ``ext_*``
columns are ignored. Grades the workbook cannot hold (``PS``, ``UG``, ``Other``) are left blank and
reported. Teacher enrollments do not become Enrollments rows: they give Classes their Teacher
ID. Parents, guardians and relatives are not roster rows. A workbook column a format has no
source for (``--``, and Select, Notes, Version, Last login, Progress, Earned credit) is never
written by an import: its values in the workbook stay as they are.
"""

from __future__ import annotations

from bot.roster import oneroster, sds, sds21
from bot.roster.bundle import ONEROSTER_11, ONEROSTER_12, SDS_V1, Bundle, detect_format
from bot.roster.errors import Findings
from bot.roster.frames import RosterData


def read_bundle(bundle: Bundle, findings: Findings) -> RosterData:
    """The bundle's rows per roster tab, whatever its format; refuses it on any error."""
    kind = detect_format(bundle)
    if kind in (ONEROSTER_11, ONEROSTER_12):
        data = oneroster.parse(bundle, kind, findings)
    elif kind == SDS_V1:
        data = sds.parse(bundle, findings)
    else:
        data = sds21.parse(bundle, findings)
    findings.raise_if_errors(bundle.source)
    return data
