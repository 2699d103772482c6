"""One contract, two state stores: SQLite and PostgreSQL (each test runs on both)."""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from bot.abc import StateStore
from bot.core.approvals import ApprovalRecord, Decision
from bot.structures import (
    DROPPED,
    PENDING,
    SENT,
    ApprovalRequest,
    Lease,
    OutboxEntry,
    Outcome,
    SnapshotRecord,
)
from tests.state.stores import (
    RACE_START,
    Racer,
    StoreSpec,
    approval_race,
    claim_race,
    die_inside_a_lease,
    outbox_race,
    race,
    race_in_child,
    snapshot_race,
    write_then_die,
)

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


def test_an_outcome_keeps_who_acted(store: StateStore) -> None:
    """The Log's By column names the admin who undid (issue 13, item 15); blank is the bot."""
    store.record_outcome(outcome("S-007", "st-1"))
    store.record_outcome(replace(outcome("S-007", "st-1", "restored"), by="admin@d.org"))
    assert [o.by for o in store.outcomes("S-007")] == ["", "admin@d.org"]
    assert [o.by for o in store.unlogged()] == ["", "admin@d.org"]


def test_a_store_made_before_the_by_column_gains_it(store_spec: StoreSpec) -> None:
    store = store_spec.open()
    store.record_outcome(outcome("S-001", "st-1"))
    store.close()
    _drop_column(store_spec, "ledger", "by")
    store = store_spec.open()
    try:
        store.record_outcome(replace(outcome("S-002", "st-2", "restored"), by="admin@d.org"))
        assert [(o.record_id, o.by) for o in store.outcomes()] == [
            ("st-1", ""),
            ("st-2", "admin@d.org"),
        ]
    finally:
        store.close()


