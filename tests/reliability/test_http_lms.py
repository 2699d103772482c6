"""The reliability suite over HTTP: the bot's HTTP adapters on the fake LMS.

* Kills mid-bulk: the fake SIGKILLs the bot's process at a write request, as if just before
  sending it (nothing applied) or once the LMS applied it, before the answer (the bot dies
  between a bulk request and its outcomes); each resumed run reads the records back.
* The fake's faults: an error rate, 429 with Retry-After, 5xx, connection resets before and
  after a change is applied, bulk requests that apply part of their records, a server down and
  restarted; on a change that is repeatable (completing) and one that is not (promoting).
* Durable writes per batch: at most 2 commits of the state store per bulk request.

Every record ends applied once: the fake's ``/_fake/changes`` shows no record changed twice.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import time_machine

from bot.cycle import Cycle
from bot.lms.http import Policy
from bot.lms.mock import MockLMS
from bot.state.sqlite import SqliteState
from bot.steps.approve import decide
from tests.reliability.checks import approve, assert_applied_once, planned_enrollments
from tests.reliability.district import ADMIN, STEP, step_row
from tests.reliability.figures import count_http, count_outcomes
from tests.reliability.http_district import HttpDistrict, KillSwitch, http_district

START = datetime(2026, 11, 23, 9, 0)
COMPLETE = "/edgenuity/v1/enrollments:complete"
PROMOTE = "/edgenuity/v1/students:promote"
PROMOTE_STEP = [step_row(STEP, "promote grades", "Students: grade in (9, 10, 11)")]


def killed_run(district: HttpDistrict, switch: KillSwitch, at: int, after: bool) -> bool:
    """One cycle in a forked process that the fake kills at its ``at``-th write; False when
    the cycle got through without reaching it."""
    switch.arm(at, after)
    pid = os.fork()
    if pid == 0:
        try:
            with district.open() as svc:
                Cycle(svc).run()
        finally:
            os._exit(3)
    switch.target(pid)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL, status
        count_http(crash_points=1)
        return True
    assert os.WEXITSTATUS(status) == 3, status
    return False


def test_sigkill_mid_bulk_over_http_applies_each_record_once(tmp_path: Path) -> None:
    with http_district(tmp_path / "kills", enrollments=130) as district:
        assert district.fake is not None
        planned = planned_enrollments(district)
        fingerprint = approve(district)
        switch = KillSwitch(district.fake)
        kills, after = 0, True
        while killed_run(district, switch, at=1, after=after):
            kills += 1
            after = not after
            changes = district.changes()
            assert set(changes.values()) <= {1}, changes.most_common(3)
            assert kills < 30, "the step makes no progress between kills"
        assert kills >= 4
        district.cycle()
        assert_applied_once(district, planned, fingerprint)


def rerun(district: HttpDistrict, clock: time_machine.Traveller, step: str = STEP) -> str:
    """What staff do to re-run a finished step: untick Run (a cycle), tick it (a cycle)."""
    clock.shift(timedelta(minutes=1))
    district.set_cells("Checklist", step, Run=False)
    district.cycle()
    district.set_cells("Checklist", step, Run=True)
    district.cycle()
    return district.step(step)["Status"]


def queue(path: str) -> list[dict[str, Any]]:
    """One of each of the fake's faults on ``path``: a rate limit, each 5xx, resets before
    and after the change, bulk requests that apply part of their records."""
    faults: list[dict[str, Any]] = [
        {"type": "status", "status": 429, "retry_after": 2},
        *({"type": "status", "status": s} for s in (500, 502, 503, 504)),
        {"type": "reset", "when": "before"},
        {"type": "reset", "when": "after", "times": 2},
        {"type": "partial", "apply": 7, "times": 2},
    ]
    return [f | {"path": path} for f in faults]


def run_with_faults(district: HttpDistrict, path: str) -> int:
    """Cycles with faults (an error rate, the queued ones, a restart, a server down) until
    the step is done; returns how many faults the fake injected."""
    fake = district.fake
    assert fake is not None
    fake.faults.configure({"error_rate": 0.2, "seed": 11, "queue": queue(path)})
    with time_machine.travel(START, tick=False) as clock:
        district.cycle()
        status = district.step()["Status"]
        fake.restart()
        fake.faults.configure({"queue": queue(path)})
        if status != "Done":
            status = rerun(district, clock)
        fake.stop()
        if status != "Done":
            district.set_cells("Checklist", STEP, Run=False)
            district.cycle()
            district.set_cells("Checklist", STEP, Run=True)
            district.cycle()
            assert district.step()["Status"] != "Done"
        fake.start()
        fake.faults.configure({"error_rate": 0.0})
        for _ in range(3):
            if district.step()["Status"] == "Done":
                break
            status = rerun(district, clock)
        assert district.step()["Status"] == "Done", district.step()["Result"]
    partial_applies, restarts, outages = 4, 1, 1
    return district.faults_seen() + partial_applies + restarts + outages


def test_the_fakes_faults_on_a_repeatable_change(tmp_path: Path) -> None:
    with http_district(tmp_path / "complete", enrollments=240) as district:
        planned = planned_enrollments(district)
        fingerprint = approve(district)
        injected = run_with_faults(district, COMPLETE)
        count_http(faults=injected)
        assert injected > 20
        assert district.time.waits.count(2) >= 1
        assert_applied_once(district, planned, fingerprint)


def grades(district: HttpDistrict) -> dict[str, int]:
    lms = MockLMS(district.config.lms_path)
    try:
        frame = lms.records("Edgenuity", "students")
    finally:
        lms.close()
    return dict(zip(frame["id"], frame["grade"].astype(int), strict=True))


def test_the_fakes_faults_on_a_promotion_never_promote_twice(tmp_path: Path) -> None:
    """A promotion is not sent again after a lost answer: the rollover ledger keeps its target
    and the next run reads the student back."""
    with http_district(tmp_path / "promote", students=160, steps=PROMOTE_STEP) as district:
        before = grades(district)
        district.cycle(execute=False)
        with district.open() as svc:
            decide(svc, STEP, ADMIN)
        injected = run_with_faults(district, PROMOTE)
        count_http(faults=injected)
        promoted = district.changes("promote grades")
        planned = [f"Edgenuity:promote grades:{r}" for r, g in before.items() if g < 12]
        applied, _ = district.ledger()
        lost, doubled = count_outcomes(
            planned, [f"Edgenuity:promote grades:{r}" for r in applied], [], promoted
        )
        assert (lost, doubled) == (0, 0)
        assert sorted(promoted) == sorted(planned)
        after = grades(district)
        assert {r: after[r] - before[r] for r in before if before[r] < 12} == {
            r: 1 for r in before if before[r] < 12
        }


@contextmanager
def counted_commits(state: SqliteState) -> Iterator[list[str]]:
    """The store's durable writes between a run's intent and its finish, but the run's own
    (the snapshot a destructive step keeps once per run)."""
    counted: list[str] = []
    executing = [False]
    transaction, append = state.transaction, state.append
    intend, finish, snapshot = state.intend, state.finish_run, state.save_snapshot

    def writing(writing: bool) -> Any:
        if writing and executing[0]:
            counted.append("transaction")
        return transaction(writing)

    def appended(*args: Any) -> None:
        if executing[0]:
            counted.append("append")
        append(*args)

    def intended(*args: Any) -> None:
        intend(*args)
        executing[0] = True

    def finished(*args: Any) -> None:
        executing[0] = False
        finish(*args)

    def kept(*args: Any) -> int:
        executing[0] = False
        try:
            return snapshot(*args)
        finally:
            executing[0] = True

    state.transaction = writing  # type: ignore[method-assign]
    state.append = appended  # type: ignore[method-assign,assignment]
    state.intend = intended  # type: ignore[method-assign,assignment]
    state.finish_run = finished  # type: ignore[method-assign,assignment]
    state.save_snapshot = kept  # type: ignore[method-assign,assignment]
    yield counted


def test_at_most_two_durable_commits_per_bulk_request(tmp_path: Path) -> None:
    """A promotion: its rollover ledger entries before each bulk request, its outcomes and
    settlements after, one transaction each."""
    with http_district(tmp_path / "commits", students=200, steps=PROMOTE_STEP) as district:
        district.policy = Policy(attempts=3, concurrency=1, batch_limit=25)
        district.cycle(execute=False)
        with district.open() as svc:
            decide(svc, STEP, ADMIN)
        with district.open() as svc:
            assert isinstance(svc.state, SqliteState)
            with counted_commits(svc.state) as commits:
                Cycle(svc).run()
        assert district.step()["Status"] == "Done"
        assert district.fake is not None
        requests = [r for r in district.fake.requests if r.path == PROMOTE]
        promoted = sum(district.changes("promote grades").values())
        assert len(requests) == -(-promoted // 25) >= 5
        assert len(commits) <= 2 * len(requests), commits
