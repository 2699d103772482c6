"""Twig Science's API (designed from its end-of-year rostering guide, seed 002;
``docs/lms-api/twig.md``): the bot's operations and reads mapped onto it."""

from __future__ import annotations

from bot.lms.http.designed import (
    STUDENT_FIELDS,
    BulkWrite,
    DesignedApi,
    SingleWrite,
    no_body,
    params_body,
)
from bot.lms.http.limits import Limit

PERSON = ("first_name", "last_name")

API = DesignedApi(
    system="Twig Science",
    slug="twig",
    batch=100,
    limit=Limit(10, 1),
    collections={
        "students": "/v1/students",
        "educators": "/v1/teachers",
        "classes": "/v1/classes",
        "enrollments": "/v1/enrollments",
        "assignments": "/v1/assignments",
    },
    writes={
        # The same person again is "already rostered; updated": a repeat changes nothing.
        "create students": BulkWrite("/v1/students", STUDENT_FIELDS, PERSON),
        "import summer school roster": BulkWrite(
            "/v1/students:importSummerRoster", STUDENT_FIELDS, PERSON
        ),
        "archive previous year": BulkWrite("/v1/classes:archive"),
        "pause rostering": SingleWrite(
            "POST", "/v1/rostering:pause", params_body("rollover_date", "pause_date")
        ),
        "resume rostering": SingleWrite("POST", "/v1/rostering:resume", no_body),
    },
)
