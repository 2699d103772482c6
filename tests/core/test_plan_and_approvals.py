from __future__ import annotations

from bot.core.approvals import ApprovalRecord, Decision, Policy, parse_reply, refusal, standing
from bot.core.plan import fingerprint, summarize
from bot.core.status import Status, finished_label, status_of


def test_fingerprint_changes_with_anything_an_approval_vouches_for() -> None:
    base = fingerprint("Edgenuity", "archive students", "Students: Grade = 12", "", ("1", "2"))
    assert base == fingerprint(
        "edgenuity", "Archive Students", "Students: Grade = 12", "", ("2", "1")
    )
    assert base != fingerprint(
        "Edgenuity", "archive students", "Students: Grade = 11", "", ("1", "2")
    )
    assert base != fingerprint(
        "Edgenuity", "archive students", "Students: Grade = 12", "x=1", ("1", "2")
    )
    assert base != fingerprint(
        "Edgenuity", "archive students", "Students: Grade = 12", "", ("1", "2", "3")
    )
    assert base != fingerprint(
        "Edgenuity",
        "archive students",
        "Students: Grade = 12",
        "",
        ("1", "2"),
        owner="someone@x.org",
    )


def test_summary_names_counts_scope_and_examples() -> None:
    text = summarize(
        "archive", "active students", 312, 2140, "North High, grade 12", ["001 Ana", "002 Ben"]
    )
    assert text == (
        "Will archive 312 of 2,140 active students (North High, grade 12); "
        "e.g. 001 Ana, 002 Ben and 310 more"
    )


def test_who_may_approve() -> None:
    policy = Policy.of(["Admin@X.org", "owner@x.org"])
    assert refusal(policy, "admin@x.org", "owner@x.org") is None
    assert "not an approver" in (refusal(policy, "someone@x.org", "owner@x.org") or "")
    assert "two-person rule" in (refusal(policy, "OWNER@x.org", "owner@x.org") or "")
    relaxed = Policy.of(["owner@x.org"], two_person_rule=False)
    assert refusal(relaxed, "owner@x.org", "owner@x.org") is None


def test_an_approval_holds_only_for_its_plan() -> None:
    record = ApprovalRecord("S-1", "abc", Decision.APPROVE, "a@x.org")
    assert standing(None, "abc") == "none"
    assert standing(record, "abc") == "approved"
    assert standing(record, "abd") == "void"
    voided = ApprovalRecord("S-1", "abc", Decision.VOID, "bot")
    assert standing(voided, "abc") == "void"


def test_thread_replies_are_read_by_their_first_word() -> None:
    assert parse_reply("Approve") == (Decision.APPROVE, "")
    assert parse_reply("reject not before Friday") == (Decision.REJECT, "not before Friday")
    assert parse_reply("I approve") is None
    assert parse_reply("") is None


def test_status_cells_read_back_and_finished_labels() -> None:
    assert status_of("Waiting on S-003") is Status.WAITING
    assert status_of("Partly done (4 failed)") is Status.PARTLY_DONE
    assert status_of("Rejected by a@x: no") is Status.REJECTED
    assert status_of("") is Status.IDLE
    assert finished_label(10, 0) == (Status.DONE, "Done")
    assert finished_label(6, 4) == (Status.PARTLY_DONE, "Partly done (4 failed)")
    assert finished_label(0, 3) == (Status.FAILED, "Failed")
