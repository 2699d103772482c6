"""Counts meet nouns in the right number (issue 13, item 15: "1 courses", "all 1 roster
were", "Previewed 0 transfer", "1 systems"), and step Results say what happened."""

from __future__ import annotations

import pytest

from bot.core.step_results import outcome_result, records_result
from bot.core.wording import agree, count, listed, past_tense, plural, singular


@pytest.mark.parametrize(
    ("noun", "many"),
    [
        ("course", "courses"),
        ("class", "classes"),
        ("match", "matches"),
        ("entry", "entries"),
        ("day", "days"),
        ("student ID", "student IDs"),
        ("previous-year class", "previous-year classes"),
    ],
)
def test_plural_and_singular_are_each_others_inverse(noun: str, many: str) -> None:
    assert plural(noun) == many
    assert singular(many) == noun


def test_count_says_one_thing_or_many() -> None:
    assert count(1, "course") == "1 course"
    assert count(0, "course") == "0 courses"
    assert count(2_981, "student") == "2,981 students"
    assert count(1, "staff member") == "1 staff member"
    assert count(3, "person", "people") == "3 people"
    assert agree(1, "has", "have") == "has" and agree(2, "has", "have") == "have"


def test_past_tense_and_lists() -> None:
    assert past_tense("archive") == "Archived"
    assert past_tense("set dates on") == "Set dates on"
    assert past_tense("sync") == "Synced"
    assert past_tense("remove the External Course Code of") == "Removed the External Course Code of"
    assert listed(["a"]) == "a"
    assert listed(["a", "b"], last="or") == "a or b"
    assert listed(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more"


def test_a_step_over_one_record_says_one() -> None:
    assert records_result("archive", "courses", 1, 0, []) == "Archived 1 course"
    assert records_result("archive", "courses", 2, 1, []) == (
        "Archived 2 courses; 1 already done by this step"
    )
    assert records_result("sync", "roster", 0, 1, []) == (
        "Nothing to do: 1 roster was already done by this step"
    )
    assert records_result("archive", "students", 0, 3, []) == (
        "Nothing to do: all 3 students were already done by this step"
    )
    failed = records_result("archive", "students", 1, 0, [("000002", "no such student")])
    assert failed == "Archived 1 student; 1 failed: 000002 (no such student)"


def test_a_setting_that_failed_says_it_could_not_rather_than_zero_done() -> None:
    text = outcome_result("preview", "transfer", [], [("ABC123", "code ABC123 was used")])
    assert text == "Could not preview transfer: code ABC123 was used"
    assert "Previewed 0" not in text


def test_a_result_over_several_items_names_each_of_them() -> None:
    messages = [f"created grading period S1 for {s}" for s in ("North", "South", "East")]
    text = outcome_result("create", "grading periods", messages, [], items=3)
    assert text == (
        "Created grading period S1 for North; created grading period S1 for South; "
        "created grading period S1 for East"
    )
    partly = outcome_result("create", "grading periods", messages[:1], [("West", "no school")], 2)
    assert partly.endswith("; 1 failed: West (no school)")


def test_a_sync_says_what_it_did_after_its_verb() -> None:
    text = outcome_result("sync", "roster", ["3 created, 1 updated, 0 archived"], [], prefix=True)
    assert text == "Synced roster: 3 created, 1 updated, 0 archived"
    assert outcome_result("pause", "imports", [], []) == "Paused imports"
