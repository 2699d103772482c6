"""The mock Edgenuity: a stateful model with the vendor's rules; like a real API it applies every
call it receives (no idempotency keys)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bot.errors import LMSUnavailable, RuleViolation
from bot.lms.mock import MockLMS
from bot.lms.mock.faults import Faults
from bot.structures import Operation

SYS = "Edgenuity"


@pytest.fixture
def lms(tmp_path: Path) -> MockLMS:
    lms = MockLMS(tmp_path / "lms.sqlite")
    students = pd.DataFrame(
        {
            "Student ID": ["001", "002", "003", "004"],
            "Grade": ["12", "11", "9", "10"],
            "Status": ["graduated", "active", "active", "new"],
            "School": ["North", "North", "South", "South"],
        }
    )
    enrollments = pd.DataFrame(
        {"Enrollment ID": ["E1", "E2"], "Student ID": ["002", "003"], "Status": ["active", ""]}
    )
    lms.seed(SYS, {"Students": students, "Enrollments": enrollments})
    return lms


def op(action: str, kind: str, record: str, **params: str) -> Operation:
    return Operation(SYS, action, kind, record, params)


def test_seeding_leaves_new_students_out(lms: MockLMS) -> None:
    frame = lms.records(SYS, "students")
    assert frame["id"].tolist() == ["001", "002", "003"]
    assert set(frame["status"]) == {"active"}


def test_a_repeated_call_is_applied_again_as_a_real_api_would(lms: MockLMS) -> None:
    """The mock offers no idempotency keys: the bot, not the LMS, makes sure a promotion is
    sent once (the rollover ledger)."""
    lms.execute(op("promote grades", "students", "003"))
    lms.execute(op("promote grades", "students", "003"))
    assert lms.records(SYS, "students").set_index("id").loc["003", "grade"] == "11"
    assert len(lms.store.history(SYS)) == 2


def test_seniors_must_be_archived_before_promotion(lms: MockLMS) -> None:
    """ "Archive seniors and then complete the grade level promotions." (seed 000)"""
    with pytest.raises(RuleViolation, match="archive seniors before promoting"):
        lms.execute(op("promote grades", "students", "001"))
    lms.execute(op("archive students", "students", "001"))
    with pytest.raises(RuleViolation, match="archived, not active"):
        lms.execute(op("promote grades", "students", "001"))


def test_student_ids_are_never_reused(lms: MockLMS) -> None:
    lms.execute(op("archive students", "students", "003"))
    with pytest.raises(RuleViolation, match="never reused"):
        lms.execute(op("create students", "students", "003", grade="9"))
    created = lms.execute(op("create students", "students", "004", grade="10"))
    assert created.status == "active"


def test_target_date_must_follow_start_date(lms: MockLMS) -> None:
    with pytest.raises(RuleViolation, match="not after start date"):
        lms.execute(
            op(
                "set enrollment dates",
                "enrollments",
                "E1",
                start_date="2027-01-10",
                target_date="2027-01-09",
            )
        )
    lms.execute(
        op(
            "set enrollment dates",
            "enrollments",
            "E1",
            start_date="2027-01-10",
            target_date="2027-05-01",
        )
    )
    assert lms.records(SYS, "enrollments").set_index("id").loc["E1", "target_date"] == "2027-05-01"


def test_state_survives_reopening(tmp_path: Path, lms: MockLMS) -> None:
    lms.execute(op("complete enrollments", "enrollments", "E1"))
    lms.execute(op("pause imports", "settings", "imports"))
    lms.close()
    again = MockLMS(tmp_path / "lms.sqlite")
    assert again.records(SYS, "enrollments").set_index("id").loc["E1", "status"] == "completed"
    assert again.settings(SYS) == {"imports": "paused"}


def test_injected_faults_fail_the_named_calls(tmp_path: Path) -> None:
    lms = MockLMS(tmp_path / "f.sqlite", Faults(fail_calls=frozenset({2})))
    lms.seed(SYS, {"Students": pd.DataFrame({"Student ID": ["1", "2"], "Grade": ["9", "9"]})})
    lms.execute(op("promote grades", "students", "1"))
    with pytest.raises(LMSUnavailable, match="call 2"):
        lms.execute(op("promote grades", "students", "2"))
    lms.execute(op("promote grades", "students", "2"))
    assert lms.records(SYS, "students")["grade"].tolist() == ["10", "10"]


def test_is_empty_sees_seeded_records(tmp_path: Path, lms: MockLMS) -> None:
    assert not lms.is_empty(SYS)
    assert MockLMS(tmp_path / "empty.sqlite").is_empty(SYS)
