"""The OneRoster 1.2 Rostering Service REST/JSON binding's record shapes, as JSON Schema.

Written from the binding's data types (1EdTech, OneRoster v1p2 Rostering Service OpenAPI):
each type's required properties, its closed set of properties (additionalProperties: false),
the enumerations, and GUIDRef ``{href, sourcedId, type}``. Formats (uri, date) are not checked.
"""

from __future__ import annotations

from typing import Any

STATUS = {"type": "string", "enum": ["active", "tobedeleted"]}
TEXT = {"type": "string"}
TEXTS = {"type": "array", "items": TEXT}
TRUE_FALSE = {"type": "string", "enum": ["true", "false"]}
METADATA = {"type": "object"}


def ref(kind: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"href": TEXT, "sourcedId": TEXT, "type": {"enum": [kind]}},
        "required": ["href", "sourcedId", "type"],
        "additionalProperties": False,
    }


def refs(kind: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(kind)}


def record(required: list[str], **properties: Any) -> dict[str, Any]:
    common = {"sourcedId": TEXT, "status": STATUS, "dateLastModified": TEXT, "metadata": METADATA}
    return {
        "type": "object",
        "properties": {**common, **properties},
        "required": ["sourcedId", "status", "dateLastModified", *required],
        "additionalProperties": False,
    }


ROLE = {
    "type": "object",
    "properties": {
        "roleType": {"enum": ["primary", "secondary"]},
        "role": TEXT,
        "org": ref("org"),
        "userProfile": TEXT,
        "beginDate": TEXT,
        "endDate": TEXT,
    },
    "required": ["roleType", "role", "org"],
    "additionalProperties": False,
}
USER_ID = {
    "type": "object",
    "properties": {"type": TEXT, "identifier": TEXT},
    "required": ["type", "identifier"],
    "additionalProperties": False,
}

V12 = {
    "orgs": record(
        ["name", "type", "identifier"],
        name=TEXT,
        type=TEXT,
        identifier=TEXT,
        parent=ref("org"),
        children=refs("org"),
    ),
    "academicSessions": record(
        ["title", "startDate", "endDate", "type", "schoolYear"],
        title=TEXT,
        startDate=TEXT,
        endDate=TEXT,
        type=TEXT,
        parent=ref("academicSession"),
        children=refs("academicSession"),
        schoolYear=TEXT,
    ),
    "courses": record(
        ["title", "courseCode"],
        title=TEXT,
        schoolYear=ref("academicSession"),
        courseCode=TEXT,
        grades=TEXTS,
        subjects=TEXTS,
        org=ref("org"),
        subjectCodes=TEXTS,
        resources=refs("resource"),
    ),
    "classes": record(
        ["title", "course", "school", "terms"],
        title=TEXT,
        classCode=TEXT,
        classType=TEXT,
        location=TEXT,
        grades=TEXTS,
        subjects=TEXTS,
        course=ref("course"),
        school=ref("org"),
        terms={**refs("academicSession"), "minItems": 1},
        subjectCodes=TEXTS,
        periods=TEXTS,
        resources=refs("resource"),
    ),
    "users": record(
        ["enabledUser", "givenName", "familyName", "roles"],
        userMasterIdentifier=TEXT,
        username=TEXT,
        userIds={"type": "array", "items": USER_ID},
        enabledUser=TRUE_FALSE,
        givenName=TEXT,
        familyName=TEXT,
        middleName=TEXT,
        preferredFirstName=TEXT,
        preferredMiddleName=TEXT,
        preferredLastName=TEXT,
        pronouns=TEXT,
        roles={"type": "array", "items": ROLE, "minItems": 1},
        userProfiles={"type": "array"},
        primaryOrg=ref("org"),
        identifier=TEXT,
        email=TEXT,
        sms=TEXT,
        phone=TEXT,
        agents=refs("user"),
        grades=TEXTS,
        password=TEXT,
        resources=refs("resource"),
    ),
    "enrollments": record(
        ["user", "class", "school", "role"],
        user=ref("user"),
        **{"class": ref("class")},
        school=ref("org"),
        role=TEXT,
        primary=TRUE_FALSE,
        beginDate=TEXT,
        endDate=TEXT,
    ),
    "demographics": record(
        [],
        birthDate=TEXT,
        sex=TEXT,
        americanIndianOrAlaskaNative=TRUE_FALSE,
        asian=TRUE_FALSE,
        blackOrAfricanAmerican=TRUE_FALSE,
        nativeHawaiianOrOtherPacificIslander=TRUE_FALSE,
        white=TRUE_FALSE,
        demographicRaceTwoOrMoreRaces=TRUE_FALSE,
        hispanicOrLatinoEthnicity=TRUE_FALSE,
        countryOfBirthCode=TEXT,
        stateOfBirthAbbreviation=TEXT,
        cityOfBirth=TEXT,
        publicSchoolResidenceStatus=TEXT,
    ),
}

MINOR_CODES = [
    "fullsuccess",
    "invalid_filter_field",
    "invalid_selection_field",
    "invaliddata",
    "unauthorisedrequest",
    "forbidden",
    "server_busy",
    "unknownobject",
    "internal_server_error",
]


def status_info(minor_key: str) -> dict[str, Any]:
    """imsx_StatusInfoDType (1.2 spells the minor container ``imsx_CodeMinor``, 1.1
    ``imsx_codeMinor``)."""
    field = {
        "type": "object",
        "properties": {
            "imsx_codeMinorFieldName": TEXT,
            "imsx_codeMinorFieldValue": {"enum": MINOR_CODES},
        },
        "required": ["imsx_codeMinorFieldName", "imsx_codeMinorFieldValue"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "imsx_codeMajor": {"enum": ["success", "processing", "failure", "unsupported"]},
            "imsx_severity": {"enum": ["status", "warning", "error"]},
            "imsx_description": TEXT,
            minor_key: {
                "type": "object",
                "properties": {"imsx_codeMinorField": {"type": "array", "items": field}},
                "required": ["imsx_codeMinorField"],
            },
        },
        "required": ["imsx_codeMajor", "imsx_severity"],
        "additionalProperties": False,
    }
