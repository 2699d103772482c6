"""JSON records of a OneRoster API as CSV rows, including the forms the binding leaves open
(README: where the specifications are silent), and the time arguments of a delta pull."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from bot.roster.rest import fields
from bot.roster.rest.errors import Malformed, OneRosterError
from bot.roster.rest.http import retry_after
from bot.roster.rest.pulls import parse_since
from bot.roster.rest.records import role_rows, to_csv, to_row

USERS_11 = fields.collection("1.1", "users").fields
ENROLLMENTS = fields.collection("1.1", "enrollments").fields


def test_a_user_as_the_csv_binding_writes_it() -> None:
    user = {
        "sourcedId": "604863",
        "status": "active",
        "dateLastModified": "2026-11-02T08:00:00.000Z",
        "enabledUser": True,
        "orgs": [{"href": "https://x/orgs/1", "sourcedId": "1", "type": "org"}, "2"],
        "role": "student",
        "userIds": [{"type": "Local", "identifier": "863"}, {"type": "Fed", "identifier": "9"}],
        "givenName": "Mary",
        "familyName": "Archer",
        "grades": ["09", "10"],
        "identifier": 863,
        "metadata": {"rollover": {"status": "graduated"}, "house": "Red", "tags": ["a", "b"]},
    }
    row = to_row(user, USERS_11, "users record 1")
    assert row["enabledUser"] == "true"
    assert row["orgSourcedIds"] == "1,2"
    assert row["userIds"] == "{Local:863},{Fed:9}"
    assert row["grades"] == "09,10"
    assert row["identifier"] == "863"
    assert (row["middleName"], row["agentSourcedIds"]) == ("", "")
    assert row["metadata.rollover.status"] == "graduated"
    assert (row["metadata.house"], row["metadata.tags"]) == ("Red", "a,b")
    text = to_csv([row], USERS_11).decode()
    assert text.splitlines()[0].endswith(
        "password,metadata.rollover.status,metadata.house,metadata.tags"
    )


def test_dates_given_as_date_times_keep_their_date() -> None:
    enrollment = {
        "sourcedId": "E1",
        "user": {"sourcedId": "604863"},
        "class": "K1",
        "primary": "TRUE",
        "beginDate": "2020-08-17T00:00:00.000Z",
        "endDate": "2020-12-18",
    }
    row = to_row(enrollment, ENROLLMENTS, "enrollments record 1")
    assert (row["beginDate"], row["endDate"]) == ("2020-08-17", "2020-12-18")
    assert (row["userSourcedId"], row["classSourcedId"], row["primary"]) == ("604863", "K1", "true")


def test_roles_of_a_1_2_user_become_roles_csv_rows() -> None:
    user = {
        "sourcedId": "u1",
        "roles": [
            {"roleType": "primary", "role": "teacher", "org": {"sourcedId": "s1"}},
            {"roleType": "secondary", "role": "aide", "org": {"sourcedId": "s2"}},
        ],
    }
    rows = role_rows(user, "users record 1")
    assert [(r["sourcedId"], r["userSourcedId"], r["role"], r["orgSourcedId"]) for r in rows] == [
        ("u1/roles/1", "u1", "teacher", "s1"),
        ("u1/roles/2", "u1", "aide", "s2"),
    ]


@pytest.mark.parametrize(
    ("record", "said"),
    [
        ({"sourcedId": "u1", "givenName": {"first": "Mary"}}, "givenName is dict"),
        ({"sourcedId": "u1", "orgs": [{"type": "org"}]}, "a reference without a sourcedId"),
        ({"sourcedId": "u1", "metadata": "house=Red"}, "metadata is str, not an object"),
    ],
)
def test_a_record_of_the_wrong_shape_is_malformed(record: dict[str, object], said: str) -> None:
    with pytest.raises(Malformed, match=said):
        to_row(record, USERS_11, "users record 1")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-11-01", "2026-11-01T05:00:00Z"),
        ("2026-01-15", "2026-01-15T06:00:00Z"),
        ("2026-11-01T08:30:00", "2026-11-01T14:30:00Z"),  # CST from 2 a.m.
        ("2026-11-01T08:30:00Z", "2026-11-01T08:30:00Z"),
        ("2026-11-01T08:30:00+01:00", "2026-11-01T07:30:00Z"),
    ],
)
def test_since_is_read_in_the_district_time_zone(given: str, expected: str) -> None:
    assert parse_since(given, "America/Chicago") == expected


def test_a_since_that_is_no_time_is_refused() -> None:
    with pytest.raises(OneRosterError, match="--since '11/01/2026': expected a date"):
        parse_since("11/01/2026", "America/Chicago")


def _answer(value: str) -> requests.Response:
    response = requests.Response()
    response.headers["Retry-After"] = value
    return response


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert retry_after(_answer("7"), now) == 7.0
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after(_answer(later), now) == 90.0
    assert retry_after(_answer("soon"), now) is None
    assert retry_after(requests.Response(), now) is None
