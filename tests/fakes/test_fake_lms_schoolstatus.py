"""The fake SchoolStatus API against docs/lms-api/schoolstatus.md: reports before anything
is archived, the deletion threshold, the sync, merging duplicates, staff and classrooms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.testing.fake_lms import FakeLMSServer
from tests.fakes.lms_fixtures import Api, changes, fake_lms, lms_store, outcomes

__all__ = ["fake_lms", "lms_store"]


@pytest.fixture
def api(fake_lms: FakeLMSServer) -> Iterator[Api]:
    yield Api(fake_lms, "schoolstatus")


def test_nothing_is_archived_before_the_reports_are_downloaded(api: Api) -> None:
    refused = api.post("/v1/students:archive", {"ids": ["S5"]}).json()["results"][0]
    assert refused["outcome"] == "refused"
    assert refused["message"] == "download the Connect reports before archiving students"
    assert api.get("/v1/reports/students").status_code == 404
    downloaded = api.post("/v1/reports:download", {"on": "2026-11-23"})
    assert downloaded.status_code == 200 and downloaded.json()["status"] == "downloaded"
    assert (
        api.get("/v1/reports").json()["reports"]["students"]
        == "schoolstatus-students-2026-11-23.csv"
    )
    report = api.get("/v1/reports/students")
    assert report.headers["Content-Type"].startswith("text/csv")
    assert report.text.splitlines()[0].startswith("id,status") and "S5,active" in report.text
    assert outcomes(api.post("/v1/students:archive", {"ids": ["S5"]})) == {"S5": "applied"}
    assert outcomes(api.post("/v1/staff:remove", {"ids": ["T9"]})) == {"T9": "applied"}
    assert api.get("/v1/staff/T9").json()["status"] == "removed"
    assert outcomes(api.post("/v1/classrooms:archive", {"ids": ["K1", "K1"]})) == {
        "K1": "unchanged"
    }


def test_a_student_is_deleted_only_when_the_last_report_holds_it(api: Api) -> None:
    api.post("/v1/reports:download", {"on": "2026-11-23"})
    created = api.post(
        "/v1/sync:run", {"students": [{"id": f"S{n}"} for n in range(1, 7)] + [{"id": "M-S1"}]}
    )
    assert created.status_code == 200
    deleted = api.post("/v1/students:delete", {"ids": ["S5", "S6"]}).json()["results"]
    assert [r["outcome"] for r in deleted] == ["applied", "refused"]
    assert "student S6 is not in the last students report" in deleted[1]["message"]


def test_a_sync_over_the_deletion_threshold_fails_but_keeps_its_creates(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    assert api.get("/v1/sync").json() == {"state": "on", "deletion_threshold": 10.0}
    feed = {
        "students": [
            {"id": "S1", "first_name": "Ana"},
            {"id": "S7", "first_name": "New", "last_name": "Kid"},
        ]
    }
    failed = api.post("/v1/sync:run", feed)
    assert failed.status_code == 422
    error = failed.json()["error"]
    assert error["code"] == "refused" and error["changes_kept"] is True
    assert "the sync tried to archive 5 of 6 active students" in error["message"]
    assert api.get("/v1/students/S7").json()["status"] == "active"
    assert api.get("/v1/students/S2").json()["status"] == "active"
    assert api.put("/v1/sync/deletion-threshold", {"percent": 90}).status_code == 200
    assert api.post("/v1/sync:run", feed).json()["message"] == "0 created, 0 updated, 5 archived"
    assert api.get("/v1/students/S2").json()["status"] == "archived"
    syncs = [c for c in changes(fake_lms, "SchoolStatus") if c["action"] == "sync roster"]
    assert len(syncs) == 2


def test_the_threshold_is_a_percent(api: Api) -> None:
    wrong = api.put("/v1/sync/deletion-threshold", {"percent": 150})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["message"] == "deletion threshold 150% is not between 0 and 100"
    text = api.put("/v1/sync/deletion-threshold", {"percent": "ten"})
    assert text.status_code == 400 and text.json()["error"]["code"] == "invalid_percent"


def test_a_paused_sync_does_not_run_and_pausing_again_changes_nothing(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    first = api.post("/v1/sync:pause").json()
    assert (first["outcome"], first["message"]) == ("applied", "sync now paused")
    again = api.post("/v1/sync:pause").json()
    assert (again["outcome"], again["message"]) == ("unchanged", "sync already paused")
    assert [c["action"] for c in changes(fake_lms)] == ["pause sync"]
    refused = api.post("/v1/sync:run", {"students": [{"id": "S1"}]})
    assert refused.status_code == 422
    assert "resume it from the SIS Rostering page first" in refused.json()["error"]["message"]
    assert api.post("/v1/sync:run", {"students": [{"first_name": "no id"}]}).status_code == 400


def test_a_merged_duplicates_enrollments_move_to_the_survivor(api: Api) -> None:
    merged = api.post("/v1/students:merge", {"records": [{"id": "M-S1", "survivor": "S1"}]})
    assert outcomes(merged) == {"M-S1": "applied"}
    assert "1 enrollment moved" in merged.json()["results"][0]["message"]
    assert api.get("/v1/enrollments/E2").json()["student_id"] == "S1"
    assert api.get("/v1/students/M-S1").json()["merged_into"] == "S1"
    assert outcomes(
        api.post("/v1/students:merge", {"records": [{"id": "M-S1", "survivor": "S1"}]})
    ) == {"M-S1": "unchanged"}
    missing = api.post("/v1/students:merge", {"ids": ["S2"]})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "missing_records"
