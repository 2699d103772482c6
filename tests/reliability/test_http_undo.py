"""`undo` over HTTP: a Schoology step that made graduated students inactive, undone on the
fake LMS. The restores go in bulk requests (``PUT /v1/users/reactivate``, a batch each), each
batch's outcomes in one durable write; a record refused fails alone; an undo killed mid-bulk
and run again restores each record once."""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bot.cli import main
from bot.lms.http import Policy
from bot.lms.mock import MockLMS
from bot.state.sqlite import SqliteState
from bot.steps.undo import undo
from bot.testing.fake_lms import DEFAULT_TOKEN, FakeLMSServer
from tests.reliability.checks import approve
from tests.reliability.district import ADMIN, STEP, build_district, step_row, student_rows
from tests.reliability.figures import count_http
from tests.reliability.http_district import HttpDistrict, KillSwitch, http_district

SYSTEM = "Schoology"
STUDENTS = 200
LEAVING = STUDENTS // 4
"""The graduated students (every fourth) the step makes inactive."""
BATCH = 20
POLICY = Policy(attempts=3, concurrency=1, batch_limit=BATCH)
"""20 records a bulk request, one at a time: a bulk call of the seam is one request."""
REACTIVATE = "/schoology/v1/users/reactivate"


@pytest.fixture(autouse=True)
def schoology_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_KEY", DEFAULT_TOKEN)
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_SECRET", "fake-secret")


@contextmanager
def schoology_district(root: Path) -> Iterator[HttpDistrict]:
    """A district whose step makes its graduated students inactive in Schoology, its store
    served by the fake LMS."""
    step = step_row(
        STEP, "deactivate users", "Students: status = graduated", "allow_over_threshold=yes"
    )
    plain = build_district(root, students=STUDENTS, steps=[step | {"System": SYSTEM}], seed={})
    lms = MockLMS(plain.config.lms_path)
    try:
        lms.seed(SYSTEM, {"Students": pd.DataFrame(student_rows(STUDENTS), dtype=object)})
    finally:
        lms.close()
    with FakeLMSServer(plain.config.lms_path, rate_limits=False) as fake:
        yield HttpDistrict(plain.root, plain.config, fake=fake, url=fake.url, policy=POLICY)


def students(district: HttpDistrict) -> pd.DataFrame:
    lms = MockLMS(district.config.lms_path)
    try:
        return lms.records(SYSTEM, "students").set_index("id").sort_index()
    finally:
        lms.close()


def deactivated(district: HttpDistrict) -> pd.DataFrame:
    """The step run, approved by an admin: its graduated students made inactive. Returns the
    students as they were before."""
    before = students(district)
    approve(district)
    assert district.cycle().views[STEP].status == "Done"
    after = students(district)
    assert (after["status"] == "deactivated").sum() == LEAVING
    return before


def restore_requests(district: HttpDistrict) -> list[Any]:
    assert district.fake is not None
    return [r for r in district.fake.requests if r.path == REACTIVATE]


def reactivated(district: HttpDistrict) -> dict[str, int]:
    """Users the fake made active again, and how many times each."""
    return dict(district.changes("reactivate users"))


def undo_outcomes(district: HttpDistrict) -> list[tuple[str, str, str]]:
    state = SqliteState(district.config.state_path)
    try:
        return [(o.record_id, o.outcome, o.by) for o in state.outcomes(STEP) if o.action == "undo"]
    finally:
        state.close()


