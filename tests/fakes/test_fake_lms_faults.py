"""Faults on the fake LMS, set over ``POST /_fake/faults``: each does what it says, and the
store shows what was applied whatever the client saw."""

from __future__ import annotations

import pytest
import requests

from bot.testing.fake_lms import FakeLMSServer
from tests.fakes.lms_fixtures import Api, changes, control, fake_lms, lms_store, outcomes

__all__ = ["fake_lms", "lms_store"]
ARCHIVE = "/v1/students:archive"


def faults(fake: FakeLMSServer, **settings: object) -> requests.Response:
    answer = control(fake, "POST", "/_fake/faults", settings)
    assert answer.status_code == 200, answer.text
    return answer


def test_a_queued_429_carries_retry_after_and_applies_nothing(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "edgenuity")
    faults(fake_lms, queue=[{"type": "status", "status": 429, "retry_after": 7}])
    limited = api.post(ARCHIVE, {"ids": ["S4"]})
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    assert limited.json()["error"]["code"] == "rate_limited"
    assert changes(fake_lms) == []
    assert outcomes(api.post(ARCHIVE, {"ids": ["S4"]})) == {"S4": "applied"}


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_queued_server_error_applies_nothing(fake_lms: FakeLMSServer, status: int) -> None:
    api = Api(fake_lms, "schoology")
    faults(fake_lms, queue=[{"type": "status", "status": status, "method": "POST", "times": 2}])
    assert api.get("/v1/users").status_code == 200
    body = {
        "users": {
            "user": [
                {
                    "school_uid": "S7",
                    "name_first": "A",
                    "name_last": "B",
                    "role_id": 1,
                    "username": "ab",
                }
            ]
        }
    }
    for _ in range(2):
        failed = api.post("/v1/users", body)
        assert failed.status_code == status and failed.json()["response_code"] == status
    assert changes(fake_lms) == []
    assert api.post("/v1/users", body).json()["user"][0]["response_code"] == 200


def test_a_fault_for_one_path_leaves_the_others_alone(fake_lms: FakeLMSServer) -> None:
    faults(fake_lms, queue=[{"type": "status", "status": 503, "path": "/twig/"}])
    assert Api(fake_lms, "edgenuity").get("/v1/students").status_code == 200
    twig = Api(fake_lms, "twig").get("/v1/students")
    assert twig.status_code == 503 and twig.headers["Retry-After"] == "1"


def test_a_reset_before_the_change_applies_nothing(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "edgenuity")
    faults(fake_lms, queue=[{"type": "reset", "when": "before"}])
    with pytest.raises(requests.ConnectionError):
        api.post(ARCHIVE, {"ids": ["S4"]})
    assert api.get("/v1/students/S4").json()["status"] == "active"
    assert changes(fake_lms) == []
    assert fake_lms.requests[-2].status == 0


def test_a_reset_after_the_change_keeps_it_though_the_client_saw_an_error(
    fake_lms: FakeLMSServer,
) -> None:
    api = Api(fake_lms, "edgenuity")
    faults(fake_lms, queue=[{"type": "reset", "when": "after"}])
    with pytest.raises(requests.ConnectionError):
        api.post(ARCHIVE, {"ids": ["S4", "S5"]})
    assert api.get("/v1/students/S4").json()["status"] == "archived"
    assert outcomes(api.post(ARCHIVE, {"ids": ["S4", "S5"]})) == {
        "S4": "unchanged",
        "S5": "unchanged",
    }
    assert [c["record"] for c in changes(fake_lms)] == ["S4", "S5"]


def test_a_partial_bulk_says_which_records_failed(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "edgenuity")
    faults(fake_lms, queue=[{"type": "partial", "apply": 1}])
    first = api.post(ARCHIVE, {"ids": ["S4", "S5", "NOPE"]})
    assert outcomes(first) == {"S4": "applied", "S5": "failed", "NOPE": "failed"}
    failed = first.json()["results"][1]
    assert failed["retryable"] is True and "was not applied" in failed["message"]
    assert api.get("/v1/students/S5").json()["status"] == "active"
    retried = api.post(ARCHIVE, {"ids": ["S5", "NOPE"]})
    assert outcomes(retried) == {"S5": "applied", "NOPE": "not_found"}
    assert [c["record"] for c in changes(fake_lms)] == ["S4", "S5"]


