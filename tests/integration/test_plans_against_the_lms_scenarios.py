"""Plans made against what the LMS holds, as a coordinator meets them in the demo (issue 15,
items 4 and 5): counts from the LMS that agree from step to step, records rightly left
alone not called failed, and a threshold guard that neither loses an approval to another
step's effects nor lets an empty LMS through."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.coordinator import ADMIN, Demo, on_the_day


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    yield from on_the_day(tmp_path)


def test_set_dates_after_complete_and_disable_plans_from_the_lms(demo: Demo) -> None:
    """Issue 15, item 4: "Plans read the sheet, not the LMS. After S-001 (complete) and S-002
    (disable) ran, S-003 planned 'set dates on 1,152 of 1,152 active' and ended 'Partly done
    (507 failed): enrollment E-0000002 is completed, not active'; Last action says 'failed'
    on 507 rows that were rightly left alone. Counts disagree from step to step ('of 719
    active' vs 'of 1,152')." Now S-003 plans from what the LMS holds: the 645 enrollments
    still active, the 507 that S-001 and S-002 finished left alone and said so, and no roster
    row called failed."""
    demo.run()
    demo.set_step("S-003", "Parameters", "start_date=2026-12-30; target_date=2027-05-20")
    demo.approve("S-002")
    demo.run()
    assert demo.step("S-002")["Result"] == "Disabled 74 enrollments"
    demo.approve("S-001")
    demo.run()
    steps = demo.steps()
    assert steps["S-002"]["Plan"].startswith("Will disable 74 of 1,152 active enrollments")
    assert steps["S-001"]["Plan"].startswith("Will complete 433 of 1,078 active enrollments")
    assert steps["S-001"]["Result"] == "Completed 433 enrollments"
    s003 = steps["S-003"]
    assert s003["Status"] == "Done", s003["Result"]
    assert s003["Plan"].startswith(
        "Will set dates on 645 of 645 active enrollments (status active): "
        "start date 2026-08-19 -> 2026-12-30 (357), blank -> 2026-12-30 (276), "
        "target date 2026-12-22 -> 2027-05-20 (357), blank -> 2027-05-20 (276), "
        "2027-05-17 -> 2027-05-20 (12); e.g. "
    )
    left_alone = (
        "; 507 left alone: enrollment E-0000002 is completed, not active; "
        "enrollment E-0000003 is completed, not active and 505 more"
    )
    assert s003["Plan"].endswith(left_alone)
    assert s003["Result"].startswith("Set dates on 645 enrollments: start date ")
    assert s003["Result"].endswith(left_alone)

    enrollments = demo.records("enrollments")
    assert enrollments["status"].value_counts().to_dict() == {
        "active": 645,
        "completed": 433,
        "disabled": 74,
    }
    rows = demo.tab("Enrollments").set_index("Enrollment ID")
    assert not rows["Last action"].str.contains("failed").any()
    active = enrollments.index[enrollments["status"] == "active"]
    assert set(rows.loc[active, "Last action"].str[:27]) == {"S-003 set enrollment dates:"}
    assert set(enrollments.loc[active, "target_date"]) == {"2027-05-20"}
    left = enrollments.index[enrollments["status"] != "active"]
    assert set(rows.loc[left, "LMS status"]) == {"completed", "disabled"}
    log = demo.tab("Log")
    assert (log[log["Step"] == "S-003"]["Outcome"] == "applied").sum() == 645
    assert (log["Outcome"] == "failed").sum() == 0


def test_an_approved_disable_still_runs_after_complete_shrank_the_active_records(
    demo: Demo,
) -> None:
    """Issue 15, item 5: "An approved step turns Invalid. S-002 was approved at 74 of 1,152
    (6.4 %); once S-001 completed 433 enrollments in the same cycle it became 'would disable
    74 of 719 (10.3 % > 10 %)' and the approval was lost." Now the guard judges the plan
    against the active enrollments at the start of the rollover: S-002 runs under its
    approval in the cycle S-001 completes its 433."""
    demo.run()
    asked = demo.step("S-002")
    assert asked["Plan"].startswith("Will disable 74 of 1,152 active enrollments (selected)")
    demo.approve("S-001")
    demo.approve("S-002")
    demo.run()
    steps = demo.steps()
    assert (steps["S-001"]["Status"], steps["S-001"]["Result"]) == (
        "Done",
        "Completed 433 enrollments",
    )
    s002 = steps["S-002"]
    assert (s002["Status"], s002["Result"]) == ("Done", "Disabled 74 enrollments")
    assert s002["Approval"].startswith(f"Approved by {ADMIN}")
    assert "Void" not in s002["Approval"]
    assert demo.records("enrollments")["status"].value_counts()["disabled"] == 74

    demo.run()
    assert demo.step("S-002") == s002


def test_an_empty_lms_never_passes_the_threshold_guard(demo: Demo) -> None:
    """Issue 15, item 5: "With an empty LMS the same guard says '10 of 10' and lets it
    pass." Now a step that archives or disables against an LMS with no active records is
    Invalid, saying so: nothing to compare the plan with, nothing sent."""
    demo.config.lms_path.unlink()
    demo.run()
    steps = demo.steps()
    assert (steps["S-002"]["Status"], steps["S-002"]["Result"]) == (
        "Invalid",
        "Scope: the LMS has no active enrollments: seed it or check the connection to Edgenuity",
    )
    assert (steps["S-007"]["Status"], steps["S-007"]["Result"]) == (
        "Invalid",
        "Scope: the LMS has no active students: seed it or check the connection to Edgenuity",
    )
    assert steps["S-018"]["Result"] == "Nothing to do: 12 enrollments not in Edgenuity"
    assert demo.cli("approve", "S-007", "--as", ADMIN) == 3
    demo.run()
    assert demo.step("S-007")["Status"] == "Invalid"
    assert [h for h in demo.history() if h[0] != "settings"] == []
