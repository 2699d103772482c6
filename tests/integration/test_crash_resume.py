"""A run killed mid-step (real subprocess, SIGKILL) resumes without repeating any record."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config
from bot.lms.mock import MockLMS
from bot.state.sqlite import SqliteState
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook


def run_killed(config: Config, call: int, after_apply: bool) -> subprocess.CompletedProcess[str]:
    assert config.source is not None
    faulty = config.source.with_name("faulty.toml")
    faulty.write_text(
        config.source.read_text()
        + f"\n[lms.faults]\nkill_at_call = {call}\nkill_after_apply = {str(after_apply).lower()}\n"
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once", "--config", str(faulty)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def planned_records(config: Config) -> list[str]:
    enrollments = XlsxWorkbook(config.workbook_path, load_template()).read().frames["Enrollments"]
    return enrollments[enrollments["Earned credit"] == "yes"]["Enrollment ID"].tolist()


@pytest.mark.parametrize(
    ("where", "after_apply"),
    [(0.0, True), (0.01, False), (0.1, True), (0.5, False), (0.75, True), (1.0, True)],
)
def test_sigkill_mid_step_then_rerun_applies_each_record_once(
    demo_config: Config, where: float, after_apply: bool
) -> None:
    """S-001 runs first in the cycle, so LMS call N is its Nth record."""
    source = str(demo_config.source)
    assert main(["check", "--config", source]) == 0
    assert main(["approve", "S-001", "--as", "admin@demo-district.org", "--config", source]) == 0
    call = max(1, round(where * len(planned_records(demo_config))))

    killed = run_killed(demo_config, call, after_apply)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    assert main(["run", "--once", "--config", source]) == 0
    assert main(["run", "--once", "--config", source]) == 0

    lms = MockLMS(demo_config.lms_path)
    completed = [h for h in lms.store.history("Edgenuity") if h[2] == "complete enrollments"]
    per_record = Counter(h[1] for h in completed)
    snap = XlsxWorkbook(demo_config.workbook_path, load_template()).read()
    enrollments = snap.frames["Enrollments"]
    planned = planned_records(demo_config)
    assert len(planned) > 50
    assert sorted(per_record) == sorted(planned)
    assert set(per_record.values()) == {1}

    state = SqliteState(demo_config.state_path)
    ledger = [o for o in state.outcomes("S-001") if o.outcome == "applied"]
    assert sorted(o.record_id for o in ledger) == sorted(planned)
    assert state.unlogged() == []
    state.close()

    steps = snap.frames["Checklist"].set_index("Step ID")
    assert steps.loc["S-001", "Status"] == "Done"
    assert steps.loc["S-001", "Approval"].startswith("Approved by admin@demo-district.org")
    log = snap.frames["Log"]
    assert Counter(log[log["Step"] == "S-001"]["Record"]) == Counter(planned)
    statuses = enrollments.set_index("Enrollment ID").loc[planned, "LMS status"]
    assert set(statuses) == {"completed"}
    lms.close()


def test_kill_point_is_really_mid_step(demo_config: Config, tmp_path: Path) -> None:
    """The fault really stops the step part-way: some records are applied, not all."""
    source = str(demo_config.source)
    assert main(["check", "--config", source]) == 0
    assert main(["approve", "S-001", "--as", "admin@demo-district.org", "--config", source]) == 0
    assert run_killed(demo_config, 30, True).returncode == -signal.SIGKILL
    lms = MockLMS(demo_config.lms_path)
    done = [h for h in lms.store.history("Edgenuity") if h[2] == "complete enrollments"]
    assert 0 < len(done) < 60
    lms.close()
