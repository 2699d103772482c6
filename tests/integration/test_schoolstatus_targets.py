"""SchoolStatus steps planned against the LMS and executed towards their target (issue 15,
item 1 for SchoolStatus): on the SchoolStatus demo district, as a coordinator would work it
(`demo --playbook schoolstatus-end-of-year`, the workbook edited, `run --once`, `approve`).

A corrected deletion threshold is applied each time and a repeat sends nothing; a re-ticked
`sync roster` whose plan says "5 to archive" archives them, starts a new threshold base, and
a repeat sends nothing; an approved sync is voided when SchoolStatus gains students outside
its roster; a merge killed mid-step finishes under its approval, each duplicate merged once
and no enrollment lost."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from bot.cli import main
from bot.config import load_config
from bot.lms.mock import MockLMS
from bot.state.sqlite import SqliteState
from tests.real_district import checklist, edit, tab

SYS = "SchoolStatus"
ADMIN = "admin@demo-district.org"
SIGKILL = -signal.SIGKILL


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """The SchoolStatus demo district after its first cycle: S-001 set the threshold to 15%,
    S-002 paused the sync, S-003 downloaded the reports; the rest awaits approval or waits."""
    directory = tmp_path / "demo"
    argv = ["demo", "--dir", str(directory), "--students", "60"]
    assert main([*argv, "--playbook", "schoolstatus-end-of-year"]) == 0
    return directory / "config.toml"


def run(config: Path) -> None:
    assert main(["run", "--once", "--config", str(config)]) == 0


def approve(config: Path, *steps: str) -> None:
    for step in steps:
        assert main(["approve", step, "--as", ADMIN, "--config", str(config)]) == 0


def retick(config: Path, step: str) -> None:
    """Untick Run (a cycle shows the step Idle), then tick it again and run a cycle."""
    edit(config, step, Run=False)
    run(config)
    assert checklist(config)[step]["Status"] == "Idle"
    edit(config, step, Run=True)
    run(config)


def lms(config: Path) -> MockLMS:
    return MockLMS(load_config(str(config)).lms_path)


def calls(config: Path, action: str) -> Counter[str]:
    """How many times SchoolStatus was sent ``action``, per record."""
    mock = lms(config)
    try:
        return Counter(h[1] for h in mock.store.history(SYS) if h[2] == action)
    finally:
        mock.close()


def setting(config: Path, key: str) -> str:
    mock = lms(config)
    try:
        return mock.settings(SYS).get(key, "")
    finally:
        mock.close()


def students(config: Path) -> dict[str, str]:
    mock = lms(config)
    try:
        frame = mock.records(SYS, "students")
        return dict(zip(frame["id"], frame["status"], strict=True))
    finally:
        mock.close()


def leave_the_roster(config: Path, how_many: int) -> list[str]:
    """The first active students of the Students tab marked graduated (they left the SIS)."""
    path = load_config(str(config)).workbook_path
    book = load_workbook(path)
    sheet = book["Students"]
    headers = [c.value for c in sheet[1]]
    left: list[str] = []
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("Status")].value == "active" and len(left) < how_many:
            row[headers.index("Status")].value = "graduated"
            left.append(str(row[0].value))
    book.save(path)
    return left


def synced_once(config: Path) -> None:
    """Every step before the sync approved and run, then the sync itself: S-010 Done."""
    approve(config, "S-004", "S-005", "S-006", "S-008")
    run(config)
    approve(config, "S-007")
    run(config)
    assert checklist(config)["S-010"]["Status"] == "Awaiting approval"
    approve(config, "S-010")
    run(config)
    sync = checklist(config)["S-010"]
    assert sync["Status"] == "Done", sync["Result"]


def baseline(config: Path) -> int:
    """The threshold's base of SchoolStatus students this rollover, as the bot keeps it."""
    engine = create_engine(f"sqlite:///{load_config(str(config)).state_path}")
    try:
        with engine.connect() as conn:
            query = "SELECT active FROM baselines WHERE system = :s AND kind = 'students'"
            return int(conn.execute(text(query), {"s": SYS}).scalar_one())
    finally:
        engine.dispose()


