"""Which JSON field of a OneRoster REST record is which column of the CSV binding.

The REST binding (1EdTech OneRoster 1.1, and the 1.2 Rostering Service REST/JSON binding) and
the CSV binding name most fields alike; where they differ the REST one nests: a reference to
another record is a GUIDRef object ``{"href", "sourcedId", "type"}`` (``org`` for the CSV's
``orgSourcedId``), a list is a JSON array (the CSV joins it with commas), ``userIds`` are
``{"type", "identifier"}`` objects (the CSV writes ``{type:identifier}``), and extensions sit in
the ``metadata`` object (the CSV's ``metadata.<name>`` columns). 1.2 keeps a user's roles in the
user record (``roles``), which the CSV binding puts in roles.csv, and names the preferred names
``preferredFirstName`` / ``preferredLastName`` (CSV: ``preferredGivenName`` /
``preferredFamilyName``).
"""

from __future__ import annotations

from dataclasses import dataclass

V11 = "1.1"
V12 = "1.2"
VERSIONS = (V11, V12)

TEXT = "text"
DATE = "date"
BOOL = "bool"
LIST = "list"
REF = "ref"
REFS = "refs"
USER_IDS = "userIds"


@dataclass(frozen=True)
class Field:
    """One CSV column, the JSON key it comes from, the kind of value there, and for a
    reference the type of record it points to (a GUIDRef's ``type``)."""

    column: str
    key: str
    kind: str = TEXT
    target: str = ""


def _same(*names: str, kind: str = TEXT) -> tuple[Field, ...]:
    return tuple(Field(name, name, kind) for name in names)


COMMON = _same("sourcedId", "status", "dateLastModified")
ORGS = (
    *COMMON,
    *_same("name", "type", "identifier"),
    Field("parentSourcedId", "parent", REF, "org"),
)
SESSIONS = (
    *COMMON,
    *_same("title", "type"),
    *_same("startDate", "endDate", kind=DATE),
    Field("parentSourcedId", "parent", REF, "academicSession"),
    *_same("schoolYear"),
)
COURSES = (
    *COMMON,
    Field("schoolYearSourcedId", "schoolYear", REF, "academicSession"),
    *_same("title", "courseCode"),
    Field("grades", "grades", LIST),
    Field("orgSourcedId", "org", REF, "org"),
    *_same("subjects", "subjectCodes", kind=LIST),
    Field("resourceSourcedIds", "resources", REFS, "resource"),
)
CLASSES = (
    *COMMON,
    *_same("title"),
    Field("grades", "grades", LIST),
    Field("courseSourcedId", "course", REF, "course"),
    *_same("classCode", "classType", "location"),
    Field("schoolSourcedId", "school", REF, "org"),
    Field("termSourcedIds", "terms", REFS, "academicSession"),
    *_same("subjects", "subjectCodes", "periods", kind=LIST),
    Field("resourceSourcedIds", "resources", REFS, "resource"),
)
ENROLLMENTS = (
    *COMMON,
    Field("classSourcedId", "class", REF, "class"),
    Field("schoolSourcedId", "school", REF, "org"),
    Field("userSourcedId", "user", REF, "user"),
    *_same("role"),
    Field("primary", "primary", BOOL),
    *_same("beginDate", "endDate", kind=DATE),
)
RACES = (
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
)
DEMOGRAPHICS = (
    *COMMON,
    Field("birthDate", "birthDate", DATE),
    *_same("sex"),
    *_same(*RACES, kind=BOOL),
    *_same("countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth"),
    *_same("publicSchoolResidenceStatus"),
)
_PERSON = (
    *_same("username"),
    Field("userIds", "userIds", USER_IDS),
    *_same("givenName", "familyName", "middleName", "identifier", "email", "sms", "phone"),
    Field("agentSourcedIds", "agents", REFS, "user"),
    Field("grades", "grades", LIST),
    *_same("password"),
)
USERS_11 = (
    *COMMON,
    Field("enabledUser", "enabledUser", BOOL),
    Field("orgSourcedIds", "orgs", REFS, "org"),
    *_same("role"),
    *_PERSON,
)
USERS_12 = (
    *COMMON,
    Field("enabledUser", "enabledUser", BOOL),
    *_PERSON,
    *_same("userMasterIdentifier"),
    Field("resourceSourcedIds", "resources", REFS, "resource"),
    Field("preferredGivenName", "preferredFirstName"),
    *_same("preferredMiddleName"),
    Field("preferredFamilyName", "preferredLastName"),
    Field("primaryOrgSourcedId", "primaryOrg", REF, "org"),
    *_same("pronouns"),
)
ROLES_12 = (
    *_same("roleType", "role"),
    Field("orgSourcedId", "org", REF, "org"),
    *_same("beginDate", "endDate", kind=DATE),
    Field("userProfileSourcedId", "userProfile"),
)
"""A 1.2 user's ``roles`` entries; roles.csv adds sourcedId, status, dateLastModified and
userSourcedId (see ``records``)."""
ROLES_CSV = ("sourcedId", "status", "dateLastModified", "userSourcedId")


@dataclass(frozen=True)
class Collection:
    """A collection of the rostering service: its path (``users``), the JSON key of a page of
    it and of one record of it, and its CSV file."""

    name: str
    single: str
    fields: tuple[Field, ...]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


def collections(version: str) -> tuple[Collection, ...]:
    """The collections a roster pull reads, in the order it reads them."""
    users = USERS_12 if version == V12 else USERS_11
    return (
        Collection("orgs", "org", ORGS),
        Collection("academicSessions", "academicSession", SESSIONS),
        Collection("courses", "course", COURSES),
        Collection("classes", "class", CLASSES),
        Collection("users", "user", users),
        Collection("enrollments", "enrollment", ENROLLMENTS),
        Collection("demographics", "demographics", DEMOGRAPHICS),
    )


def collection(version: str, name: str) -> Collection:
    return next(c for c in collections(version) if c.name == name)


HREF_PATHS = {
    "org": "orgs",
    "academicSession": "academicSessions",
    "course": "courses",
    "class": "classes",
    "user": "users",
    "resource": "resources",
}
"""Where a GUIDRef's ``href`` points, by its ``type``."""
