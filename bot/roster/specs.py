"""The files of each format and their header names, spelled as the specifications fix them.

OneRoster 1.1 / 1.2 CSV binding (1EdTech), Microsoft School Data Sync v1 CSV and SDS v2.1 CSV.
Only the files the roster tabs use are listed; other files of a bundle are left alone.
"""

from __future__ import annotations

from bot.roster.csvfile import FileSpec

STAMP = ("dateLastModified",)

OR_ORGS = FileSpec(
    "orgs.csv",
    required=("sourcedId", "name", "type"),
    optional=("status", "dateLastModified", "identifier", "parentSourcedId"),
    nonblank=("sourcedId",),
    datetimes=STAMP,
)
OR_SESSIONS = FileSpec(
    "academicSessions.csv",
    required=("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
    optional=("status", "dateLastModified", "parentSourcedId"),
    nonblank=("sourcedId",),
    dates=("startDate", "endDate"),
    datetimes=STAMP,
)
OR_COURSES = FileSpec(
    "courses.csv",
    required=("sourcedId", "title", "orgSourcedId"),
    optional=(
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "courseCode",
        "grades",
        "subjects",
        "subjectCodes",
        "resourceSourcedIds",
    ),
    nonblank=("sourcedId",),
    datetimes=STAMP,
)
OR_CLASSES = FileSpec(
    "classes.csv",
    required=(
        "sourcedId",
        "title",
        "courseSourcedId",
        "classType",
        "schoolSourcedId",
        "termSourcedIds",
    ),
    optional=(
        "status",
        "dateLastModified",
        "grades",
        "classCode",
        "location",
        "subjects",
        "subjectCodes",
        "periods",
        "resourceSourcedIds",
    ),
    nonblank=("sourcedId",),
    datetimes=STAMP,
)
OR_ENROLLMENTS = FileSpec(
    "enrollments.csv",
    required=("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
    optional=("status", "dateLastModified", "primary", "beginDate", "endDate"),
    nonblank=("sourcedId", "classSourcedId", "userSourcedId", "role"),
    dates=("beginDate", "endDate"),
    datetimes=STAMP,
)
OR_DEMOGRAPHICS = FileSpec(
    "demographics.csv",
    required=("sourcedId",),
    optional=(
        "status",
        "dateLastModified",
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ),
    nonblank=("sourcedId",),
    dates=("birthDate",),
    datetimes=STAMP,
)
USER_COMMON = (
    "status",
    "dateLastModified",
    "username",
    "userIds",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
)
OR11_USERS = FileSpec(
    "users.csv",
    required=("sourcedId", "enabledUser", "orgSourcedIds", "role", "givenName", "familyName"),
    optional=USER_COMMON,
    nonblank=("sourcedId", "role"),
    datetimes=STAMP,
)
OR12_USERS = FileSpec(
    "users.csv",
    required=("sourcedId", "enabledUser", "givenName", "familyName"),
    optional=(
        *USER_COMMON,
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
    nonblank=("sourcedId",),
    datetimes=STAMP,
)
OR12_ROLES = FileSpec(
    "roles.csv",
    required=("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
    optional=("status", "dateLastModified", "beginDate", "endDate", "userProfileSourcedId"),
    nonblank=("sourcedId", "userSourcedId", "role"),
    dates=("beginDate", "endDate"),
    datetimes=STAMP,
)
MANIFEST = FileSpec("manifest.csv", required=("propertyName", "value"), key=("propertyName",))

SDS_SCHOOL = FileSpec(
    "School.csv",
    required=("SIS ID", "Name"),
    optional=(
        "School Number",
        "School NCES_ID",
        "State ID",
        "Grade Low",
        "Grade High",
        "Principal SIS ID",
        "Principal Name",
        "Principal Secondary Email",
        "Address",
        "City",
        "State",
        "Country",
        "Zip",
        "Phone",
        "Zone",
    ),
    nonblank=("SIS ID",),
    key=("SIS ID",),
)
SDS_SECTION = FileSpec(
    "Section.csv",
    required=("SIS ID", "School SIS ID", "Section Name"),
    optional=(
        "Section Number",
        "Term SIS ID",
        "Term Name",
        "Term StartDate",
        "Term EndDate",
        "Course SIS ID",
        "Course Name",
        "Course Number",
        "Course Description",
        "Course Subject",
        "Periods",
        "Status",
    ),
    nonblank=("SIS ID",),
    dates=("Term StartDate", "Term EndDate"),
    key=("SIS ID",),
    us_dates=True,
)
SDS_PERSON = (
    "Password",
    "First Name",
    "Last Name",
    "Middle Name",
    "Secondary Email",
    "State ID",
    "Status",
)
SDS_STUDENT = FileSpec(
    "Student.csv",
    required=("SIS ID", "School SIS ID", "Username"),
    optional=(
        *SDS_PERSON,
        "Student Number",
        "Grade",
        "Birthdate",
        "Graduation Year",
        "Gender",
        "ELL Status",
        "FederalRace",
        "Mailing Address",
        "Mailing City",
        "Mailing State",
        "Mailing Zip",
        "Mailing Latitude",
        "Mailing Longitude",
        "Mailing Country",
        "Residence Address",
        "Residence City",
        "Residence State",
        "Residence Zip",
        "Residence Latitude",
        "Residence Longitude",
        "Residence Country",
    ),
    nonblank=("SIS ID",),
    dates=("Birthdate",),
    key=("SIS ID",),
    us_dates=True,
)
SDS_TEACHER = FileSpec(
    "Teacher.csv",
    required=("SIS ID", "School SIS ID", "Username"),
    optional=(*SDS_PERSON, "Teacher Number", "Title", "Qualification"),
    nonblank=("SIS ID",),
    key=("SIS ID",),
)
SDS_STUDENT_ENROLLMENT = FileSpec(
    "StudentEnrollment.csv",
    required=("Section SIS ID", "SIS ID"),
    nonblank=("Section SIS ID", "SIS ID"),
    key=("Section SIS ID", "SIS ID"),
)
SDS_TEACHER_ROSTER = FileSpec(
    "TeacherRoster.csv",
    required=("Section SIS ID", "SIS ID"),
    nonblank=("Section SIS ID", "SIS ID"),
    key=("Section SIS ID", "SIS ID"),
)

V21_ORGS = FileSpec(
    "orgs.csv",
    required=("sourcedId", "name", "type"),
    optional=("parentSourcedId",),
    nonblank=("sourcedId",),
)
V21_USERS = FileSpec(
    "users.csv",
    required=("sourcedId", "username"),
    optional=(
        "givenName",
        "familyName",
        "middleName",
        "password",
        "activeDirectoryMatchId",
        "email",
        "phone",
        "sms",
        "preferredGivenName",
        "preferredFamilyName",
        "preferredMiddleName",
    ),
    nonblank=("sourcedId",),
)
V21_ROLES = FileSpec(
    "roles.csv",
    required=("userSourcedId", "orgSourcedId", "role"),
    optional=("sessionSourcedId", "grade", "isPrimary", "roleStartDate", "roleEndDate"),
    nonblank=("userSourcedId", "role"),
    dates=("roleStartDate", "roleEndDate"),
    key=(),
)
V21_CLASSES = FileSpec(
    "classes.csv",
    required=("sourcedId", "orgSourcedId", "title"),
    optional=("sessionSourcedIds", "courseSourcedId", "code", "subject", "periods", "location"),
    nonblank=("sourcedId",),
)
V21_COURSES = FileSpec(
    "courses.csv",
    required=("sourcedId", "title"),
    optional=("orgSourcedId", "code", "schoolYearSourcedId", "subject", "grade"),
    nonblank=("sourcedId",),
)
V21_ENROLLMENTS = FileSpec(
    "enrollments.csv",
    required=("classSourcedId", "userSourcedId", "role"),
    nonblank=("classSourcedId", "userSourcedId", "role"),
    key=("classSourcedId", "userSourcedId"),
)
V21_SESSIONS = FileSpec(
    "academicSessions.csv",
    required=("sourcedId", "title", "type", "schoolYear", "startDate", "endDate"),
    optional=("parentSourcedId",),
    nonblank=("sourcedId",),
    dates=("startDate", "endDate"),
)
V21_DEMOGRAPHICS = FileSpec(
    "demographics.csv",
    required=("userSourcedId",),
    optional=(
        "sex",
        "birthDate",
        "birthCity",
        "birthState",
        "birthCountry",
        "ethnicityCodes",
        "raceCodes",
    ),
    nonblank=("userSourcedId",),
    dates=("birthDate",),
    key=("userSourcedId",),
)
