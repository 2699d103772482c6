"""Fidelity of the fake Schoology against Schoology's own documentation.

Schoology publishes no recorded traffic, but its REST API v1 pages show example answers. Each
one the bot relies on is a fixture in ``schoology_examples/`` (the README names the pages);
each is asked of the fake, over signed requests, and the fake's answer is compared with the
example: the same keys, recursively (each list item against the example's first), and the same
JSON type for each value. Where the fake departs from an example on purpose, ``EXTRA`` (keys
the fake adds) and ``LOOSE`` (values whose type the documentation's own examples disagree on)
say where and why; ``docs/lms-api/schoology.md`` lists the same.

Then the documented limits, status codes and error shapes, under OAuth: start/limit paging
(at most 200 a page), at most 50 records a bulk write, 50 values a filter, 50 GETs a multiget,
429 with Retry-After, 401 for a request that is not signed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.lms.mock.store import MockStore
from bot.testing.fake_schoology import FakeSchoologyServer
from tests.fakes.schoology_fixtures import KEY, SECRET, Signed, lms_store, schoology

__all__ = ["lms_store", "schoology"]
EXAMPLES = Path(__file__).parent / "schoology_examples"
STUDENT = 1

EXTRA: dict[str, dict[str, str]] = {
    "users_list": {
        "$.user[].birthday_date": "a documented user field (the Fields table) the example omits",
    },
    "user_get": {"$.birthday_date": "a documented user field the example omits"},
    "user_create": {"$.birthday_date": "a documented user field the example omits"},
    "users_bulk_update": {},
    "school_get": {"$.links": "the fake links every object to itself, as Schoology's lists do"},
    "enrollment_get": {
        "$.links": "the examples link list items and a created enrollment, not a fetched one"
    },
    "section_get": {"$.links": "the examples link listed sections, not a fetched one"},
    "gradingperiods_list": {
        "$.gradingperiods[].school_id": "the district has several schools: which one it is"
    },
    "gradingperiod_get": {
        "$.school_id": "the district has several schools: which one it is",
        "$.links": "the examples link a listed and a created period, not a fetched one",
    },
    "gradingperiod_create": {"$.school_id": "the district has several schools: which one it is"},
}
LOOSE: dict[str, dict[str, str]] = {
    "gradingperiod_get": {"$.id": "a number in the list's example, text in this one"},
    "gradingperiod_create": {"$.id": "a number in the list's example, text in this one"},
    "enrollment_create": {"$.status": "text in the list's example, a number in this one"},
}


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def shape_diff(
    documented: Any, got: Any, extra: dict[str, str], loose: dict[str, str], path: str = "$"
) -> list[str]:
    """Where the fake's JSON differs in shape from the documented example."""
    if isinstance(documented, dict):
        if not isinstance(got, dict):
            return [f"{path}: the documentation shows an object, the fake {kind(got)}"]
        problems = [f"{path}.{k}: missing" for k in documented if k not in got]
        problems += [
            f"{path}.{k}: not in the documentation's example"
            for k in got
            if k not in documented and f"{path}.{k}" not in extra
        ]
        for key in documented.keys() & got.keys():
            problems += shape_diff(documented[key], got[key], extra, loose, f"{path}.{key}")
        return problems
    if isinstance(documented, list):
        if not isinstance(got, list):
            return [f"{path}: the documentation shows a list, the fake {kind(got)}"]
        if documented and not got:
            return [f"{path}: empty, so its items cannot be compared"]
        if not documented:
            return []
        problems = []
        for item in got:
            problems += shape_diff(documented[0], item, extra, loose, f"{path}[]")
        return sorted(set(problems))
    if path in loose or kind(documented) == kind(got):
        return []
    return [f"{path}: {kind(got)} {got!r}, the documentation shows {kind(documented)}"]


def uid(api: Signed, school_uid: str) -> int:
    users = api.get("/v1/users", params={"limit": 200}).json()["user"]
    return int(next(u["id"] for u in users if u["school_uid"] == school_uid))


def inactive_uid(api: Signed, school_uid: str) -> int:
    users = api.get("/v1/users/inactive").json()["user"]
    return int(next(u["uid"] for u in users if u["school_uid"] == school_uid))


def course_id(api: Signed) -> int:
    return int(api.get("/v1/courses").json()["course"][0]["id"])


def section_id(api: Signed) -> str:
    found = api.get("/v1/sections", params={"section_school_codes": "K1"}).json()
    return str(found["section"][0]["id"])


def enrollment_id(api: Signed) -> str:
    listed = api.get(f"/v1/sections/{section_id(api)}/enrollments").json()["enrollment"]
    return str(listed[0]["id"])


def school_id(api: Signed) -> str:
    return str(api.get("/v1/schools").json()["school"][0]["id"])


def period_id(api: Signed) -> int:
    return int(api.get("/v1/gradingperiods").json()["gradingperiods"][0]["id"])


def new_user(school_uid: str) -> dict[str, Any]:
    return {
        "school_uid": school_uid,
        "name_first": "Gia",
        "name_last": "Test",
        "primary_email": f"{school_uid.lower()}@example.org",
        "role_id": STUDENT,
    }