def test_a_partial_schoology_bulk_answers_503_for_the_rest(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "schoology")
    faults(fake_lms, queue=[{"type": "partial", "apply": 1}])
    body = {
        "courses": {
            "course": [{"title": "A", "course_code": "CA"}, {"title": "B", "course_code": "CB"}]
        }
    }
    results = api.post("/v1/courses", body).json()["course"]
    assert [r["response_code"] for r in results] == [200, 503]
    assert {c["course_code"] for c in api.get("/v1/courses").json()["course"]} == {"C1", "CA"}


def test_every_request_fails_at_an_error_rate_of_one(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "edgenuity")
    faults(fake_lms, error_rate=1.0, error_status=500)
    assert {api.post(ARCHIVE, {"ids": ["S4"]}).status_code for _ in range(5)} == {500}
    assert changes(fake_lms) == []
    faults(fake_lms, error_rate=0)
    assert outcomes(api.post(ARCHIVE, {"ids": ["S4"]})) == {"S4": "applied"}


def test_an_error_rate_strikes_the_same_requests_for_the_same_seed(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "edgenuity")
    seen = []
    for _ in range(2):
        faults(fake_lms, error_rate=0.5, seed=11)
        seen.append([api.get("/v1/students").status_code for _ in range(12)])
    assert seen[0] == seen[1] and set(seen[0]) == {200, 503}


def test_latency_delays_each_answer(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "edgenuity")
    assert api.http.get(api.url("/v1/students"), timeout=5).status_code == 200
    faults(fake_lms, latency_ms=3000)
    with pytest.raises(requests.ReadTimeout):
        api.http.get(api.url("/v1/students"), timeout=0.3)
    assert control(fake_lms, "GET", "/_fake/faults").json()["latency_ms"] == 3000


def test_a_bad_fault_is_a_400_naming_the_field(fake_lms: FakeLMSServer) -> None:
    cases = [
        ({"queue": [{"type": "status", "status": 418}]}, "status must be one of"),
        ({"queue": [{"type": "reset", "when": "later"}]}, "when must be before or after"),
        ({"queue": [{"type": "explode"}]}, "fault type must be one of status, reset, partial"),
        ({"error_rate": 2}, "error_rate must be a number from 0 to 1"),
        ({"latency_ms": "slow"}, "latency_ms must be a whole number"),
    ]
    for body, message in cases:
        answer = control(fake_lms, "POST", "/_fake/faults", body)
        assert answer.status_code == 400 and message in answer.json()["error"]
    cleared = control(fake_lms, "DELETE", "/_fake/faults").json()
    assert cleared["queue"] == [] and cleared["error_rate"] == 0


def test_the_rate_limit_answers_429_with_the_wait(lms_store: object) -> None:
    now = [1000.0]
    with FakeLMSServer(str(lms_store), clock=lambda: now[0]) as fake:
        api = Api(fake, "renaissance")
        assert [api.get("/v1/students").status_code for _ in range(5)] == [200] * 5
        limited = api.get("/v1/students")
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
        assert "over the limit of 5 requests per second" in limited.json()["error"]["message"]
        other = Api(fake, "edgenuity")
        assert other.get("/v1/students").status_code == 200
        now[0] += 1.0
        assert api.get("/v1/students").status_code == 200
        schoology = Api(fake, "schoology")
        assert [schoology.get("/v1/roles").status_code for _ in range(51)][-1] == 429
        assert schoology.get("/v1/roles").headers["Retry-After"] == "5"
        faults(fake, rate_limits=False)
        assert api.get("/v1/students").status_code == 200


def test_a_reset_after_a_failing_sync_keeps_what_the_vendor_kept(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "schoolstatus")
    faults(
        fake_lms, queue=[{"type": "reset", "when": "after", "path": "/schoolstatus/v1/sync:run"}]
    )
    with pytest.raises(requests.ConnectionError):
        api.post("/v1/sync:run", {"students": [{"id": "S1"}, {"id": "S7", "first_name": "New"}]})
    assert api.get("/v1/students/S7").json()["status"] == "active"
    assert [c["action"] for c in changes(fake_lms)] == ["sync roster"]
