"""The fake Schoology REST v1 against its published shapes (docs/lms-api/schoology.md):
users, courses, sections, enrollments and their status codes, grading periods, multiget,
start/limit paging, bulk writes of at most 50 with a response code per record, errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.lms.mock.store import MockStore
from bot.testing.fake_lms import FakeLMSServer
from tests.fakes.lms_fixtures import Api, changes, fake_lms, lms_store

__all__ = ["fake_lms", "lms_store"]
STUDENT, TEACHER, SYSTEM_ADMIN = 1, 2, 4


@pytest.fixture
def api(fake_lms: FakeLMSServer) -> Iterator[Api]:
    yield Api(fake_lms, "schoology")


def users(api: Api, **params: Any) -> dict[str, dict[str, Any]]:
    return {
        u["school_uid"]: u
        for u in api.get("/v1/users", params=params | {"limit": 200}).json()["user"]
    }


def uid(api: Api, school_uid: str) -> str:
    return str(users(api)[school_uid]["id"])


def test_users_are_paged_with_start_and_limit_at_most_200(lms_store: Path) -> None:
    store = MockStore(lms_store)
    with store.transaction():
        for n in range(250):
            store.put(
                "Schoology",
                "students",
                f"X{n:03}",
                "active",
                {"first_name": "X", "last_name": str(n)},
            )
    store.close()
    with FakeLMSServer(lms_store, rate_limits=False) as fake:
        api = Api(fake, "schoology")
        first = api.get("/v1/users").json()
        assert len(first["user"]) == 20 and first["total"] == "255"
        assert first["links"]["next"].endswith("/schoology/v1/users?start=20&limit=20")
        big = api.get("/v1/users", params={"limit": 500}).json()
        assert len(big["user"]) == 200
        last = api.get("/v1/users", params={"start": 200, "limit": 200}).json()
        assert len(last["user"]) == 55 and "next" not in last["links"]
        ids = [u["id"] for u in big["user"] + last["user"]]
        assert ids == sorted(ids) and len(set(ids)) == 255


def test_a_user_has_schoologys_fields(api: Api) -> None:
    ada = users(api)["T1"]
    assert ada["uid"] == str(ada["id"]) and isinstance(ada["id"], int)
    assert (ada["name_first"], ada["name_last"], ada["name_display"]) == (
        "Ada",
        "Admin",
        "Ada Admin",
    )
    assert ada["primary_email"] == "ada@example.org" and ada["role_id"] == SYSTEM_ADMIN
    north = api.get(f"/v1/schools/{ada['school_id']}").json()
    assert north["title"] == "North High" and ada["building_id"] == ada["school_id"]
    assert api.get(f"/v1/users/{ada['id']}").json() == ada | {"send_message": 1}
    ana = users(api)["S1"]
    assert (
        ana["role_id"] == STUDENT
        and ana["grad_year"] == "2030"
        and ana["birthday_date"] == "2011-01-02"
    )
    assert {r["id"]: r["title"] for r in api.get("/v1/roles").json()["role"]}[
        str(SYSTEM_ADMIN)
    ] == "System Admin"
    assert set(users(api, role_ids=f"{TEACHER},{SYSTEM_ADMIN}")) == {"T1", "T2"}
    assert set(users(api, school_uids="S1,S3")) == {"S1", "S3"}


def test_an_unknown_user_is_a_404_as_schoology_answers(api: Api) -> None:
    missing = api.get("/v1/users/999999")
    assert missing.status_code == 404
    assert missing.json() == {"response_code": 404, "message": "User 999999 not found."}
    many = api.get("/v1/users", params={"school_uids": ",".join(f"S{n}" for n in range(51))})
    assert many.status_code == 400 and "at most 50" in many.json()["message"]


def new_user(school_uid: str, first: str, role: int = STUDENT, **more: Any) -> dict[str, Any]:
    return {
        "school_uid": school_uid,
        "name_first": first,
        "name_last": "Test",
        "role_id": role,
    } | more


def test_bulk_create_answers_each_user_and_an_existing_one_needs_update_existing(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    body = {
        "users": {
            "user": [
                new_user("S7", "Gia", primary_email="gia@example.org"),
                new_user("T7", "Hal", TEACHER, username="hal"),
                new_user("S1", "Ana", primary_email="ana2@example.org"),
                new_user("S8", "Ivy"),
                {"school_uid": "S9", "name_first": "Jo", "name_last": "X"},
            ]
        }
    }
    answer = api.post("/v1/users", body)
    assert answer.status_code == 200
    results = answer.json()["user"]
    assert [r["response_code"] for r in results] == [200, 200, 400, 400, 400]
    assert results[0]["location"].endswith(f"/schoology/v1/users/{results[0]['id']}")
    assert "a user with Unique ID S1 already exists" in results[2]["message"]
    assert results[3]["message"] == "user S8 needs a username or an email address"
    assert results[4]["message"] == "role_id is required"
    assert users(api)["T7"]["role_id"] == TEACHER
    updated = api.post(
        "/v1/users", {"users": {"user": [new_user("S1", "Anna")]}}, params={"update_existing": 1}
    )
    assert updated.json()["user"][0]["response_code"] == 200
    assert users(api)["S1"]["name_first"] == "Anna"
    saved = [c["record"] for c in changes(fake_lms, "Schoology")]
    assert saved == ["S7", "T7", "S1"]


def test_at_most_50_users_a_request(api: Api) -> None:
    body = {
        "users": {"user": [new_user(f"N{n}", "N", primary_email=f"n{n}@x.org") for n in range(51)]}
    }
    answer = api.post("/v1/users", body)
    assert answer.status_code == 400
    assert answer.json() == {
        "response_code": 400,
        "message": "at most 50 users per request; this one has 51",
    }


def test_an_email_belongs_to_one_user(api: Api) -> None:
    answer = api.post("/v1/users", new_user("S7", "Gia", primary_email="ADA@example.org"))
    assert answer.status_code == 400
    assert (
        answer.json()["message"]
        == "email ADA@example.org already belongs to user T1 in this school"
    )


def test_a_single_create_answers_the_user_and_an_update_changes_it(api: Api) -> None:
    created = api.post("/v1/users", new_user("S7", "Gia", primary_email="gia@example.org"))
    assert created.status_code == 201 and created.json()["school_uid"] == "S7"
    number = created.json()["id"]
    changed = api.put(f"/v1/users/{number}", {"name_last": "Lee"})
    assert changed.status_code == 204 and changed.content == b""
    assert api.get(f"/v1/users/{number}").json()["name_display"] == "Gia Lee"
    bulk = api.put(
        "/v1/users", {"users": {"user": [{"id": number, "grad_year": "2031"}, {"id": "424242"}]}}
    )
    assert [r["response_code"] for r in bulk.json()["user"]] == [200, 404]
    assert users(api)["S7"]["grad_year"] == "2031"


def test_a_deleted_user_becomes_inactive_and_can_be_reactivated(api: Api) -> None:
    number = uid(api, "T2")
    assert api.delete(f"/v1/users/{number}").status_code == 204
    assert api.get(f"/v1/users/{number}").status_code == 404
    inactive = api.get("/v1/users/inactive").json()
    assert {u["school_uid"] for u in inactive["user"]} == {"T2", "T3"} and inactive["total"] == 2
    made_inactive = api.get(f"/v1/users/inactive/{number}").json()["inactive_timestamp"]
    assert made_inactive == int(datetime(2026, 11, 23, tzinfo=UTC).timestamp())
    again = api.delete("/v1/users", params={"uids": f"{number},777777"}).json()["user"]
    assert [r["response_code"] for r in again] == [200, 404]
    assert again[0]["message"] == "user T2 is already deactivated"
    back = api.put("/v1/users/reactivate", {"user": [{"uid": number}]}).json()["user"]
    assert back[0]["response_code"] == 200
    assert api.get(f"/v1/users/{number}").json()["school_uid"] == "T2"


def test_courses_are_created_in_bulk_and_updated_by_course_code(api: Api) -> None:
    body = {
        "courses": {
            "course": [
                {"title": "Biology", "course_code": "C9"},
                {"title": "Again", "course_code": "C1"},
            ]
        }
    }
    results = api.post("/v1/courses", body).json()["course"]
    assert [r["response_code"] for r in results] == [200, 400]
    assert "course code C1 already exists" in results[1]["message"]
    courses = {c["course_code"]: c for c in api.get("/v1/courses").json()["course"]}
    assert courses["C9"]["title"] == "Biology" and api.get("/v1/courses").json()["total"] == "2"
    api.post(
        "/v1/courses",
        {"courses": {"course": [{"title": "Algebra 1", "course_code": "C1"}]}},
        params={"update_existing": "1"},
    )
    assert api.get(f"/v1/courses/{courses['C1']['id']}").json()["title"] == "Algebra 1"


def test_sections_belong_to_courses(api: Api) -> None:
    course = api.get("/v1/courses").json()["course"][0]
    sections = api.get(f"/v1/courses/{course['id']}/sections").json()
    assert [s["section_school_code"] for s in sections["section"]] == ["K1"]
    past = api.get(f"/v1/courses/{course['id']}/sections", params={"include_past": 1}).json()
    assert {s["section_school_code"]: s["active"] for s in past["section"]} == {"K1": 1, "K2": 0}
    k1 = sections["section"][0]
    assert k1["course_id"] == str(course["id"]) and k1["section_title"] == "Algebra I S1"
    assert len(k1["grading_periods"]) == 1
    one = api.get(f"/v1/sections/{k1['id']}").json()
    assert one == k1 | {
        "subject_area": "0",
        "grade_level_range_start": "0",
        "grade_level_range_end": "0",
    }
    by_code = api.get("/v1/sections", params={"section_school_codes": "K1,K9"}).json()
    assert [s["id"] for s in by_code["section"]] == [k1["id"]]


def section_id(api: Api) -> str:
    return str(
        api.get("/v1/sections", params={"section_school_codes": "K1"}).json()["section"][0]["id"]
    )


def test_enrollments_carry_schoologys_status_codes(api: Api, fake_lms: FakeLMSServer) -> None:
    section = section_id(api)
    listed = api.get(f"/v1/sections/{section}/enrollments").json()
    assert {e["school_uid"]: e["status"] for e in listed["enrollment"]} == {"S1": "1", "S2": "2"}
    e1 = next(e for e in listed["enrollment"] if e["school_uid"] == "S1")
    assert e1["uid"] == uid(api, "S1") and e1["admin"] == 0
    only_active = api.get(
        f"/v1/sections/{section}/enrollments", params={"enrollment_status": "1"}
    ).json()
    assert [e["school_uid"] for e in only_active["enrollment"]] == ["S1"]
    body = {
        "enrollments": {
            "enrollment": [{"id": e1["id"], "status": "5"}, {"id": e1["id"], "status": "7"}]
        }
    }
    results = api.put(f"/v1/sections/{section}/enrollments", body).json()["enrollments"][
        "enrollment"
    ]
    assert [r["response_code"] for r in results] == [200, 400]
    assert results[1]["message"] == "status must be 1 to 5, not '7'"
    assert api.get(f"/v1/sections/{section}/enrollments/{e1['id']}").json()["status"] == "5"
    again = api.put(f"/v1/sections/{section}/enrollments/{e1['id']}", {"status": 5})
    assert again.status_code == 204
    assert api.get(f"/v1/sections/{section}/enrollments/{e1['id']}").json()["status"] == "5"
    assert [c["after"]["status"] for c in changes(fake_lms) if c["kind"] == "enrollments"] == [
        "archived"
    ]


def test_at_most_50_enrollments_a_request(api: Api, fake_lms: FakeLMSServer) -> None:
    section = section_id(api)
    listed = api.get(f"/v1/sections/{section}/enrollments").json()["enrollment"]
    body = {"enrollments": {"enrollment": [{"id": listed[0]["id"], "status": "5"}] * 51}}
    answer = api.put(f"/v1/sections/{section}/enrollments", body)
    assert answer.status_code == 400
    assert answer.json()["message"] == "at most 50 enrollments per request; this one has 51"
    assert [c for c in changes(fake_lms) if c["kind"] == "enrollments"] == []


def test_a_section_enrolls_an_active_user_once(api: Api) -> None:
    section = section_id(api)
    s3, t3 = uid(api, "S3"), api.get("/v1/users/inactive").json()["user"][0]["uid"]
    body = {
        "enrollments": {
            "enrollment": [{"uid": s3, "admin": 0, "status": 1}, {"uid": s3}, {"uid": str(t3)}]
        }
    }
    results = api.post(f"/v1/sections/{section}/enrollments", body).json()["enrollments"][
        "enrollment"
    ]
    assert [r["response_code"] for r in results] == [200, 400, 400]
    assert "is already enrolled in section K1" in results[1]["message"]
    assert results[2]["message"] == "user T3 is not an active user of Schoology"
    single = api.post(f"/v1/sections/{section}/enrollments", {"uid": uid(api, "T2"), "admin": 1})
    assert single.status_code == 201 and single.json()["admin"] == 1


def test_grading_periods_are_made_per_school(api: Api) -> None:
    listed = api.get("/v1/gradingperiods").json()
    assert listed["total"] == 1 and listed["gradingperiods"][0]["title"] == "2026 S1"
    south = next(s for s in api.get("/v1/schools").json()["school"] if s["title"] == "South High")
    period = {"title": "2027 S2", "start": "2027-01-05", "end": "2027-05-30"}
    no_school = api.post("/v1/gradingperiods", period)
    assert no_school.status_code == 400
    assert no_school.json()["message"] == "school_id is required: the district has 2 schools"
    made = api.post("/v1/gradingperiods", period | {"school_id": south["id"]})
    assert made.status_code == 201 and made.json()["school_id"] == int(south["id"])
    assert api.get(f"/v1/gradingperiods/{made.json()['id']}").json()["title"] == "2027 S2"
    twice = api.post("/v1/gradingperiods", period | {"school_id": south["id"]})
    assert twice.status_code == 400
    assert "exists: select it instead of creating it" in twice.json()["message"]
    bad = api.post("/v1/gradingperiods", period | {"start": "May 1", "school_id": south["id"]})
    assert bad.json()["message"] == "start must be a date YYYY-MM-DD, not 'May 1'"


def test_multiget_answers_each_get_in_full(api: Api) -> None:
    ana, section = uid(api, "S1"), section_id(api)
    paths = [
        f"/v1/users/{ana}",
        f"/v1/sections/{section}/enrollments",
        "/v1/users/999999",
        "/v1/schools",
    ]
    answers = api.post("/v1/multiget", {"request": paths}).json()["response"]
    assert [a["response_code"] for a in answers] == [200, 200, 404, 400]
    assert answers[0]["body"]["school_uid"] == "S1"
    assert answers[1]["body"]["total"] == "2"
    xml = f"<?xml version='1.0'?><requests><request>/v1/users/{ana}</request></requests>"
    from_xml = api.call("POST", "/v1/multiget", data=xml, headers={"Content-Type": "text/xml"})
    assert from_xml.json()["response"][0]["body"]["school_uid"] == "S1"
    many = api.post("/v1/multiget", {"request": [f"/v1/users/{ana}"] * 51})
    assert many.status_code == 400


def test_schoologys_oauth_header_form_names_the_caller(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "schoology")
    api.http.headers["Authorization"] = (
        'OAuth realm="Schoology API", oauth_consumer_key="fake-lms-token", oauth_token="", '
        'oauth_nonce="1", oauth_timestamp="1", oauth_signature_method="PLAINTEXT", '
        'oauth_version="1.0", oauth_signature="x%26"'
    )
    assert api.get("/v1/users").status_code == 200
    api.http.headers["Authorization"] = api.http.headers["Authorization"].replace(
        "fake-lms-token", "nope"
    )
    refused = api.get("/v1/users")
    assert refused.status_code == 401 and refused.json()["response_code"] == 401


def test_the_powerschool_app_stand_in_keeps_the_playbooks_rules(api: Api) -> None:
    assert api.post("/powerschool/v1/acting-user:check").json()["status"] == "ok"
    refused = api.put("/powerschool/v1/active-year", {"year": "2027-2028"})
    assert refused.status_code == 422
    assert (
        refused.json()["error"]["message"]
        == "sync is automatic: set it to Manual before setting the active year"
    )
    assert api.put("/powerschool/v1/sync-mode", {"mode": "Manual"}).json()["status"] == "manual"
    assert api.put("/powerschool/v1/active-year", {"year": "2027-2028"}).status_code == 200
    assert api.get("/powerschool/v1/settings").json()["settings"]["active_year"] == "2027-2028"
    teacher = api.put("/powerschool/v1/acting-user", {"user": "tom@example.org"})
    assert teacher.status_code == 422 and "not System Admin" in teacher.json()["error"]["message"]