def reactivated(api: Signed) -> requests.Response:
    number = uid(api, "T2")
    assert api.delete(f"/v1/users/{number}").status_code == 204
    return api.put("/v1/users/reactivate", {"user": [{"uid": str(number)}]})


Ask = Callable[[Signed], requests.Response]
# example -> (how to ask the fake, the status it answers: 201 for a creation, as the
# documentation's Examples page says; 200 otherwise, a bulk write's records each with its own
# response_code)
ASKED: dict[str, tuple[Ask, int]] = {
    "users_list": (lambda api: api.get("/v1/users"), 200),
    "user_get": (lambda api: api.get(f"/v1/users/{uid(api, 'S1')}"), 200),
    "user_create": (lambda api: api.post("/v1/users", new_user("S7")), 201),
    "users_bulk_create": (
        lambda api: api.post("/v1/users", {"users": {"user": [new_user("S7"), new_user("S8")]}}),
        200,
    ),
    "users_bulk_update": (
        lambda api: api.put(
            "/v1/users", {"users": {"user": [{"id": str(uid(api, "S1")), "grad_year": "2031"}]}}
        ),
        200,
    ),
    "users_reactivate": (reactivated, 200),
    "users_inactive_list": (lambda api: api.get("/v1/users/inactive"), 200),
    "user_inactive_get": (
        lambda api: api.get(f"/v1/users/inactive/{inactive_uid(api, 'T3')}"),
        200,
    ),
    "roles_list": (lambda api: api.get("/v1/roles"), 200),
    "school_get": (lambda api: api.get(f"/v1/schools/{school_id(api)}"), 200),
    "courses_list": (lambda api: api.get("/v1/courses"), 200),
    "course_get": (lambda api: api.get(f"/v1/courses/{course_id(api)}"), 200),
    "course_create": (
        lambda api: api.post("/v1/courses", {"title": "Biology", "course_code": "C9"}),
        201,
    ),
    "sections_list": (
        lambda api: api.get(f"/v1/courses/{course_id(api)}/sections", params={"include_past": 1}),
        200,
    ),
    "section_get": (lambda api: api.get(f"/v1/sections/{section_id(api)}"), 200),
    "enrollments_list": (
        lambda api: api.get(f"/v1/sections/{section_id(api)}/enrollments"),
        200,
    ),
    "enrollment_get": (
        lambda api: api.get(f"/v1/sections/{section_id(api)}/enrollments/{enrollment_id(api)}"),
        200,
    ),
    "enrollment_create": (
        lambda api: api.post(
            f"/v1/sections/{section_id(api)}/enrollments",
            {"uid": str(uid(api, "S3")), "admin": "0", "status": "1"},
        ),
        201,
    ),
    "enrollments_bulk_create": (
        lambda api: api.post(
            f"/v1/sections/{section_id(api)}/enrollments",
            {
                "enrollments": {
                    "enrollment": [
                        {"uid": str(uid(api, "S3")), "admin": "0", "status": "1"},
                        {"uid": str(uid(api, "T2")), "admin": "1", "status": "1"},
                    ]
                }
            },
        ),
        200,
    ),
    "enrollments_bulk_update": (
        lambda api: api.put(
            f"/v1/sections/{section_id(api)}/enrollments",
            {"enrollments": {"enrollment": [{"id": enrollment_id(api), "status": "2"}]}},
        ),
        200,
    ),
    "gradingperiods_list": (lambda api: api.get("/v1/gradingperiods"), 200),
    "gradingperiod_get": (lambda api: api.get(f"/v1/gradingperiods/{period_id(api)}"), 200),
    "gradingperiod_create": (
        lambda api: api.post(
            "/v1/gradingperiods",
            {
                "title": "2027 S2",
                "start": "2027-01-05",
                "end": "2027-05-30",
                "school_id": school_id(api),
            },
        ),
        201,
    ),
}


def test_every_example_is_asked() -> None:
    assert sorted(ASKED) == sorted(p.stem for p in EXAMPLES.glob("*.json"))
    assert set(EXTRA) | set(LOOSE) <= set(ASKED)


@pytest.mark.parametrize("name", sorted(ASKED))
def test_the_fake_answers_as_the_documentation_shows(
    name: str, schoology: FakeSchoologyServer
) -> None:
    documented = example(name)
    ask, status = ASKED[name]
    answer = ask(Signed(schoology))
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    problems = shape_diff(
        documented["response"], answer.json(), EXTRA.get(name, {}), LOOSE.get(name, {})
    )
    assert problems == [], f"{documented['page']} ({documented['heading']})"


def test_a_single_update_answers_204_with_no_body(schoology: FakeSchoologyServer) -> None:
    """The Examples page, example 2: ``PUT users/5`` answers 204 and nothing else."""
    api = Signed(schoology)
    number = uid(api, "S1")
    for path, body in (
        (f"/v1/users/{number}", {"name_last": "Lopez-Ruiz"}),
        (f"/v1/courses/{course_id(api)}", {"title": "Algebra 1"}),
        (f"/v1/sections/{section_id(api)}/enrollments/{enrollment_id(api)}", {"status": "5"}),
    ):
        answer = api.put(path, body)
        assert (answer.status_code, answer.content) == (204, b""), path
    assert api.get(f"/v1/users/{number}").json()["name_last"] == "Lopez-Ruiz"


