"""Exactly once, as a coordinator meets it in the demo (issue 15, items 1-3): a corrected
parameter is applied, an undone step can run again, and a promotion happens once per
rollover however many steps ask for it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.coordinator import ADMIN, COORDINATOR, Demo, on_the_day


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    yield from on_the_day(tmp_path)


def test_a_corrected_target_date_is_applied(demo: Demo) -> None:
    """Issue 15, item 1: "A corrected parameter is never applied. S-018 (set enrollment
    dates) was Done; its target date was corrected from 2027-05-17 to 2027-05-20 and the step
    run again: the Result says 'Done: Nothing to do: all 12 enrollments were already done by
    this step' and the LMS keeps 2027-05-17." Now the corrected date is a new target: the
    step run again sets it on every enrollment, and its Result says what changed."""
    demo.run()
    first = demo.step("S-018")
    assert first["Status"] == "Done"
    assert first["Parameters"].endswith("target_date=2027-05-17")
    enrollments = demo.tab("Enrollments")
    class_id = first["Scope"].rsplit("=", 1)[1].strip()
    ids = enrollments.loc[enrollments["Class ID"] == class_id, "Enrollment ID"].tolist()
    assert len(ids) == 12
    assert set(demo.records("enrollments").loc[ids, "target_date"]) == {"2027-05-17"}

    demo.set_step("S-018", "Parameters", first["Parameters"].replace("05-17", "05-20"))
    demo.tick_again("S-018")
    demo.run()

    again = demo.step("S-018")
    assert again["Status"] == "Done"
    assert again["Result"] == "Set dates on 12 enrollments: target date 2027-05-17 -> 2027-05-20"
    assert "target date 2027-05-17 -> 2027-05-20" in again["Plan"]
    assert set(demo.records("enrollments").loc[ids, "target_date"]) == {"2027-05-20"}
    sent = Counter(h[1] for h in demo.history("set enrollment dates"))
    assert sent == Counter(dict.fromkeys(ids, 2))
    rows = demo.tab("Enrollments").set_index("Enrollment ID").loc[ids]
    assert set(rows["LMS status"]) == {"active, start date 2026-12-30, target date 2027-05-20"}

    demo.run()
    assert demo.step("S-018") == again
    assert len(demo.history("set enrollment dates")) == 24


def test_an_undone_step_ticked_again_asks_again_and_archives_again(demo: Demo) -> None:
    """Issue 15, item 2: "After undo, a step can never run again. S-007 undone (10 seniors
    restored), then re-ticked: 'Done: Nothing to do: all 10 students were already done by
    this step' while they are active in the LMS." Now the restored seniors are off target
    again: ticked again, the step asks for approval again and, approved, archives them again."""
    demo.run()
    demo.approve("S-007")
    demo.run()
    assert demo.step("S-007")["Result"] == "Archived 10 students"
    students = demo.records("students")
    seniors = sorted(students.index[students["status"] == "archived"])
    assert len(seniors) == 10

    assert demo.cli("undo", "S-007", "--as", ADMIN) == 0
    assert set(demo.records("students").loc[seniors, "status"]) == {"active"}
    demo.run()
    assert demo.step("S-007")["Status"] == "Undone"

    demo.tick_again("S-007")
    demo.run()
    asked = demo.step("S-007")
    assert asked["Status"] == "Awaiting approval"
    assert asked["Plan"].startswith("Will archive 10 of 288 active students (grade 12, ")
    assert asked["Approval"].startswith("requested ")

    demo.approve("S-007")
    demo.run()
    done = demo.step("S-007")
    assert (done["Status"], done["Result"]) == ("Done", "Archived 10 students")
    assert done["Approval"].startswith(f"Approved by {ADMIN}")
    assert set(demo.records("students").loc[seniors, "status"]) == {"archived"}
    assert Counter(h[1] for h in demo.history("archive students")) == Counter(
        dict.fromkeys(seniors, 2)
    )
    log = demo.tab("Log")
    archived = log[(log["Step"] == "S-007") & (log["Action"] == "archive students")]
    assert Counter(archived["Record"]) == Counter(dict.fromkeys(seniors, 2))


def test_a_second_promote_step_leaves_students_promoted_this_rollover_alone(demo: Demo) -> None:
    """Issue 15, item 3: "Grades can be promoted twice. A second `promote grades` row for two
    students already promoted by S-008: 'Promoted 2 students', grade 9 -> 10 -> 11. DESIGN
    calls this the canonical disaster." Now the rollover's ledger says who promoted them: the
    second step promotes no one and says so; each student was promoted once. A student
    S-008 promoted into grade 12 is no senior to archive first: the step says the same."""
    demo.tick("S-009", False)
    demo.run()
    demo.approve("S-007")
    demo.run()
    demo.approve("S-008")
    demo.run()
    assert demo.step("S-008")["Status"] == "Done"
    promoted = sorted({h[1] for h in demo.history("promote grades")})
    grades = demo.records("students").loc[promoted, "grade"]
    two = sorted(grades.index[grades == "10"])[:2]
    senior = sorted(grades.index[grades == "12"])[0]
    assert len(two) == 2

    demo.add_step(promote_step(two))
    demo.run()
    second = demo.step("S-019")
    assert second["Plan"] == (
        f"Nothing to promote: no student in scope needs it (student id in ({', '.join(two)})); "
        "2 already promoted this rollover by S-008"
    )
    # nothing to promote, so nothing to approve: the step is Done at once, sending nothing
    assert second["Status"] == "Done"
    assert second["Result"] == "Nothing to do: 2 students already promoted this rollover by S-008"

    demo.add_step(promote_step([senior]))
    demo.run()
    third = demo.step("S-020")
    assert third["Plan"] == (
        f"Nothing to promote: no student in scope needs it (student id in ({senior})); "
        "1 already promoted this rollover by S-008"
    )
    assert third["Status"] == "Done"
    assert third["Result"] == "Nothing to do: 1 student already promoted this rollover by S-008"

    assert demo.records("students").loc[[*two, senior], "grade"].tolist() == ["10", "10", "12"]
    assert Counter(h[1] for h in demo.history("promote grades")) == Counter(
        dict.fromkeys(promoted, 1)
    )


def promote_step(students: list[str]) -> dict[str, object]:
    return {
        "System": "Edgenuity",
        "Action": "promote grades",
        "Scope": f"Students: student id in ({', '.join(students)})",
        "Owner": COORDINATOR,
        "Run": True,
    }


def approved(demo: Demo, step_id: str) -> dict[str, str]:
    """The step once approved (a destructive step asks even when nothing will change) and
    run."""
    demo.approve(step_id)
    demo.run()
    return demo.step(step_id)