def _drop_column(spec: StoreSpec, table: str, column: str) -> None:
    """Make the store look like one made before ``column`` existed."""
    if spec.kind == "sqlite":
        import sqlite3

        with sqlite3.connect(spec.target) as db:
            db.execute(f'ALTER TABLE {table} DROP COLUMN "{column}"')
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(spec.target.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            conn.execute(text(f'ALTER TABLE "{spec.schema}".{table} DROP COLUMN "{column}"'))
    finally:
        engine.dispose()


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


def test_a_lost_thread_is_replaced_once(store: StateStore) -> None:
    assert store.request_approval(request("S-007", "fp1", "console-S-007-3"))
    assert store.replace_thread("S-007", "fp1", "console-S-007-3", "555.5")
    assert not store.replace_thread("S-007", "fp1", "console-S-007-3", "666.6")
    assert not store.replace_thread("S-007", "fp2", "555.5", "666.6")
    assert store.approval_request("S-007") == request("S-007", "fp1", "555.5")
    assert store.step_for_thread("555.5") == "S-007"
    assert store.step_for_thread("console-S-007-3") is None
    assert store.replace_thread("S-007", "fp1", "555.5", "")
    store.set_thread("S-007", "fp1", "777.7")
    assert store.awaiting_threads() == [request("S-007", "fp1", "777.7")]


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


def test_a_baseline_is_kept_from_the_first_plan_until_a_sync_resets_it(store: StateStore) -> None:
    """The threshold's base is the active count the rollover's first plan saw; a later count
    does not replace it, a roster sync does (DESIGN section 7), for its own kind alone."""
    assert store.baseline("2027", "SchoolStatus", "students") == 0
    assert store.set_baseline("2027", "SchoolStatus", "students", 290) == 290
    assert store.set_baseline("2027", "SchoolStatus", "students", 270) == 290
    store.set_baseline("2027", "SchoolStatus", "classes", 40)
    store.reset_baseline("2027", "SchoolStatus", "students", 273)
    assert store.baseline("2027", "SchoolStatus", "students") == 273
    assert store.set_baseline("2027", "SchoolStatus", "students", 260) == 273
    assert store.baseline("2027", "SchoolStatus", "classes") == 40
    assert store.baseline("2028", "SchoolStatus", "students") == 0
    store.reset_baseline("2028", "SchoolStatus", "students", 12)
    assert store.baseline("2028", "SchoolStatus", "students") == 12
    assert store.baseline("2027", "SchoolStatus", "students") == 273


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
    reports = run_racers(store_spec, 60, race)
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


def run_racers(spec: StoreSpec, rounds: int, racer: Racer) -> dict[str, Any]:
    """``racer`` in two spawned processes, "racer-a" and "racer-b": what each returned."""
    spec.open().close()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    out = context.Queue()
    processes = [
        context.Process(target=race_in_child, args=(spec, holder, rounds, barrier, out, racer))
        for holder in ("racer-a", "racer-b")
    ]
    for process in processes:
        process.start()
    try:
        reports = dict(out.get(timeout=120) for _ in processes)
    finally:
        for process in processes:
            process.join(timeout=60)
    for holder, report in reports.items():
        assert isinstance(report, list), f"{holder} failed:\n{report}"
    assert [process.exitcode for process in processes] == [0, 0]
    return reports


def test_keys_are_claimed_once_and_all_or_none(store: StateStore) -> None:
    assert not store.claimed("digest:2026-11-22")
    assert store.claim(["digest:2026-11-22"], "09:00")
    assert store.claimed("digest:2026-11-22")
    assert not store.claim(["digest:2026-11-22"], "09:05")

    assert store.claim(["event:E1", "msg:C1:1.0", "event:E1"], "09:10")
    assert not store.claim(["event:E2", "msg:C1:1.0"], "09:11")
    assert not store.claimed("event:E2")
    assert store.claim(["event:E2"], "09:12")
    assert store.claim([], "09:13")
    assert not store.claimed("")


def test_the_outbox_keeps_a_key_once_and_tracks_its_sending(store: StateStore) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Due*"}}]
    first = OutboxEntry("k1", "digest", "", "rollover", "", "one", blocks)
    assert store.outbox_record(first, "09:00") == first
    assert store.outbox_record(replace(first, text="two"), "09:01") == first
    second = OutboxEntry("k2", "result", "S-1", "rollover", "1.1", "t")
    assert store.outbox_record(second, "09:02") == second
    assert store.outbox_entries(PENDING) == [first, second]
    assert store.outbox_entry("k3") is None and store.outbox_channel_id("rollover") == ""

    store.outbox_attempt("k1")
    store.outbox_attempt("k1")
    store.outbox_error("k1", "ratelimited", PENDING)
    assert store.outbox_entry("k1") == replace(first, attempts=2, error="ratelimited")
    store.outbox_sent("k1", "2.5", "C1", "09:03")
    sent = replace(first, state=SENT, ts="2.5", channel_id="C1", attempts=2)
    assert store.outbox_entry("k1") == sent
    assert store.outbox_record(first, "09:04") == sent
    assert store.outbox_sent_as("2.5") == sent and store.outbox_sent_as("9.9") is None
    assert store.outbox_channel_id("rollover") == "C1"

    store.outbox_error("k2", "the plan changed", DROPPED)
    assert store.outbox_entries(PENDING) == []
    assert [e.state for e in store.outbox_entries()] == [SENT, DROPPED]


def test_two_processes_claiming_at_once_never_both_win(store_spec: StoreSpec) -> None:
    """Each round both processes claim the round's shared key with one of their own: one
    wins, and the loser's own key stays unclaimed."""
    reports = run_racers(store_spec, 30, claim_race)
    store = store_spec.open()
    try:
        for number, (a, b) in enumerate(zip(reports["racer-a"], reports["racer-b"], strict=True)):
            assert a != b
            assert store.claimed(f"{number}:racer-a") == a
            assert store.claimed(f"{number}:racer-b") == b
            assert store.claimed(f"{number}:shared")
    finally:
        store.close()


def test_two_processes_requesting_one_approval_record_it_once(store_spec: StoreSpec) -> None:
    """Each round both processes request approval of the same plan of one step at once:
    exactly one request is recorded, and it is the one whose caller was told so."""
    reports = run_racers(store_spec, 40, approval_race)
    store = store_spec.open()
    try:
        for number, (a, b) in enumerate(zip(reports["racer-a"], reports["racer-b"], strict=True)):
            assert a != b
            recorded = store.approval_request(f"S-{number:03}")
            assert recorded is not None and recorded.owner == ("racer-a" if a else "racer-b")
    finally:
        store.close()


def test_two_processes_recording_one_outbox_key_keep_the_first(store_spec: StoreSpec) -> None:
    """Each round both processes record a message under one key at once, each with its own
    text: both are answered with the one message kept."""
    reports = run_racers(store_spec, 40, outbox_race)
    store = store_spec.open()
    try:
        for number, (a, b) in enumerate(zip(reports["racer-a"], reports["racer-b"], strict=True)):
            kept = store.outbox_entry(f"digest:{number}")
            assert kept is not None and a == b == kept.text
        assert len(store.outbox_entries()) == 40
    finally:
        store.close()


def test_two_processes_snapshotting_one_step_keep_each_record_once(
    store_spec: StoreSpec,
) -> None:
    """Each round both processes snapshot the same records of one step at once, each with its
    own status: each record is kept once, and each process counted those it kept."""
    reports = run_racers(store_spec, 30, snapshot_race)
    store = store_spec.open()
    try:
        for number, (a, b) in enumerate(zip(reports["racer-a"], reports["racer-b"], strict=True)):
            kept = [record.status for record in store.snapshot(f"S-{number:03}")]
            assert len(kept) == a + b == 5
            assert (kept.count("racer-a"), kept.count("racer-b")) == (a, b)
    finally:
        store.close()


def test_what_a_method_wrote_survives_a_sigkill_the_instant_after(store_spec: StoreSpec) -> None:
    assert run_and_kill(store_spec, write_then_die) == -signal.SIGKILL
    store = store_spec.open()
    try:
        assert store.applied("S-001") == {"st-1"}
        assert store.unlogged() == store.outcomes()
        request = store.approval_request("S-002")
        assert request is not None and request.fingerprint == "fp"
        lease = store.lease("workbook")
        assert lease is not None and (lease.holder, lease.acquired) == ("dying", RACE_START)
        assert store.claimed("digest:1")
        entry = store.outbox_entry("k1")
        assert entry is not None and entry.text == "hello"
        assert store.cycles() == [("09:00", "09:01", "last words")]
    finally:
        store.close()


def test_a_process_killed_inside_a_transaction_leaves_none_of_it(store_spec: StoreSpec) -> None:
    """The lease's row was written, not committed, when the process died: it is not there,
    and nothing is left locked."""
    assert run_and_kill(store_spec, die_inside_a_lease) == -signal.SIGKILL
    store = store_spec.open()
    try:
        assert store.lease("workbook") is None
        taken = store.acquire_lease("workbook", "next", RACE_START, 60)
        assert taken.holder == "next"
    finally:
        store.close()


def run_and_kill(spec: StoreSpec, entry: Callable[[StoreSpec], None]) -> int | None:
    """``entry`` in a spawned process; its exit code."""
    spec.open().close()
    process = multiprocessing.get_context("spawn").Process(target=entry, args=(spec,))
    process.start()
    process.join(timeout=120)
    return process.exitcode


def test_threads_sharing_a_store_each_claim_a_key_once(store: StateStore) -> None:
    """Four threads of one process (as a cycle and Slack listeners are) claim the same keys
    and write the ledger at once: each key is won by one thread, and no write is lost."""
    start = threading.Barrier(4)
    won: dict[str, list[str]] = {}

    def work(name: str) -> None:
        start.wait(timeout=30)
        for number in range(25):
            if store.claim([f"event:{number}"], name):
                won.setdefault(f"event:{number}", []).append(name)
            store.record_outcome(outcome("S-001", f"{name}:{number}"))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, ["t1", "t2", "t3", "t4"]))
    assert sorted(won) == sorted(f"event:{n}" for n in range(25))
    assert all(len(names) == 1 for names in won.values())
    assert len(store.applied("S-001")) == 100