def test_the_shape_check_sees_a_missing_key_an_extra_key_and_a_wrong_type() -> None:
    documented = {"user": [{"uid": "1", "id": 1}], "total": "1"}
    got = {"user": [{"uid": 1, "name": "x"}], "total": "1"}
    assert shape_diff(documented, got, {}, {}) == [
        "$.user[].id: missing",
        "$.user[].name: not in the documentation's example",
        "$.user[].uid: number 1, the documentation shows text",
    ]


def add_students(store_path: Path, count: int) -> None:
    store = MockStore(store_path)
    with store.transaction():
        for n in range(count):
            store.put(
                "Schoology",
                "students",
                f"X{n:03}",
                "active",
                {"first_name": "X", "last_name": str(n), "school": "North High"},
            )
    store.close()


def test_start_and_limit_page_at_most_200_under_oauth(lms_store: Path) -> None:
    add_students(lms_store, 250)
    with FakeSchoologyServer(lms_store, KEY, SECRET, rate_limits=False) as fake:
        api = Signed(fake)
        first = api.get("/v1/users").json()
        assert len(first["user"]) == 20 and first["total"] == "255"
        assert first["links"]["next"] == f"{fake.url}/v1/users?start=20&limit=20"
        assert len(api.get("/v1/users", params={"limit": 500}).json()["user"]) == 200
        seen, url = [], f"{fake.url}/v1/users?start=0&limit=200"
        while url:
            page = api.http.get(url, timeout=10).json()
            seen += [u["id"] for u in page["user"]]
            url = page["links"].get("next", "")
        assert len(seen) == len(set(seen)) == 255
        bad = api.get("/v1/users", params={"limit": 0})
        assert bad.status_code == 400 and bad.json()["response_code"] == 400


def test_at_most_50_records_a_bulk_write_50_values_a_filter_50_gets_a_multiget(
    schoology: FakeSchoologyServer,
) -> None:
    api = Signed(schoology)
    fifty_one = [new_user(f"N{n}") for n in range(51)]
    refused = api.post("/v1/users", {"users": {"user": fifty_one}})
    assert refused.status_code == 400
    assert refused.json() == {
        "response_code": 400,
        "message": "at most 50 users per request; this one has 51",
    }
    assert api.get("/v1/users", params={"school_uids": "S1"}).json()["total"] == "1"
    assert api.post("/v1/users", {"users": {"user": fifty_one[:50]}}).status_code == 200
    many = api.get("/v1/users", params={"school_uids": ",".join(f"N{n}" for n in range(51))})
    assert many.status_code == 400 and "at most 50" in many.json()["message"]
    number = uid(api, "S1")
    gets = api.post("/v1/multiget", {"request": [f"/v1/users/{number}"] * 50}).json()
    assert [a["response_code"] for a in gets["response"]] == [200] * 50
    assert gets["response"][0]["location"] == f"{schoology.url}/v1/users/{number}"
    assert api.post("/v1/multiget", {"request": [f"/v1/users/{number}"] * 51}).status_code == 400
    section = section_id(api)
    enrolls = [{"uid": str(number), "status": "1"}] * 51
    too_many = api.post(
        f"/v1/sections/{section}/enrollments", {"enrollments": {"enrollment": enrolls}}
    )
    assert too_many.status_code == 400 and "at most 50" in too_many.json()["message"]


def test_errors_are_schoologys_status_and_message(schoology: FakeSchoologyServer) -> None:
    api = Signed(schoology)
    missing = api.get("/v1/users/999999")
    assert missing.status_code == 404
    assert missing.json() == {"response_code": 404, "message": "User 999999 not found."}
    assert api.get("/v1/nothing").status_code == 404
    wrong_method = api.call("PATCH", "/v1/users")
    assert wrong_method.status_code == 405 and "Allow" in wrong_method.headers


def test_over_the_rate_limit_is_a_429_with_retry_after_under_oauth(lms_store: Path) -> None:
    now = [1000.0]
    with FakeSchoologyServer(lms_store, KEY, SECRET, clock=lambda: now[0]) as fake:
        api = Signed(fake)
        answers = [api.get("/v1/roles").status_code for _ in range(51)]
        assert answers == [200] * 50 + [429]
        over = api.get("/v1/roles")
        assert over.status_code == 429 and int(over.headers["Retry-After"]) >= 1
        assert over.json()["response_code"] == 429
        now[0] += 5.0
        assert api.get("/v1/roles").status_code == 200


def test_the_powerschool_app_stand_in_is_beside_the_api(schoology: FakeSchoologyServer) -> None:
    api = Signed(schoology)
    settings = api.get("/powerschool/v1/settings")
    assert settings.status_code == 200
    assert settings.json()["settings"]["acting_user"] == "ada@example.org"
    assert api.get("/schoology/v1/users").status_code == 404
