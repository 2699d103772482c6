"""The fake Edgenuity API against docs/lms-api/edgenuity.md: paged lists, bulk writes with
per-record outcomes, the vendor's rules over HTTP, settings, errors naming the record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.lms.mock.store import MockStore
from bot.testing.fake_lms import FakeLMSServer
from tests.fakes.lms_fixtures import Api, changes, fake_lms, lms_store, outcomes

__all__ = ["fake_lms", "lms_store"]


@pytest.fixture
def api(fake_lms: FakeLMSServer) -> Iterator[Api]:
    yield Api(fake_lms, "edgenuity")


def test_lists_are_paged_with_a_total_and_the_next_offset(lms_store: Path) -> None:
    store = MockStore(lms_store)
    with store.transaction():
        for n in range(1, 451):
            store.put(
                "Edgenuity",
                "students",
                f"X{n:04}",
                "archived" if n % 3 == 0 else "active",
                {"grade": "9"},
            )
    store.close()
    with FakeLMSServer(lms_store, rate_limits=False) as fake:
        api = Api(fake, "edgenuity")
        seen, offset = [], 0
        while offset is not None:
            page = api.get("/v1/students", params={"limit": 200, "offset": offset}).json()
            assert page["total"] == 455 and page["limit"] == 200 and len(page["data"]) <= 200
            seen += [s["id"] for s in page["data"]]
            offset = page["next_offset"]
        assert len(seen) == len(set(seen)) == 455
        archived = api.get("/v1/students", params={"status": "archived", "limit": 1000}).json()
        assert archived["total"] == 150 and {s["status"] for s in archived["data"]} == {"archived"}
        assert api.get("/v1/students", params={"limit": 5000}).json()["limit"] == 1000


def test_a_bad_page_argument_is_a_400_naming_it(api: Api) -> None:
    answer = api.get("/v1/students", params={"offset": "-1"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_offset"
    assert "offset must not be negative" in answer.json()["error"]["message"]
    assert api.get("/v1/students", params={"limit": "0"}).json()["error"]["code"] == "invalid_limit"


def test_a_record_and_an_unknown_one(api: Api) -> None:
    student = api.get("/v1/students/S2").json()
    assert student["id"] == "S2" and student["status"] == "active" and student["grade"] == "10"
    missing = api.get("/v1/students/NOPE")
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "code": "not_found",
        "message": "no student NOPE in Edgenuity",
        "record": "NOPE",
    }


def test_bulk_archive_answers_each_record_and_a_repeat_applies_nothing_new(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    first = api.post("/v1/students:archive", {"ids": ["S4", "S5", "GHOST"]})
    assert outcomes(first) == {"S4": "applied", "S5": "applied", "GHOST": "not_found"}
    assert first.json()["summary"] == {
        "applied": 2,
        "unchanged": 0,
        "refused": 0,
        "not_found": 1,
        "failed": 0,
    }
    assert api.get("/v1/students/S4").json()["status"] == "archived"
    again = api.post("/v1/students:archive", {"ids": ["S4", "S5"]})
    assert outcomes(again) == {"S4": "unchanged", "S5": "unchanged"}
    assert again.json()["results"][0]["message"] == "student S4 is already archived"
    archived = [c for c in changes(fake_lms, "Edgenuity") if c["action"] == "archive students"]
    assert [c["record"] for c in archived] == ["S4", "S5"]
    assert (
        archived[0]["before"]["status"] == "active" and archived[0]["after"]["status"] == "archived"
    )


def test_a_course_that_still_has_an_external_course_code_is_not_archived(api: Api) -> None:
    refused = api.post("/v1/courses:archive", {"ids": ["C1"]}).json()["results"][0]
    assert refused["outcome"] == "refused" and refused["status"] == "active"
    assert "still has External Course Code EXT-ALG1: remove it first" in refused["message"]
    assert outcomes(api.post("/v1/courses:removeExternalCode", {"ids": ["C1"]})) == {
        "C1": "applied"
    }
    assert outcomes(api.post("/v1/courses:archive", {"ids": ["C1"]})) == {"C1": "applied"}
    assert api.get("/v1/courses/C1").json()["external_course_code"] == ""


def test_seniors_are_archived_before_promotion_and_a_repeated_promotion_promotes_again(
    api: Api,
) -> None:
    first = api.post("/v1/students:promote", {"ids": ["S1", "S4"]}).json()["results"]
    assert [r["outcome"] for r in first] == ["applied", "refused"]
    assert "archive seniors before promoting grades" in first[1]["message"]
    api.post("/v1/students:promote", {"ids": ["S1"]})
    assert api.get("/v1/students/S1").json()["grade"] == "11"


def test_a_student_id_that_ever_existed_is_not_given_again(api: Api) -> None:
    api.post("/v1/students:archive", {"ids": ["S4"]})
    new = {"first_name": "Fay", "last_name": "Ng", "grade": "9", "school": "North High"}
    answer = api.post("/v1/students", {"records": [{"id": "S4", **new}, {"id": "S6", **new}]})
    assert outcomes(answer) == {"S4": "refused", "S6": "applied"}
    assert "IDs are never reused" in answer.json()["results"][0]["message"]
    assert api.get("/v1/students/S6").json()["first_name"] == "Fay"


def test_a_record_missing_a_required_field_is_a_400_naming_it(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    answer = api.post("/v1/students", {"records": [{"id": "S7", "first_name": "Gil"}]})
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "code": "missing_field",
        "message": "record S7 has no last_name",
        "record": "S7",
    }
    school = api.post("/v1/students:changeHomeSchool", {"ids": ["S1"]})
    assert school.status_code == 400 and school.json()["error"]["code"] == "missing_records"
    assert changes(fake_lms) == []


def test_more_records_than_the_batch_size_is_a_400(api: Api) -> None:
    answer = api.post("/v1/students:archive", {"ids": [f"S{n}" for n in range(201)]})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "too_many_records"
    assert "at most 200 records per request; this one has 201" in answer.json()["error"]["message"]


def test_target_dates_follow_the_vendor_rules_and_the_district_calendar(api: Api) -> None:
    early = api.post(
        "/v1/enrollments:setDates", {"records": [{"id": "E1", "target_date": "2026-08-01"}]}
    ).json()["results"][0]
    assert (
        early["outcome"] == "refused" and "is not after start date 2026-08-19" in early["message"]
    )
    calendar = {"week": "5-day", "closed": [["2026-12-21", "break", "Winter break"]], "open": []}
    assert api.put("/v1/calendar", calendar).status_code == 200
    assert api.get("/v1/calendar").json()["closed"] == [["2026-12-21", "break", "Winter break"]]
    dates = {
        "records": [
            {"id": "E1", "target_date": "2026-12-21"},
            {"id": "E2", "target_date": "2026-12-18"},
        ]
    }
    assert outcomes(api.post("/v1/enrollments:setDates", dates)) == {
        "E1": "refused",
        "E2": "applied",
    }
    bad = api.put("/v1/calendar", {"week": "6-day"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_week"


def test_imports_pause_and_resume_and_the_import_recreates_enrollments_from_coded_courses(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    assert api.get("/v1/imports").json() == {"state": "on"}
    paused = api.post("/v1/imports:pause")
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    assert api.get("/v1/settings").json()["settings"]["imports"] == "paused"
    store = MockStore(fake_lms.store_path)
    with store.transaction():
        course = store.get("Edgenuity", "courses", "C1")
        assert course is not None
        store.put("Edgenuity", "courses", "C1", "archived", course[1])
    store.close()
    resumed = api.post("/v1/imports:resume").json()
    assert "created 1 active enrollment from archived courses" in resumed["message"]
    assert api.get("/v1/enrollments/C1-IMPORT-EXT-ALG1").json()["status"] == "active"
    setting = [c for c in changes(fake_lms) if c["action"] == "pause imports"]
    assert setting[0]["before"] == {"status": "settings", "data": {}}
    assert setting[0]["after"] == {"status": "settings", "data": {"imports": "paused"}}


def test_permissions_reset_to_the_role_defaults(api: Api) -> None:
    assert outcomes(api.post("/v1/educators:resetPermissions", {"ids": ["T1", "T2"]})) == {
        "T1": "applied",
        "T2": "applied",
    }
    teacher = api.get("/v1/educators/T1").json()
    assert teacher["permissions"] == teacher["default_permissions"]
    assert "manage schools" not in teacher["permissions"]
