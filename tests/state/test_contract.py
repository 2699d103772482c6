"""One contract, two state stores: SQLite and PostgreSQL (each test runs on both)."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.abc import StateStore
from bot.core.approvals import ApprovalRecord, Decision
from bot.structures import ApprovalRequest, Lease, Outcome, SnapshotRecord
from tests.state.stores import StoreSpec, race_in_child

NOW = datetime(2026, 11, 22, 9, 30, 15, 123456, tzinfo=UTC)
WORKBOOK = "workbook:/srv/district/rollover.xlsx"


def outcome(step: str, record: str, result: str = "applied") -> Outcome:
    return Outcome(step, record, "archive students", "students", result, "ok", "archived", "t")


def request(step: str, fingerprint: str, thread: str = "") -> ApprovalRequest:
    return ApprovalRequest(step, fingerprint, f"{step} plan", "owner@d.org", "2026-11-22", thread)


def test_a_run_is_started_finished_and_reset(store: StateStore) -> None:
    assert store.run_for("S-001") is None
    store.start_run("S-001", "fp1", "09:00", inputs="archive students")
    store.start_run("S-001", "fp1", "09:05")
    run = store.run_for("S-001")
    assert run is not None
    assert (run.fingerprint, run.state, run.started, run.inputs) == (
        "fp1",
        "running",
        "09:00",
        "archive students",
    )

    store.start_run("S-001", "fp2", "09:10")
    store.finish_run("S-001", "fp1", "Failed", "stale plan", "09:11")
    assert store.run_for("S-001") == replace(run, fingerprint="fp2", started="09:10", inputs="")
    store.finish_run("S-001", "fp2", "Done", "3 applied", "09:20")
    finished = store.run_for("S-001")
    assert finished is not None
    assert (finished.state, finished.status, finished.result, finished.finished) == (
        "finished",
        "Done",
        "3 applied",
        "09:20",
    )

    store.record_outcome(outcome("S-001", "st-1"))
    store.reset_runs("S-001")
    assert store.run_for("S-001") is None
    assert store.applied("S-001") == {"st-1"}
    store.start_run("S-001", "fp2", "10:00")
    again = store.run_for("S-001")
    assert again is not None
    assert (again.state, again.started) == ("running", "10:00")


def test_ledger_applied_unlogged_and_mark_logged(store: StateStore) -> None:
    written = [
        outcome("S-001", "st-1"),
        outcome("S-001", "st-2", "skipped"),
        outcome("S-001", "st-3", "failed"),
        outcome("S-002", "st-1"),
    ]
    for each in written:
        store.record_outcome(each)

    assert store.applied("S-001") == {"st-1", "st-2"}
    assert store.applied("S-009") == set()
    everything = store.outcomes()
    assert [replace(o, seq=0) for o in everything] == written
    seqs = [o.seq for o in everything]
    assert seqs == sorted(set(seqs))
    assert [o.record_id for o in store.outcomes("S-001")] == ["st-1", "st-2", "st-3"]

    assert store.unlogged() == everything
    store.mark_logged([])
    store.mark_logged(seqs[:2])
    assert store.unlogged() == everything[2:]
    store.mark_logged(seqs[2:])
    assert store.unlogged() == []
    assert store.outcomes() == everything


def test_approval_requests_threads_and_decisions(store: StateStore) -> None:
    assert store.approval_request("S-007") is None
    assert store.request_approval(request("S-007", "fp1"))
    assert not store.request_approval(request("S-007", "fp1"))
    store.set_thread("S-007", "fp1", "111.1")
    store.set_thread("S-007", "fp1", "222.2")
    assert store.approval_request("S-007") == request("S-007", "fp1", "111.1")
    assert store.awaiting_threads() == [request("S-007", "fp1", "111.1")]

    assert store.request_approval(request("S-007", "fp2"))
    assert store.approval_request("S-007") == request("S-007", "fp2")
    assert store.awaiting_threads() == []
    assert store.step_for_thread("111.1") == "S-007"
    assert store.step_for_thread("999.9") is None
    assert store.step_for_thread("") is None

    store.set_thread("S-007", "fp2", "333.3")
    assert store.request_approval(request("S-008", "fp8", "444.4"))
    assert store.awaiting_threads() == [
        request("S-007", "fp2", "333.3"),
        request("S-008", "fp8", "444.4"),
    ]

    assert store.decision("S-007") is None
    store.decide(ApprovalRecord("S-007", "fp1", Decision.APPROVE, "admin@d.org", "", "t1"))
    assert [r.step_id for r in store.awaiting_threads()] == ["S-007", "S-008"]
    approved = ApprovalRecord("S-007", "fp2", Decision.APPROVE, "admin@d.org", "", "t2")
    store.decide(approved)
    assert store.decision("S-007") == approved
    assert [r.step_id for r in store.awaiting_threads()] == ["S-008"]

    rejected = ApprovalRecord("S-008", "fp8", Decision.REJECT, "admin@d.org", "too early", "t3")
    store.decide(rejected)
    assert store.decision("S-008") == rejected
    assert store.awaiting_threads() == []
    store.decide(ApprovalRecord("S-008", "fp8", Decision.VOID, "bot", "edited", "t4"))
    assert [r.step_id for r in store.awaiting_threads()] == ["S-008"]


def test_snapshots_keep_the_first_state_and_count_new_records(store: StateStore) -> None:
    first = [
        SnapshotRecord("edgenuity", "students", "st-2", "active", '{"grade": "12"}'),
        SnapshotRecord("edgenuity", "students", "st-1", "active", "{}"),
        SnapshotRecord("edgenuity", "courses", "c-9", "active", "{}"),
    ]
    assert store.save_snapshot("S-007", first) == 3
    later = [
        SnapshotRecord("edgenuity", "students", "st-1", "archived", "{}"),
        SnapshotRecord("edgenuity", "students", "st-3", "active", "{}"),
        SnapshotRecord("edgenuity", "students", "st-3", "active", "{}"),
    ]
    assert store.save_snapshot("S-007", later) == 1
    assert store.save_snapshot("S-007", []) == 0
    assert store.snapshot("S-007") == [first[2], first[1], first[0], later[1]]
    assert store.save_snapshot("S-008", later[:1]) == 1
    assert store.snapshot("S-008") == later[:1]
    assert store.snapshot("S-009") == []


def test_cycles_newest_first(store: StateStore) -> None:
    assert store.cycles() == []
    for hour in range(3):
        store.record_cycle(f"0{hour}:00", f"0{hour}:01", f"cycle {hour}")
    assert store.cycles(limit=2) == [("02:00", "02:01", "cycle 2"), ("01:00", "01:01", "cycle 1")]
    assert len(store.cycles()) == 3


def test_a_free_lease_is_taken_and_renewed_by_its_holder(store: StateStore) -> None:
    assert store.lease(WORKBOOK) is None
    taken = store.acquire_lease(WORKBOOK, "host-a:1:aa", NOW, 60)
    assert taken == Lease(WORKBOOK, "host-a:1:aa", NOW, NOW + timedelta(seconds=60))
    assert store.lease(WORKBOOK) == taken

    later = NOW + timedelta(seconds=45.5)
    renewed = store.acquire_lease(WORKBOOK, "host-a:1:aa", later, 60)
    assert renewed == Lease(WORKBOOK, "host-a:1:aa", NOW, later + timedelta(seconds=60))
    assert store.lease(WORKBOOK) == renewed


def test_a_held_lease_is_refused_then_taken_over_once_expired(store: StateStore) -> None:
    mine = store.acquire_lease(WORKBOOK, "host-a:1:aa", NOW, 60)
    almost = NOW + timedelta(seconds=60) - timedelta(microseconds=1)
    refused = store.acquire_lease(WORKBOOK, "host-b:2:bb", almost, 60)
    assert refused == mine
    assert store.lease(WORKBOOK) == mine

    expired = NOW + timedelta(seconds=60)
    theirs = store.acquire_lease(WORKBOOK, "host-b:2:bb", expired, 30)
    assert theirs == Lease(WORKBOOK, "host-b:2:bb", expired, expired + timedelta(seconds=30))
    assert store.acquire_lease(WORKBOOK, "host-a:1:aa", expired, 60) == theirs
    assert store.acquire_lease("workbook:other-sheet", "host-a:1:aa", expired, 60).holder == (
        "host-a:1:aa"
    )


def test_only_the_holder_releases_a_lease(store: StateStore) -> None:
    held = store.acquire_lease(WORKBOOK, "host-a:1:aa", NOW, 60)
    assert not store.release_lease(WORKBOOK, "host-b:2:bb")
    assert store.lease(WORKBOOK) == held
    assert store.release_lease(WORKBOOK, "host-a:1:aa")
    assert store.lease(WORKBOOK) is None
    assert not store.release_lease(WORKBOOK, "host-a:1:aa")
    again = store.acquire_lease(WORKBOOK, "host-b:2:bb", NOW + timedelta(seconds=1), 60)
    assert (again.holder, again.acquired) == ("host-b:2:bb", NOW + timedelta(seconds=1))


def test_lease_times_come_back_in_utc_and_naive_times_are_refused(store: StateStore) -> None:
    central = NOW.astimezone(timezone(timedelta(hours=-6)))
    lease = store.acquire_lease(WORKBOOK, "host-a:1:aa", central, 0.25)
    assert lease.acquired.utcoffset() == timedelta(0)
    assert (lease.acquired, lease.expires) == (NOW, NOW + timedelta(milliseconds=250))
    with pytest.raises(ValueError, match="timezone-aware"):
        store.acquire_lease(WORKBOOK, "host-a:1:aa", NOW.replace(tzinfo=None), 60)


def test_two_processes_racing_for_a_lease_never_both_win(store_spec: StoreSpec) -> None:
    """Each round both processes ask for a fresh lease and for the shared one (expired since
    the round before) at the same instant: both must see the same single winner."""
    rounds = 60
    store_spec.open().close()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    out = context.Queue()
    racers = [
        context.Process(target=race_in_child, args=(store_spec, holder, rounds, barrier, out))
        for holder in ("racer-a", "racer-b")
    ]
    for racer in racers:
        racer.start()
    try:
        reports = dict(out.get(timeout=120) for _ in racers)
    finally:
        for racer in racers:
            racer.join(timeout=60)
    for holder, report in reports.items():
        assert isinstance(report, list), f"{holder} failed:\n{report}"
    assert reports["racer-a"] == reports["racer-b"]
    assert {winner for pair in reports["racer-a"] for winner in pair} <= {"racer-a", "racer-b"}

    store = store_spec.open()
    try:
        for number, (fresh, _shared) in enumerate(reports["racer-a"]):
            lease = store.lease(f"fresh:{number}")
            assert lease is not None and lease.holder == fresh
        shared = store.lease("shared")
        assert shared is not None and shared.holder == reports["racer-a"][-1][1]
    finally:
        store.close()
    assert [racer.exitcode for racer in racers] == [0, 0]
