"""The LMS contract: what any adapter (the mock, an HTTP adapter per system) does for the bot.

* ``records`` gives a kind's records as a frame with ``id`` and ``status`` (and fields); IDs
  are text exactly as the LMS has them (``00123`` stays ``00123``); a kind with no records is
  an empty frame with those columns; the frame is the caller's to change.
* ``settings`` gives a system's settings as text.
* ``execute`` applies one operation and says what it left the record (or setting) as, with a
  message; ``records`` and ``settings`` show it at once, and no other record of the kind moves.
* A vendor's rule refusing a record is a ``RuleViolation`` that names the record; the record
  (and every other, and the settings) is as it was.
* An outage is ``LMSUnavailable``; nothing is changed, and the same operation applies once the
  LMS is back.
* ``execute_many`` takes up to ``bulk_size`` operations and answers each on its own, in order:
  its result, or the ``RuleViolation`` naming its record; one refused record stops no other.

Every call is a new operation here: the contract holds for an LMS that applies every call it
receives, so it never relies on an LMS deduplicating repeated operation keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from bot.abc import LMS
from bot.errors import LMSError, LMSUnavailable, RuleViolation
from bot.structures import Operation, OpResult
from tests.lms.harness import IMPLEMENTATIONS, LMSHarness
from tests.lms.scenarios import SCENARIOS, Call, Scenario

CASES = [
    pytest.param((implementation, SCENARIOS[system]), id=f"{implementation.name}-{system}")
    for implementation in IMPLEMENTATIONS
    for system in implementation.systems
]
Rows = dict[str, dict[str, object]]


@dataclass
class Subject:
    harness: LMSHarness
    scenario: Scenario

    @property
    def lms(self) -> LMS:
        return self.harness.lms

    def operation(self, call: Call) -> Operation:
        system = self.scenario.system
        return Operation(system, call.action, call.kind, call.record_id, dict(call.params))

    def execute(self, call: Call) -> OpResult:
        """``call`` as an operation (the LMS applies every one it receives)."""
        return self.lms.execute(self.operation(call))

    def execute_many(self, calls: list[Call]) -> list[OpResult | LMSError]:
        return self.lms.execute_many([self.operation(c) for c in calls])

    def records(self, kind: str = "") -> pd.DataFrame:
        return self.lms.records(self.scenario.system, kind or self.scenario.kind)

    def rows(self) -> Rows:
        """The kind's records by ID, each with the fields it has (a column another record
        brought in is not one of its fields)."""
        frame = self.records()
        return {
            str(row["id"]): {k: v for k, v in row.items() if not pd.isna(v)}
            for row in frame.to_dict("records")
        }

    def settings(self) -> dict[str, str]:
        return self.lms.settings(self.scenario.system)


@pytest.fixture(params=CASES)
def subject(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Subject]:
    implementation, scenario = request.param
    harness = implementation.open(tmp_path)
    roster = {tab: pd.DataFrame(rows, dtype=object) for tab, rows in scenario.roster.items()}
    harness.seed(scenario.system, roster)
    yield Subject(harness, scenario)
    harness.close()


def test_records_are_a_frame_of_text_ids_and_statuses(subject: Subject) -> None:
    frame = subject.records()
    assert {"id", "status"} <= set(frame.columns)
    ids = frame["id"].tolist()
    assert sorted(ids) == sorted(subject.scenario.ids)
    assert all(type(i) is str for i in ids)
    assert all(type(s) is str and s for s in frame["status"])


def test_a_kind_with_no_records_is_an_empty_frame(subject: Subject) -> None:
    frame = subject.records(subject.scenario.empty_kind)
    assert {"id", "status"} <= set(frame.columns)
    assert len(frame) == 0


def test_a_frame_is_the_callers_to_change(subject: Subject) -> None:
    before = subject.rows()
    frame = subject.records()
    frame["status"] = "changed by the caller"
    frame.loc[0, "id"] = "spoiled"
    assert subject.rows() == before


def test_settings_are_text(subject: Subject) -> None:
    settings = subject.settings()
    assert isinstance(settings, dict)
    assert all(type(k) is str and type(v) is str for k, v in settings.items())


def test_an_operation_says_what_it_did_and_records_show_it(subject: Subject) -> None:
    scenario = subject.scenario
    target = scenario.change.record_id
    before = subject.rows()
    result = subject.execute(scenario.change)
    assert result.status == scenario.changed_to
    assert isinstance(result.message, str) and result.message
    after = subject.rows()
    assert after[target]["status"] == scenario.changed_to
    assert {k: v for k, v in after.items() if k != target} == {
        k: v for k, v in before.items() if k != target
    }
    assert all(type(i) is str for i in subject.records()["id"])


def test_a_setting_operation_shows_in_settings(subject: Subject) -> None:
    scenario = subject.scenario
    records = subject.rows()
    result = subject.execute(scenario.setting)
    assert result.status == scenario.setting_value
    assert isinstance(result.message, str) and result.message
    assert subject.settings()[scenario.setting_name] == scenario.setting_value
    assert subject.rows() == records


def test_every_call_is_applied(subject: Subject) -> None:
    """A change then a setting: both show, each as its own call left it."""
    scenario = subject.scenario
    subject.execute(scenario.change)
    subject.execute(scenario.setting)
    assert subject.rows()[scenario.change.record_id]["status"] == scenario.changed_to
    assert subject.settings()[scenario.setting_name] == scenario.setting_value


def test_a_refused_operation_names_the_record_and_changes_nothing(subject: Subject) -> None:
    for refusal in subject.scenario.refusals:
        records, settings = subject.rows(), subject.settings()
        with pytest.raises(RuleViolation) as refused:
            subject.execute(refusal)
        assert refusal.record_id in str(refused.value)
        assert subject.rows() == records
        assert subject.settings() == settings


def test_an_outage_changes_nothing_and_the_operation_applies_once_it_is_over(
    subject: Subject,
) -> None:
    scenario = subject.scenario
    records, settings = subject.rows(), subject.settings()
    subject.harness.outage()
    with pytest.raises(LMSUnavailable):
        subject.execute(scenario.change)
    assert subject.rows() == records
    assert subject.settings() == settings

    result = subject.execute(scenario.change)
    assert result.status == scenario.changed_to
    assert subject.rows()[scenario.change.record_id]["status"] == scenario.changed_to


def test_an_outage_of_a_setting_changes_nothing(subject: Subject) -> None:
    scenario = subject.scenario
    settings = subject.settings()
    subject.harness.outage()
    with pytest.raises(LMSUnavailable):
        subject.execute(scenario.setting)
    assert subject.settings() == settings
    subject.execute(scenario.setting)
    assert subject.settings()[scenario.setting_name] == scenario.setting_value


def test_a_batch_answers_each_operation_on_its_own_in_order(subject: Subject) -> None:
    scenario = subject.scenario
    calls = [scenario.change, *scenario.refusals]
    assert subject.lms.bulk_size(scenario.system) >= 1
    before = subject.rows()
    results = subject.execute_many(calls)
    assert len(results) == len(calls)
    changed = results[0]
    assert isinstance(changed, OpResult) and changed.status == scenario.changed_to
    for call, result in zip(calls[1:], results[1:], strict=True):
        assert isinstance(result, RuleViolation), result
        assert call.record_id in str(result)
    after = subject.rows()
    assert after[scenario.change.record_id]["status"] == scenario.changed_to
    untouched = set(before) - {scenario.change.record_id}
    assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}