def test_a_corrected_deletion_threshold_is_applied_and_a_repeat_sends_nothing(
    config: Path,
) -> None:
    """Was: the threshold changed 15 -> 2 -> 0.5 and the LMS kept 15; then, once corrections
    were applied, a re-ticked step sent the same threshold again. Now each correction is a
    new target, applied; the same threshold again is "Nothing to do", nothing sent; a
    threshold that is no share of the students is Invalid before anything is sent."""
    assert checklist(config)["S-001"]["Result"] == "Deletion threshold 15%"
    assert setting(config, "deletion_threshold") == "15"

    edit(config, "S-001", Parameters="percent=2")
    run(config)
    assert checklist(config)["S-001"]["Result"] == "Deletion threshold 2%"
    assert setting(config, "deletion_threshold") == "2"

    edit(config, "S-001", Parameters="percent=0.5")
    run(config)
    assert checklist(config)["S-001"]["Result"] == "Deletion threshold 0.5%"
    assert setting(config, "deletion_threshold") == "0.5"

    retick(config, "S-001")
    step = checklist(config)["S-001"]
    assert (step["Status"], step["Result"]) == (
        "Done",
        "Nothing to do: the SchoolStatus deletion threshold is already 0.5%",
    )
    assert calls(config, "set deletion threshold") == {"deletion_threshold": 3}

    edit(config, "S-001", Parameters="percent=0")
    run(config)
    step = checklist(config)["S-001"]
    assert (step["Status"], step["Result"]) == (
        "Invalid",
        "Parameters: percent=0 is not a share of the active students: give a number more than "
        "0 and at most 100",
    )
    assert setting(config, "deletion_threshold") == "0.5"
    assert calls(config, "set deletion threshold") == {"deletion_threshold": 3}


def test_a_re_ticked_sync_archives_what_its_plan_said_and_a_repeat_sends_nothing(
    config: Path,
) -> None:
    """Was: a re-ticked `sync roster` whose plan said "5 to archive" ended "Nothing to do";
    then, once it was sent again, a re-ticked sync with nothing to do was sent anyway. Now
    the plan comes from SchoolStatus's students each time, the sync archives the five, the
    threshold's base becomes the active count after the sync (DESIGN section 7), and a sync
    SchoolStatus holds already is not sent."""
    synced_once(config)
    after_first = students(config)
    active = sum(s == "active" for s in after_first.values())
    assert baseline(config) == active
    gone = leave_the_roster(config, 5)

    retick(config, "S-010")
    sync = checklist(config)["S-010"]
    assert sync["Status"] == "Awaiting approval"
    assert sync["Plan"] == (
        f"Will sync {active - 5} students to SchoolStatus: 0 new, 0 to update, 5 to archive of "
        f"{active} active ({', '.join(sorted(gone)[:3])} and 2 more)"
    )
    approve(config, "S-010")
    run(config)
    sync = checklist(config)["S-010"]
    assert (sync["Status"], sync["Result"]) == (
        "Done",
        "Synced roster: 0 created, 0 updated, 5 archived",
    )
    now = students(config)
    assert {i: now[i] for i in gone} == dict.fromkeys(gone, "archived")
    assert baseline(config) == active - 5

    retick(config, "S-010")
    sync = checklist(config)["S-010"]
    assert (sync["Status"], sync["Result"]) == (
        "Done",
        f"Nothing to sync: SchoolStatus holds the {active - 5} students in scope as they are "
        "and no other student is active",
    )
    assert calls(config, "sync roster") == {"students": 2}
    assert students(config) == now


