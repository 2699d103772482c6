"""The bot's HTTP adapters against the fake LMS: bulk requests up to the batch size, answered
per record; retries that honour Retry-After; a lost answer never makes a change twice; the
vendor's rate limit kept on this side; errors translated at the seam; the token never logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import bot.lms.http.designed as designed
from bot.errors import LMSError, LMSUnavailable, RuleViolation
from bot.lms.http import Policy
from bot.lms.http.client import Unsure
from bot.structures import OpResult
from tests.lms.http_fixtures import EDGENUITY, enrollments, served, students

ARCHIVE = "/edgenuity/v1/students:archive"
PROMOTE = "/edgenuity/v1/students:promote"
COMPLETE = "/edgenuity/v1/enrollments:complete"


def ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:03d}" for n in range(1, count + 1)]


def test_one_bulk_request_per_batch_each_record_answered_on_its_own(tmp_path: Path) -> None:
    with served(tmp_path, {"Enrollments": enrollments(25)}) as s:
        wanted = [*ids("E-", 25), "E-999"]
        results = s.lms.execute_many(s.ops("complete enrollments", "enrollments", wanted))
        assert [r.status for r in results[:25] if isinstance(r, OpResult)] == ["completed"] * 25
        assert isinstance(results[25], RuleViolation)
        assert "E-999" in str(results[25])
        assert len(s.posts(COMPLETE)) == 3
        assert set(s.changes().values()) == {1}
        assert len(s.changes()) == 25
        assert set(s.frame("enrollments")["status"]) == {"completed"}
        assert s.lms.bulk_size(EDGENUITY) == 10 * 2


def test_every_page_of_a_kind_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(designed, "PAGE", 2)
    with served(tmp_path, {"Students": students(5)}) as s:
        frame = s.lms.records(EDGENUITY, "students")
        assert frame["id"].tolist() == ids("S", 5)
        assert frame["first_name"].tolist() == [f"First{n}" for n in range(1, 6)]
        reads = [r for r in s.fake.requests if r.path == "/edgenuity/v1/students"]
        assert sorted(r.query["offset"][0] for r in reads) == ["0", "2", "4"]
        assert reads[0].query["offset"] == ["0"]


@pytest.mark.parametrize(("status", "wait"), [(429, 2), (503, 3)])
def test_an_answer_that_applied_nothing_is_retried_after_the_wait_it_asks(
    tmp_path: Path, status: int, wait: int
) -> None:
    with served(tmp_path, {"Students": students(3)}) as s:
        s.fault(type="status", status=status, retry_after=wait, path=PROMOTE)
        results = s.lms.execute_many(s.ops("promote grades", "students", ids("S", 3)))
        assert all(isinstance(r, OpResult) for r in results), results
        assert [r.status for r in s.posts(PROMOTE)] == [status, 200]
        assert s.time.waits == [wait]
        assert set(s.changes().values()) == {1}


def test_a_reset_before_a_repeatable_change_is_sent_again(tmp_path: Path) -> None:
    with served(tmp_path, {"Students": students(3)}) as s:
        s.fault(type="reset", when="before", path=ARCHIVE)
        results = s.lms.execute_many(s.ops("archive students", "students", ids("S", 3)))
        assert [r.status for r in results if isinstance(r, OpResult)] == ["archived"] * 3
        assert [r.status for r in s.posts(ARCHIVE)] == [0, 200]
        assert set(s.changes().values()) == {1}


def test_a_reset_after_a_repeatable_change_was_applied_finds_it_done(tmp_path: Path) -> None:
    """Archiving again answers "unchanged": the change is applied once."""
    with served(tmp_path, {"Students": students(3)}) as s:
        s.fault(type="reset", when="after", path=ARCHIVE)
        results = s.lms.execute_many(s.ops("archive students", "students", ids("S", 3)))
        assert [r.status for r in results if isinstance(r, OpResult)] == ["archived"] * 3
        assert all("already archived" in r.message for r in results if isinstance(r, OpResult))
        assert [r.status for r in s.posts(ARCHIVE)] == [0, 200]
        assert s.changes() == {f"archive students:{i}": 1 for i in ids("S", 3)}


@pytest.mark.parametrize(
    "fault",
    [
        {"type": "reset", "when": "after"},
        {"type": "reset", "when": "before"},
        {"type": "status", "status": 502},
    ],
    ids=["reset after apply", "reset before apply", "502"],
)
def test_a_change_that_is_not_repeatable_is_not_sent_again_after_a_lost_answer(
    tmp_path: Path, fault: dict[str, object]
) -> None:
    """A promotion repeated promotes again: the client cannot tell a reset before from one
    after the change, so each record is reported unknown (the bot reads it back) and the
    request is not repeated."""
    with served(tmp_path, {"Students": students(3)}) as s:
        before = s.frame("students")["grade"].astype(int)
        s.fault(path=PROMOTE, **fault)
        results = s.lms.execute_many(s.ops("promote grades", "students", ids("S", 3)))
        assert all(isinstance(r, Unsure) for r in results), results
        assert all(isinstance(r, LMSUnavailable) for r in results)
        assert "may have applied it" in str(results[0]) and "S001" in str(results[0])
        assert len(s.posts(PROMOTE)) == 1
        after = s.frame("students")["grade"].astype(int)
        applied = fault.get("when") == "after"
        assert (after == before + (1 if applied else 0)).all()
        assert set(s.changes().values()) <= {1}


def test_a_bulk_request_that_applied_part_sends_only_the_rest_again(tmp_path: Path) -> None:
    """The records a failing server did not attempt are sent again, even for a promotion."""
    with served(tmp_path, {"Students": students(10)}) as s:
        before = s.frame("students")["grade"].astype(int)
        s.fault(type="partial", apply=4, path=PROMOTE)
        results = s.lms.execute_many(s.ops("promote grades", "students", ids("S", 10)))
        assert all(isinstance(r, OpResult) for r in results), results
        assert len(s.posts(PROMOTE)) == 2
        assert s.changes() == {f"promote grades:{i}": 1 for i in ids("S", 10)}
        assert (s.frame("students")["grade"].astype(int) == before + 1).all()


def test_a_record_without_a_required_field_is_refused_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    with served(tmp_path, {"Students": students(2)}) as s:
        ops = s.ops("change home school", "students", ids("S", 2), school="South High")
        ops[1].params["school"] = " "
        first, second = s.lms.execute_many(ops)
        assert isinstance(first, OpResult)
        assert isinstance(second, RuleViolation)
        assert str(second) == "S002 has no school to send to Edgenuity"
        assert s.frame("students").loc["S002", "school"] == "North High"


def test_a_server_that_is_down_then_restarted(tmp_path: Path) -> None:
    with served(tmp_path, {"Students": students(3)}) as s:
        s.fake.stop()
        (down,) = s.lms.execute_many(s.ops("archive students", "students", ["S001"]))
        assert isinstance(down, LMSUnavailable)
        assert "nothing answers at" in str(down) and "after 3 tries" in str(down)
        assert len(s.time.waits) == 2
        with pytest.raises(LMSUnavailable):
            s.lms.records(EDGENUITY, "students")
        s.fake.start()
        (up,) = s.lms.execute_many(s.ops("archive students", "students", ["S001"]))
        assert isinstance(up, OpResult) and up.status == "archived"
        s.fake.restart()
        promoted = s.lms.execute_many(s.ops("promote grades", "students", ["S002", "S003"]))
        assert all(isinstance(r, OpResult) for r in promoted), promoted
        assert set(s.changes().values()) == {1}


def test_a_refused_token_is_an_error_that_says_what_to_set(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "not-the-token-1234"
    caplog.set_level(logging.DEBUG)
    with served(tmp_path, {"Students": students(2)}, token=secret) as s:
        with pytest.raises(LMSError) as refused:
            s.lms.execute_many(s.ops("archive students", "students", ids("S", 2)))
        assert not isinstance(refused.value, LMSUnavailable)
        assert "ROLLOVER_LMS_TOKEN" in str(refused.value)
        assert "nothing was changed" in str(refused.value)
        with pytest.raises(LMSError):
            s.lms.records(EDGENUITY, "students")
        assert secret not in str(refused.value)
        assert s.changes() == {}
    assert secret not in caplog.text


def test_the_token_is_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with served(tmp_path, {"Students": students(2)}) as s:
        s.lms.records(EDGENUITY, "students")
        s.fault(type="status", status=500, path=ARCHIVE)
        s.lms.execute_many(s.ops("archive students", "students", ids("S", 2)))
        token = s.lms.config.token
    assert caplog.text
    assert token not in caplog.text


def test_the_vendors_rate_limit_is_kept_on_this_side(tmp_path: Path) -> None:
    """The fake limits Edgenuity to 20 requests a second (on the same clock): 45 reads in a
    row wait their turn instead of being refused."""
    with served(tmp_path, {"Students": students(2)}, rate_limits=True) as s:
        for _ in range(45):
            s.lms.records(EDGENUITY, "students")
        statuses = [r.status for r in s.fake.requests]
        assert statuses == [200] * 45
        assert sum(s.time.waits) >= 2.0
        assert s.lms.adapter(EDGENUITY).client.retries == 0


def test_the_rate_limit_answer_of_a_busy_vendor_is_waited_out(tmp_path: Path) -> None:
    """With a second client on the same token, the vendor's limit runs out sooner than this
    client counts: its 429s are waited out as Retry-After says."""
    policy = Policy(attempts=5, concurrency=1)
    with served(tmp_path, {"Students": students(2)}, policy, rate_limits=True) as s:
        other = s.fake.rates
        for _ in range(20):
            other.check("edgenuity", s.lms.config.token, s.fake.systems["edgenuity"].limit)
        s.lms.records(EDGENUITY, "students")
        assert [r.status for r in s.fake.requests] == [429, 200]
        assert s.time.waits[-1] == 1.0


def test_restore_is_refused_per_record_over_an_api(tmp_path: Path) -> None:
    with served(tmp_path, {"Students": students(1)}) as s:
        op = s.ops("restore from snapshot", "students", ["S001"], status="active", data="{}")
        (result,) = s.lms.execute_many(op)
        assert isinstance(result, RuleViolation)
        assert "S001" in str(result) and "by hand" in str(result)


def test_an_unknown_operation_or_system_is_an_error(tmp_path: Path) -> None:
    with served(tmp_path, {"Students": students(1)}) as s:
        with pytest.raises(LMSError, match="no operation 'teleport students'"):
            s.lms.execute_many(s.ops("teleport students", "students", ["S001"]))
        with pytest.raises(LMSError, match="no system 'Moodle'"):
            s.lms.records("Moodle", "students")
