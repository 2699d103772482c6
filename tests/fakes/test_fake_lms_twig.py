"""The fake Twig Science API against docs/lms-api/twig.md: the roster pause one business day
before the rollover, archiving the previous year at the end of the pause, user IDs never
reused or reassigned."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.testing.fake_lms import FakeLMSServer
from tests.fakes.lms_fixtures import Api, changes, control, fake_lms, lms_store, outcomes

__all__ = ["fake_lms", "lms_store"]


@pytest.fixture
def api(fake_lms: FakeLMSServer) -> Iterator[Api]:
    yield Api(fake_lms, "twig")


def on(fake: FakeLMSServer, day: str) -> None:
    """Move the fake's date (the vendors' clock) to ``day``."""
    moved = control(fake, "POST", "/_fake/today", {"today": day})
    assert moved.json() == {"today": day, "set": True}


def test_the_pause_date_is_one_business_day_before_the_rollover(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    assert api.get("/v1/rostering").json() == {
        "state": "on",
        "pause_date": None,
        "rollover_date": None,
    }
    paused = api.post("/v1/rostering:pause", {"rollover_date": "2027-01-04"})
    assert paused.status_code == 200
    assert paused.json()["message"] == (
        "rostering pauses on 2027-01-01, one business day before the rollover date 2027-01-04"
    )
    set_ahead = {"state": "on", "pause_date": "2027-01-01", "rollover_date": "2027-01-04"}
    assert api.get("/v1/rostering").json() == set_ahead
    settings = api.get("/v1/settings").json()["settings"]
    assert (settings["rostering"], settings["pause_scheduled"]) == ("on", "2027-01-01")
    on(fake_lms, "2026-12-31")
    assert api.get("/v1/rostering").json() == set_ahead
    on(fake_lms, "2027-01-01")
    assert api.get("/v1/rostering").json() == {
        "state": "paused",
        "pause_date": "2027-01-01",
        "rollover_date": "2027-01-04",
    }
    assert "pause_scheduled" not in api.get("/v1/settings").json()["settings"]
    missing = api.post("/v1/rostering:pause", {})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "invalid_rollover_date"


def test_the_district_may_give_its_pause_date_and_a_late_pause_starts_at_once(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    """The district's calendar knows New Year's Day: its pause date is the business day
    before that; a pause sent after its date pauses from the day it is sent."""
    body = {"rollover_date": "2027-01-04", "pause_date": "2026-12-31"}
    paused = api.post("/v1/rostering:pause", body).json()
    assert paused["message"] == (
        "rostering pauses on 2026-12-31, one business day before the rollover date 2027-01-04"
    )
    after = api.post(
        "/v1/rostering:pause", {"rollover_date": "2027-01-04", "pause_date": "2027-01-05"}
    )
    assert after.status_code == 400 and after.json()["error"]["code"] == "invalid_pause_date"
    assert "must be before the rollover date 2027-01-04" in after.json()["error"]["message"]
    on(fake_lms, "2027-01-02")
    late = api.post("/v1/rostering:pause", {"rollover_date": "2027-01-04"}).json()
    assert late["message"] == (
        "rostering paused from 2027-01-02 (its pause date 2027-01-01 had passed), one business "
        "day before the rollover date 2027-01-04"
    )
    assert api.get("/v1/rostering").json()["state"] == "paused"


def test_no_roster_data_is_processed_during_the_pause(api: Api, fake_lms: FakeLMSServer) -> None:
    api.post("/v1/rostering:pause", {"rollover_date": "2027-01-04"})
    summer = {"records": [{"id": "S7", "first_name": "Uma", "last_name": "Vale"}]}
    assert outcomes(api.post("/v1/students:importSummerRoster", summer)) == {"S7": "applied"}
    on(fake_lms, "2027-01-01")
    late = {"records": [{"id": "S8", "first_name": "Vi", "last_name": "Wren"}]}
    refused = api.post("/v1/students:importSummerRoster", late).json()["results"][0]
    assert refused["outcome"] == "refused"
    assert "the summer school roster import must be done before the pause" in refused["message"]
    assert "rostering is paused since 2027-01-01" in refused["message"]
    assert api.get("/v1/students/S8").status_code == 404
    api.post("/v1/rostering:resume")
    assert outcomes(api.post("/v1/students:importSummerRoster", late)) == {"S8": "applied"}


def test_a_user_id_is_never_reused_or_reassigned(api: Api) -> None:
    answer = api.post(
        "/v1/students",
        {
            "records": [
                {"id": "S9", "first_name": "New", "last_name": "Student"},
                {"id": "S1", "first_name": "Someone", "last_name": "Else"},
                {"id": "S2", "first_name": "Ben", "last_name": "Okafor", "grade": "11"},
            ]
        },
    )
    results = answer.json()["results"]
    assert [r["outcome"] for r in results] == ["refused", "refused", "applied"]
    assert results[0]["message"] == "user ID S9 belongs to a archived user: IDs are never reused"
    assert "IDs are never reassigned" in results[1]["message"]
    assert results[2]["message"] == "S2 already rostered; updated"
    assert api.get("/v1/students/S2").json()["grade"] == "11"


def test_the_previous_year_is_archived_only_at_the_end_of_the_pause(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    early = api.post("/v1/classes:archive", {"ids": ["K1"]}).json()["results"][0]
    assert early["message"] == "previous-year data is archived at the end of the roster pause"
    api.post("/v1/rostering:pause", {"rollover_date": "2027-01-04"})
    ahead = api.post("/v1/classes:archive", {"ids": ["K1"]}).json()["results"][0]
    assert (ahead["outcome"], ahead["message"]) == ("refused", early["message"])
    on(fake_lms, "2027-01-01")
    archived = api.post("/v1/classes:archive", {"ids": ["K1", "K2", "K3"]})
    assert outcomes(archived) == {"K1": "applied", "K2": "applied", "K3": "not_found"}
    assert "with 1 enrollment and 2 assignments" in archived.json()["results"][0]["message"]
    assert api.get("/v1/enrollments/E1").json()["status"] == "archived"
    assert api.get("/v1/assignments", params={"status": "archived"}).json()["total"] == 4
    assert [c["record"] for c in changes(fake_lms, "Twig Science") if c["kind"] == "classes"] == [
        "K1",
        "K2",
    ]


def test_teachers_are_listed_as_teachers(api: Api) -> None:
    teachers = api.get("/v1/teachers").json()
    assert teachers["total"] == 1 and teachers["data"][0]["name"] == "Tia Teach"
