"""Plans judged against the LMS's state: every fate, targets from the rollover ledger, and a
fingerprint that binds to the operations only."""

from __future__ import annotations

import pandas as pd

from bot.core.targets import (
    FATE,
    Done,
    Fate,
    Rule,
    counts,
    judge,
    operations_fingerprint,
    target_text,
)

LMS = pd.DataFrame(
    {
        "id": ["1", "2", "3", "4", "00123"],
        "status": ["active", "archived", "graduated", "active", "active"],
        "grade": ["12", "12", "12", "9", "10"],
    },
    dtype=object,
)
ARCHIVE = Rule(to_status="archived")


def fates(judged: pd.DataFrame) -> dict[str, str]:
    return dict(zip(judged["id"], judged[FATE], strict=True))


def test_archive_judges_each_record_against_the_lms() -> None:
    judged = judge(pd.Series(["1", "2", "3", "9"]), LMS, ARCHIVE, noun="student")
    assert fates(judged) == {
        "1": Fate.CHANGE,
        "2": Fate.AT_TARGET,
        "3": Fate.NOT_ALLOWED,
        "9": Fate.MISSING,
    }
    assert judged.loc[2, "why"] == "student 3 is graduated, not active"
    assert counts(judged)[Fate.CHANGE] == 1


def test_ids_stay_text() -> None:
    judged = judge(pd.Series(["00123", "123"]), LMS, ARCHIVE)
    assert fates(judged) == {"00123": Fate.CHANGE, "123": Fate.MISSING}


def test_field_targets_and_their_text() -> None:
    fields = pd.DataFrame({"grade": ["10", "10"]})
    judged = judge(pd.Series(["4", "00123"]), LMS, Rule(), fields)
    assert fates(judged) == {"4": Fate.CHANGE, "00123": Fate.AT_TARGET}
    assert target_text(judged.iloc[0].to_dict()) == "grade 10"


def test_a_promotion_recorded_this_rollover_is_not_made_twice() -> None:
    promote = Rule(once="promote")
    plus_one = pd.DataFrame({"grade": ["10", "11"]})  # 4 is in 9, 00123 in 10 (promoted)
    ledger = {"00123": Done("S-008", {"grade": "10"})}
    mine = judge(pd.Series(["4", "00123"]), LMS, promote, plus_one, ledger=ledger, step_id="S-008")
    assert fates(mine) == {"4": Fate.CHANGE, "00123": Fate.AT_TARGET}
    other = judge(pd.Series(["4", "00123"]), LMS, promote, plus_one, ledger=ledger, step_id="S-099")
    assert fates(other) == {"4": Fate.CHANGE, "00123": Fate.DONE_BEFORE}
    assert other.loc[1, "why"] == "by S-008"


def test_a_crash_before_the_promotion_landed_keeps_its_target() -> None:
    ledger = {"4": Done("S-008", {"grade": "10"}, applied=False)}
    plus_one = pd.DataFrame({"grade": ["10"]})
    judged = judge(
        pd.Series(["4"]), LMS, Rule(once="promote"), plus_one, ledger=ledger, step_id="S-008"
    )
    assert fates(judged) == {"4": Fate.CHANGE}
    assert judged.loc[0, "to:grade"] == "10"


def test_create_is_a_change_only_for_ids_the_lms_does_not_hold() -> None:
    create = Rule(to_status="active", from_status=(), once="create", creates=True)
    ledger = {"4": Done("S-010", {})}
    judged = judge(pd.Series(["9", "1", "4"]), LMS, create, ledger=ledger, step_id="S-010")
    assert fates(judged) == {"9": Fate.CHANGE, "1": Fate.NOT_ALLOWED, "4": Fate.AT_TARGET}
    assert judged.loc[1, "why"] == "record 1 already exists (active); an ID is never reused"


def test_an_action_rule_refuses_what_it_must() -> None:
    refused = pd.Series(["in grade 12: archive seniors first", ""])
    judged = judge(
        pd.Series(["1", "4"]), LMS, Rule(), pd.DataFrame({"grade": ["13", "10"]}), refused
    )
    assert fates(judged) == {"1": Fate.NOT_ALLOWED, "4": Fate.CHANGE}


def test_the_fingerprint_binds_to_operations_not_to_bystanders() -> None:
    base = judge(pd.Series(["1", "2", "9"]), LMS, ARCHIVE)
    same_ops = judge(pd.Series(["2", "1", "9", "3"]), LMS, ARCHIVE)  # a not-allowed bystander
    assert operations_fingerprint(base, "owner") == operations_fingerprint(same_ops, "owner")
    archived = LMS.assign(status=["archived", *LMS["status"][1:]])
    done = judge(pd.Series(["1", "2"]), archived, ARCHIVE)  # 1 now at target: same operation
    assert operations_fingerprint(done, "owner") == operations_fingerprint(base, "owner")
    assert operations_fingerprint(base, "other owner") != operations_fingerprint(base, "owner")
    fewer = judge(pd.Series(["2"]), LMS, ARCHIVE)
    assert operations_fingerprint(fewer, "owner") != operations_fingerprint(base, "owner")
    dates = judge(pd.Series(["4"]), LMS, Rule(), pd.DataFrame({"grade": ["10"]}))
    later = judge(pd.Series(["4"]), LMS, Rule(), pd.DataFrame({"grade": ["11"]}))
    assert operations_fingerprint(dates) != operations_fingerprint(later)
