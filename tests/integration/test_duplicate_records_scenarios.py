"""A record ID on two rows of a roster tab, as a coordinator meets it in the demo (issue 15,
item 9): which row is the record? The steps that select it are not acted on until the tab
says, and they name the rows; the other steps go on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.coordinator import COORDINATOR, Demo, on_the_day


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    yield from on_the_day(tmp_path)


OTHER = {"North High": "South High", "South High": "North High"}


def test_a_student_on_two_rows_makes_the_steps_selecting_it_invalid(demo: Demo) -> None:
    """Issue 15, item 9: "Duplicate record IDs in a roster tab are executed and logged twice
    ('Moved 10 students' for 9), the second row showing 'applied' although the LMS kept the
    other value." Now a step that selects a student whose ID is on two rows is Invalid,
    naming the rows, whether both rows are selected or only one; nothing is sent for it, no
    row says applied; the steps that select no duplicate run."""
    students = demo.tab("Students")
    chosen = students[students["Select"] == "TRUE"]
    assert len(chosen) >= 2
    both, one = chosen.iloc[0].to_dict(), chosen.iloc[1].to_dict()
    for row, selected in ((both, True), (one, False)):
        demo.set_row("Students", "Student ID", row["Student ID"], "School", OTHER[row["School"]])
        demo.append_row("Students", row | {"Select": selected, "_row": None})
    demo.add_step(
        {
            "System": "Edgenuity",
            "Action": "change home school",
            "Scope": "Students: selected",
            "Owner": COORDINATOR,
            "Run": True,
        }
    )
    demo.run()

    rows = demo.tab("Students")
    where = {
        sid: [int(r) for r in rows.loc[rows["Student ID"] == sid, "_row"]]
        for sid in (both["Student ID"], one["Student ID"])
    }
    named = " and ".join(f"{sid} (rows {a}, {b})" for sid, (a, b) in sorted(where.items()))
    moving = demo.step("S-019")
    assert (moving["Status"], moving["Result"]) == (
        "Invalid",
        f"Scope: 2 Student IDs on more than one row of Students: {named}; keep one row per record",
    )
    assert demo.history("change home school") == []
    assert not rows["Last action"].str.contains("S-019").any()
    assert demo.step("S-007")["Status"] == "Awaiting approval"
    assert demo.step("S-018")["Status"] == "Done"

    demo.approve("S-007")
    demo.run()
    assert demo.step("S-007")["Result"] == "Archived 10 students"
    assert demo.step("S-019")["Status"] == "Invalid"
    assert demo.history("change home school") == []