def test_an_approved_sync_is_void_once_schoolstatus_has_students_outside_its_roster(
    config: Path,
) -> None:
    """The sync's approval binds to its roster and to the students it leaves archived: three
    students uploaded by hand in Connect after the approval would be archived by it, so the
    approval is void and the new plan says so; nothing is sent until an admin approves it."""
    approve(config, "S-004", "S-005", "S-006", "S-008")
    run(config)
    approve(config, "S-007")
    run(config)
    approve(config, "S-010")
    mock = lms(config)
    try:
        with mock.store.transaction():
            for n in range(1, 4):
                mock.store.put(SYS, "students", f"HAND-{n}", "active", {"first_name": f"H{n}"})
    finally:
        mock.close()
    run(config)

    sync = checklist(config)["S-010"]
    assert sync["Status"] == "Awaiting approval"
    assert sync["Approval"].startswith(f"Void: the step changed after {ADMIN} decided")
    assert "3 to archive" in sync["Plan"] and "(HAND-1, HAND-2, HAND-3)" in sync["Plan"]
    assert calls(config, "sync roster") == {}
    assert {students(config)[f"HAND-{n}"] for n in range(1, 4)} == {"active"}


def add_enrollments(config: Path) -> dict[str, str]:
    """Two enrollments of each manually uploaded duplicate (M-...), in SchoolStatus; returns
    the student each enrollment must end with (the duplicate's survivor)."""
    mock = lms(config)
    survivors = {}
    try:
        with mock.store.transaction():
            for dup in ("M-000001", "M-000002"):
                for n in (1, 2):
                    enrollment = f"E-{dup}-{n}"
                    data = {"student_id": dup, "class_id": f"K-{n}"}
                    mock.store.put(SYS, "enrollments", enrollment, "active", data)
                    survivors[enrollment] = dup.removeprefix("M-")
    finally:
        mock.close()
    return survivors


def run_killed(config: Path, call: int, after_apply: bool) -> subprocess.CompletedProcess[str]:
    """`run --once` in its own process, killed (SIGKILL) during LMS call ``call``: after
    SchoolStatus applied it (never acknowledged), or before."""
    faulty = config.with_name("faulty.toml")
    faulty.write_text(
        config.read_text()
        + f"\n[lms.faults]\nkill_at_call = {call}\nkill_after_apply = {str(after_apply).lower()}\n"
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once", "--config", str(faulty)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("call", "after_apply"), [(1, True), (2, False), (2, True)])
def test_a_merge_killed_mid_step_merges_each_duplicate_once_and_loses_no_enrollment(
    config: Path, call: int, after_apply: bool
) -> None:
    """Was: a merge applied but never acknowledged left the plan without that duplicate (no
    longer active): the approval was void, and the merge was never logged. Now the step's
    merges are in the rollover ledger before each call and read back after a crash (the
    duplicate merged into its survivor is at target): the step finishes under its approval,
    each duplicate merged once, logged once, its enrollments with its survivor."""
    survivors = add_enrollments(config)
    approve(config, "S-008")
    killed = run_killed(config, call, after_apply)
    assert killed.returncode == SIGKILL, killed.stderr
    run(config)
    run(config)

    merge = checklist(config)["S-008"]
    assert merge["Status"] == "Done", merge["Result"]
    assert merge["Approval"].startswith(f"Approved by {ADMIN}")
    assert calls(config, "merge duplicate students") == {"M-000001": 1, "M-000002": 1}
    assert {s: students(config)[s] for s in ("M-000001", "M-000002")} == dict.fromkeys(
        ("M-000001", "M-000002"), "merged"
    )
    mock = lms(config)
    try:
        enrollments = mock.records(SYS, "enrollments").set_index("id")["student_id"]
    finally:
        mock.close()
    assert {e: enrollments[e] for e in survivors} == survivors
    state = SqliteState(load_config(str(config)).state_path)
    try:
        applied = [o.record_id for o in state.outcomes("S-008") if o.outcome == "applied"]
        assert state.unlogged() == []
    finally:
        state.close()
    assert sorted(applied) == ["M-000001", "M-000002"]
    log = tab(config, "Log")
    assert Counter(log[log["Step"] == "S-008"]["Record"]) == {"M-000001": 1, "M-000002": 1}
