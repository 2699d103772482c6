"""Edgenuity Courseware's API (designed from its mid-year procedure, seed 000;
``docs/lms-api/edgenuity.md``): the bot's operations and reads mapped onto it."""

from __future__ import annotations

from typing import Any

from bot.lms.http.designed import (
    STUDENT_FIELDS,
    BulkWrite,
    DesignedApi,
    SingleWrite,
    json_param,
    no_body,
)
from bot.lms.http.limits import Limit
from bot.structures import Operation


def _calendar(op: Operation) -> dict[str, Any]:
    return {
        "week": op.params.get("week") or "5-day",
        "closed": json_param("closed")(op),
        "open": json_param("open")(op),
    }


API = DesignedApi(
    system="Edgenuity",
    slug="edgenuity",
    batch=200,
    limit=Limit(20, 1),
    collections={
        "students": "/v1/students",
        "educators": "/v1/educators",
        "courses": "/v1/courses",
        "classes": "/v1/classes",
        "enrollments": "/v1/enrollments",
    },
    writes={
        "archive students": BulkWrite("/v1/students:archive"),
        "promote grades": BulkWrite("/v1/students:promote", repeatable=False),
        "create students": BulkWrite(
            "/v1/students", STUDENT_FIELDS, ("first_name", "last_name"), repeatable=False
        ),
        "change home school": BulkWrite("/v1/students:changeHomeSchool", ("school",), ("school",)),
        "complete enrollments": BulkWrite("/v1/enrollments:complete"),
        "disable enrollments": BulkWrite("/v1/enrollments:disable"),
        "set enrollment dates": BulkWrite(
            "/v1/enrollments:setDates", ("start_date", "target_date")
        ),
        "update course version": BulkWrite("/v1/courses:updateVersion", ("version",), ("version",)),
        "remove external course code": BulkWrite("/v1/courses:removeExternalCode"),
        "archive courses": BulkWrite("/v1/courses:archive"),
        "remove custom courses": BulkWrite("/v1/courses:remove"),
        "archive educators": BulkWrite("/v1/educators:archive"),
        "reset permissions": BulkWrite("/v1/educators:resetPermissions"),
        "pause imports": SingleWrite("POST", "/v1/imports:pause", no_body),
        "resume imports": SingleWrite("POST", "/v1/imports:resume", no_body),
        "run import": SingleWrite("POST", "/v1/imports:run", no_body),
        "set district calendar": SingleWrite("PUT", "/v1/calendar", _calendar),
    },
)
