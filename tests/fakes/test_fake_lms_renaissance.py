"""The fake Renaissance API against docs/lms-api/renaissance.md: transfer codes (single use,
30 days, never on the site that made them), the import preview, the import with the staff's
decisions and its log, pending and completed imports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from bot.testing.fake_lms import FakeLMSServer
from tests.fakes.lms_fixtures import LAKESIDE, LAKESIDE_CODE, Api, changes, fake_lms, lms_store

__all__ = ["fake_lms", "lms_store"]


@pytest.fixture
def api(fake_lms: FakeLMSServer) -> Iterator[Api]:
    yield Api(fake_lms, "renaissance")


def test_a_code_is_made_for_one_student_or_one_year_and_not_used_where_it_was_made(
    api: Api,
) -> None:
    made = api.post("/v1/transfer-codes", {"student": "S1"})
    assert made.status_code == 201
    code = made.json()
    assert code["code"].startswith("RT-") and code["status"] == "unused"
    assert code["site"] == "District site" and code["valid_until"] == "2026-12-23"
    assert api.get(f"/v1/transfer-codes/{code['code']}").json()["student"] == "S1"
    both = api.post("/v1/transfer-codes", {"student": "S1", "year": "10"})
    assert both.status_code == 422
    assert both.json()["error"]["message"] == "a transfer code is for one student or one year"
    here = api.post("/v1/imports", {"code": code["code"]})
    assert here.status_code == 422
    assert "cannot be used on the site that generated it" in here.json()["error"]["message"]


def test_codes_in_bulk_answer_each_request(api: Api) -> None:
    answer = api.post(
        "/v1/transfer-codes:batchGenerate", {"requests": [{"student": "S2"}, {"student": "NOPE"}]}
    )
    results = answer.json()["results"]
    assert [r["outcome"] for r in results] == ["applied", "refused"]
    assert (
        results[0]["code"].startswith("RT-")
        and results[1]["message"] == "no student NOPE on District site"
    )
    assert api.get("/v1/transfer-codes").json()["total"] == 2


def test_preview_review_and_import_a_year_from_another_site(
    api: Api, fake_lms: FakeLMSServer
) -> None:
    preview = api.post("/v1/imports", {"code": LAKESIDE_CODE, "enrol_in": "North High"})
    assert preview.status_code == 201
    pending = preview.json()["import"]
    assert pending["status"] == "previewed" and pending["source_site"] == LAKESIDE
    assert (pending["new"], pending["matched"]) == (1, 1)
    assert {m["student_id"]: m["confidence"] for m in pending["matches"]} == {
        "L-1": "high",
        "L-2": "",
    }
    listed = api.get("/v1/imports", params={"state": "pending"}).json()
    assert [i["code"] for i in listed["data"]] == [LAKESIDE_CODE]
    assert api.get(f"/v1/imports/{LAKESIDE_CODE}/log").status_code == 404
    done = api.post(f"/v1/imports/{LAKESIDE_CODE}:import", {"decisions": {"L-2": "new"}})
    assert done.status_code == 200
    assert done.json()["status"] == "imported with changes"
    completed = api.get("/v1/imports", params={"state": "completed"}).json()["data"]
    assert [(i["code"], i["status"]) for i in completed] == [
        (LAKESIDE_CODE, "imported with changes")
    ]
    log = list(csv.DictReader(io.StringIO(api.get(f"/v1/imports/{LAKESIDE_CODE}/log").text)))
    assert {r["SourceStudentID"]: r["SourceImportStatus"] for r in log} == {
        "L-1": "Imported with changes",
        "L-2": "Imported with no changes",
    }
    again = api.post("/v1/imports", {"code": LAKESIDE_CODE})
    assert again.status_code == 422
    assert "was already used: request the data again" in again.json()["error"]["message"]
    assert api.get(f"/v1/transfer-codes/{LAKESIDE_CODE}").json()["status"] == "used"
    actions = [c["action"] for c in changes(fake_lms, "Renaissance")]
    assert actions == ["preview transfer", "import transfer"]


def test_a_code_older_than_30_days_is_refused(api: Api) -> None:
    late = api.post("/v1/imports", {"code": LAKESIDE_CODE, "on": "2026-12-31"})
    assert late.status_code == 422
    assert "codes must be used within 30 days" in late.json()["error"]["message"]
    bad = api.post("/v1/imports", {"code": LAKESIDE_CODE, "on": "31/12/2026"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_on"
    assert api.post("/v1/imports", {}).json()["error"]["code"] == "missing_code"


def test_a_cancelled_import_leaves_the_code_usable(api: Api) -> None:
    api.post("/v1/imports", {"code": LAKESIDE_CODE})
    cancelled = api.post(f"/v1/imports/{LAKESIDE_CODE}:cancel")
    assert cancelled.json()["import"]["status"] == "cancelled"
    assert api.post(f"/v1/imports/{LAKESIDE_CODE}:cancel").status_code == 422
    assert api.post("/v1/imports", {"code": LAKESIDE_CODE}).status_code == 201
    assert api.get("/v1/imports/RT-NONE").json()["error"]["record"] == "RT-NONE"
