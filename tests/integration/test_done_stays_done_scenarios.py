"""A finished step stays finished, as a coordinator meets it in the demo (issue 15, items 6
and 8): an unrelated roster edit neither reopens it nor voids its approval, it is never
executed again on its own, and a new row never inherits a deleted step's ID and history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.lms.mock import edgenuity
from tests.integration.coordinator import ADMIN, COORDINATOR, Demo, on_the_day


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    yield from on_the_day(tmp_path)


def test_an_unrelated_roster_edit_leaves_a_done_step_done(
    demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15, item 6: "A Done step reopens on an unrelated edit. Changing one Students row
    (graduated -> new) turned Done S-007 into 'Awaiting approval: Will archive 9 of 278' with
    'Void: the step changed after admin decided', though the step had not changed." Now S-007
    stays Done under its approval: no Void, no new approval request, nothing sent again."""
    demo.run()
    demo.approve("S-007")
    demo.run()
    done = demo.step("S-007")
    assert (done["Status"], done["Result"]) == ("Done", "Archived 10 students")
    students = demo.tab("Students")
    senior = students.loc[students["Status"] == "graduated", "Student ID"].iloc[0]
    sent = demo.history()
    capsys.readouterr()

    demo.set_row("Students", "Student ID", senior, "Status", "new")
    demo.run()
    demo.run()

    after = demo.step("S-007")
    assert after == done
    assert "Void" not in after["Approval"]
    assert after["Approval"].startswith(f"Approved by {ADMIN}")
    assert "Approval needed: S-007" not in capsys.readouterr().out
    assert demo.history() == sent


def test_a_done_reset_permissions_is_not_executed_again(demo: Demo) -> None:
    """Issue 15, item 6: "A Done `reset permissions` re-executed on the next cycle and its
    Result became '... of 0 educators'." Now it runs once: the next cycles send nothing and
    keep its Result."""
    lms = demo.lms()
    with lms.store.transaction():
        edgenuity.set_permissions(
            lms.store, "T0003", edgenuity.ROLE_DEFAULTS["teacher"] + ", manage schools"
        )
    lms.close()
    for educator in ("T0001", "T0003"):
        demo.set_row("Educators", "Educator ID", educator, "Select", True)
    demo.tick("S-015")
    demo.run()
    done = demo.step("S-015")
    assert done["Status"] == "Done"
    assert [h[1] for h in demo.history("reset permissions")] == ["T0003"]
    sent = demo.history()

    demo.run()
    demo.run()
    assert demo.history() == sent
    assert demo.step("S-015") == done
    assert done["Plan"].startswith(
        "Will restore default permissions of 1 of 20 active educators (selected); "
    )
    assert "T0003 (teacher): -manage schools" in done["Plan"]
    assert done["Result"] == "Restored default permissions of 1 educator; 1 already restored"


def test_a_new_step_never_gets_the_id_of_a_deleted_one(demo: Demo) -> None:
    """Issue 15, item 8: "A Step ID is reused. The last step's row deleted and a new step
    added: the new row gets the old ID, inherits its history and ends 'Done: Nothing to do'
    without touching the LMS." Now the new row gets a Step ID never given before, with no
    history: it plans and runs as the new step it is."""
    demo.run()
    assert demo.step("S-018")["Result"].startswith("Set dates on 12 enrollments")
    demo.delete_step("S-018")
    demo.run()
    assert "S-018" not in demo.steps()

    demo.add_step(
        {
            "System": "Edgenuity",
            "Action": "set enrollment dates",
            "Scope": "Enrollments: class id = K-SH-ALG1-S2",
            "Parameters": "start_date=2026-12-30; target_date=2027-05-20",
            "Owner": COORDINATOR,
            "Run": True,
        }
    )
    demo.run()
    steps = demo.steps()
    assert "S-018" not in steps
    new = steps["S-019"]
    assert new["Scope"] == "Enrollments: class id = K-SH-ALG1-S2"
    assert new["Status"] == "Done"
    enrollments = demo.tab("Enrollments")
    ids = enrollments.loc[enrollments["Class ID"] == "K-SH-ALG1-S2", "Enrollment ID"]
    assert len(ids) > 0
    assert new["Result"] == (
        f"Set dates on {len(ids)} enrollments: start date blank -> 2026-12-30, "
        "target date blank -> 2027-05-20"
    )
    assert sorted(h[1] for h in demo.history("set enrollment dates") if h[1] in set(ids)) == (
        sorted(ids)
    )
    log = demo.tab("Log")
    assert sorted(log.loc[log["Step"] == "S-019", "Record"]) == sorted(ids)
    assert demo.cli("show", "S-018") == 2

    demo.add_step({"System": "Edgenuity", "Action": "resume imports", "Run": False})
    demo.run()
    assert list(demo.steps())[-2:] == ["S-019", "S-020"]
