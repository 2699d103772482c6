"""The catalogue (`rollover-bot actions`), the safety guards, the playbooks and their demos."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from bot.actions import registry
from bot.cli import main
from bot.core.status import status_of
from bot.districts.playbooks import playbook_names, playbooks_dir
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook
from tests.actions.action_helpers import plan, seeded, tab

SYSTEMS = {"Edgenuity", "SchoolStatus", "Twig Science", "Renaissance", "Schoology"}
DESTRUCTIVE_VERBS = ("archive", "disable", "delete", "merge", "complete", "promote")


def test_actions_lists_at_least_30_actions_across_the_five_systems(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`rollover-bot actions` prints name, system, destructive or not, scope tab, parameters
    and one line of help (issue #4, item 7)."""
    assert main(["actions"]) == 0
    out = capsys.readouterr().out
    assert "actions across 5 systems." in out
    assert "Parameters (* required)" in out and "Scope tab" in out
    catalogue = registry().catalogue
    assert len(catalogue) >= 30 and set(catalogue.systems()) == SYSTEMS
    line = next(row for row in out.splitlines() if row.startswith("set active year"))
    assert "Schoology" in line and "(none)" in line and "year*" in line
    assert main(["actions", "--system", "renaissance"]) == 0
    assert "4 actions across 1 system." in capsys.readouterr().out
    assert main(["actions", "--system", "nope"]) == 2


def test_destructive_flags_follow_the_verbs() -> None:
    """Archive, disable, delete, merge, complete and promote are destructive; so are removing
    records, a sync that archives, and a transfer import that merges students."""
    catalogue = registry().catalogue
    for spec in catalogue:
        if spec.name.split()[0] in DESTRUCTIVE_VERBS:
            assert spec.destructive, spec.name
    more = [
        ("Edgenuity", "remove custom courses"),
        ("SchoolStatus", "remove inactive staff"),
        ("SchoolStatus", "sync roster"),
        ("Renaissance", "import transfer"),
    ]
    assert all(getattr(catalogue.get(*key), "destructive", False) for key in more)
    kept = catalogue.get("Edgenuity", "remove external course code")
    assert kept is not None and not kept.destructive


def test_the_truncated_input_guard_says_what_it_saw(tmp_path: Path) -> None:
    """DESIGN section 7: a roster tab that is empty, header-only, or shrank past the threshold
    is not acted on."""
    rows = [{"Student ID": f"{n:03d}", "Status": "active", "Grade": "12"} for n in range(20)]
    lms = seeded(tmp_path, "Edgenuity", {"Students": tab("Students", rows)})
    short = {"Students": tab("Students", rows[:2])}
    seen = plan(lms, "Edgenuity", "archive students", short, "Students: grade = 12")
    assert "the Students tab has 2 rows but the LMS has 20 active records (90.0% fewer > 10%)" in (
        seen.why
    )
    empty = plan(
        lms, "Edgenuity", "archive students", {"Students": tab("Students", [])}, "Students: all"
    )
    assert "the Students tab is empty (header only): not acted on" in empty.why


@pytest.mark.parametrize("name", playbook_names())
def test_each_playbook_is_the_seed_procedure_with_known_actions(name: str) -> None:
    """Playbooks list the vendor's steps in order, with Depends on and due dates relative to the
    rollover date."""
    with (playbooks_dir() / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    catalogue = registry().catalogue
    ids = [r["Step ID"] for r in rows]
    assert ids == [f"S-{n:03d}" for n in range(1, len(rows) + 1)]
    assert all(catalogue.get(r["System"], r["Action"]) is not None for r in rows)
    assert all(r["Notes"].strip() for r in rows if r["Action"] == "manual")
    assert all(r["Due"].startswith("rollover") for r in rows)
    assert all(r["Run on"].startswith("rollover") for r in rows if r["Run on"])
    for row in rows:
        deps = [d.strip() for d in row["Depends on"].split(",") if d.strip()]
        assert all(ids.index(d) < ids.index(row["Step ID"]) for d in deps)
    assert Counter(bool(r["Depends on"]) for r in rows)[True] >= 1
    assert {r["System"] for r in rows} <= SYSTEMS
    assert len(playbook_names()) >= 5


@pytest.mark.parametrize("name", playbook_names())
def test_demo_starts_from_any_playbook(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rollover-bot demo --playbook NAME --dir D` exits 0 and its Checklist shows the
    playbook's steps with life-cycle statuses."""
    directory = tmp_path / "d"
    assert main(["demo", "--playbook", name, "--dir", str(directory), "--students", "40"]) == 0
    capsys.readouterr()
    snap = XlsxWorkbook(directory / "rollover.xlsx", load_template()).read()
    steps = snap.frames["Checklist"].set_index("Step ID")
    with (playbooks_dir() / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        expected = [r["Step ID"] for r in csv.DictReader(handle)]
    assert list(steps.index) == expected
    statuses = {status_of(s).value for s in steps["Status"]}
    expected_statuses = {"Done", "Awaiting approval", "Waiting", "Idle", "Planned", "Scheduled"}
    assert statuses <= expected_statuses | {"Not confirmed"}, steps["Result"]
    assert "Done" in statuses