def test_undo_restores_a_batch_a_request_each_record_once(tmp_path: Path) -> None:
    with schoology_district(tmp_path / "d") as district:
        before = deactivated(district)
        leaving = sorted(students(district).query("status == 'deactivated'").index)
        with district.open() as svc:
            assert isinstance(svc.state, SqliteState)
            commits: list[str] = []
            transaction, append = svc.state.transaction, svc.state.append

            def writing(writing: bool) -> Any:
                if writing:
                    commits.append("transaction")
                return transaction(writing)

            def appended(*args: Any) -> None:
                commits.append("append")
                append(*args)

            svc.state.transaction = writing  # type: ignore[method-assign]
            svc.state.append = appended  # type: ignore[method-assign,assignment]
            report = undo(svc, STEP, ADMIN)
        assert report.text == (
            f"Restored {LEAVING} of {LEAVING} records from the snapshot (by {ADMIN})"
        )
        requests = restore_requests(district)
        assert len(requests) == -(-LEAVING // BATCH) == 3
        assert reactivated(district) == {f"{SYSTEM}:reactivate users:{u}": 1 for u in leaving}
        pd.testing.assert_frame_equal(students(district), before)
        assert len(commits) <= len(requests) + 3, commits  # + the run, approvals, once-ledger
        assert sorted(undo_outcomes(district)) == [(u, "restored", ADMIN) for u in leaving]

        with district.open() as svc:
            assert undo(svc, STEP, ADMIN).text.startswith("Nothing to undo")
        assert len(restore_requests(district)) == 3
        assert district.cycle().views[STEP].status == "Undone"


def test_a_refused_record_fails_alone_its_batch_restored(tmp_path: Path) -> None:
    """A user deleted from Schoology since the step is refused, named; the others of its
    batch are restored in the same request."""
    with schoology_district(tmp_path / "d") as district:
        before = deactivated(district)
        leaving = sorted(students(district).query("status == 'deactivated'").index)
        gone = leaving[1]
        lms = MockLMS(district.config.lms_path)
        try:
            with lms.store.transaction():
                lms.store.db.execute(
                    "DELETE FROM records WHERE system = ? AND id = ?", (SYSTEM, gone)
                )
        finally:
            lms.close()
        with district.open() as svc:
            report = undo(svc, STEP, ADMIN)
        assert report.restored == LEAVING - 1 and report.failed == 1
        assert report.text.startswith(f"Restored {LEAVING - 1} of {LEAVING} records")
        assert f"; 1 failed: {gone} (no user {gone} in {SYSTEM} to make active)" in report.text
        assert len(restore_requests(district)) == 3
        others = [u for u in leaving if u != gone]
        assert reactivated(district) == {f"{SYSTEM}:reactivate users:{u}": 1 for u in others}
        now = students(district)
        pd.testing.assert_frame_equal(now, before.drop(index=gone))
        outcomes = {r: (o, by) for r, o, by in undo_outcomes(district)}
        assert outcomes[gone] == ("failed", ADMIN)
        assert {outcomes[u] for u in others} == {("restored", ADMIN)}


def killed_undo(district: HttpDistrict, switch: KillSwitch, at: int, after: bool) -> None:
    """``undo`` in a forked process that the fake SIGKILLs at its ``at``-th write."""
    switch.arm(at, after)
    pid = os.fork()
    if pid == 0:
        try:
            with district.open() as svc:
                undo(svc, STEP, ADMIN)
        finally:
            os._exit(3)
    switch.target(pid)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
    count_http(crash_points=1)


@pytest.mark.parametrize("after", [True, False], ids=["after-applied", "before-sent"])
def test_an_undo_killed_mid_bulk_and_run_again_restores_each_record_once(
    tmp_path: Path, after: bool
) -> None:
    with schoology_district(tmp_path / "d") as district:
        assert district.fake is not None
        before = deactivated(district)
        leaving = sorted(students(district).query("status == 'deactivated'").index)
        switch = KillSwitch(district.fake)
        killed_undo(district, switch, at=2, after=after)
        landed = BATCH * (2 if after else 1)
        assert sum(reactivated(district).values()) == landed
        assert set(reactivated(district).values()) == {1}

        switch.arm(0, True)
        with district.open() as svc:
            report = undo(svc, STEP, ADMIN)
        assert report.text.startswith(f"Restored {LEAVING - BATCH} of {LEAVING} records")
        found = BATCH if after else 0
        assert (f"({found} of them found restored" in report.text) == after
        with district.open() as svc:
            logged = Counter(
                o.record_id for o in svc.state.outcomes(STEP) if o.outcome == "restored"
            )
        assert logged == dict.fromkeys(leaving, 1), "each restore is in the ledger once"
        assert reactivated(district) == {f"{SYSTEM}:reactivate users:{u}": 1 for u in leaving}
        pd.testing.assert_frame_equal(students(district), before)
        assert len(restore_requests(district)) == -(-LEAVING // BATCH) + (0 if after else 1)
        assert district.cycle().views[STEP].status == "Undone"


def test_an_undo_the_api_refuses_names_each_record_once_and_says_what_the_next_run_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Edgenuity's API cannot put a record back: `rollover-bot undo` over it refuses every
    record, each named once (not "E-1 (E-1: ...)"), and says the next run writes the failures
    to the Log (it restored nothing, so it does not speak of restored records)."""
    with http_district(tmp_path / "d", enrollments=6) as district:
        approve(district)
        assert district.cycle().views[STEP].status == "Done"
        assert district.config.source is not None
        config = Path(district.config.source)
        text = config.read_text(encoding="utf-8")
        config.write_text(
            text.replace("[lms]\n", f'[lms]\nendpoint = "{district.url}"\n', 1), encoding="utf-8"
        )
        monkeypatch.setenv("ROLLOVER_LMS_TOKEN", DEFAULT_TOKEN)
        capsys.readouterr()
        assert main(["undo", STEP, "--as", ADMIN, "--config", str(config)]) == 0
        said = capsys.readouterr().out
    assert said.startswith("Restored 0 of ")
    failed = said.split(" failed: ", 1)[1]
    record = failed.split(":")[0]
    assert record.startswith("E-") and " " not in record, failed[:80]
    assert "writes these failures to the Log" in said
    assert "restored records" not in said
