"""Commands that act take the workbook's lease (the one `serve` holds): two `run --once` on one
district never both execute a step; a command beside a held lease waits a bounded time, then
exits 2 naming the holder, since when and until when, having changed nothing; a `run --once`
killed mid-step does not block the next one."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.clock import SystemClock
from bot.commands.acting import Heartbeat, LeaseHeld, busy_text, lease_name, take
from bot.config import Config
from bot.lms.mock import MockLMS
from bot.schedule.lease import LeaseKeeper, instance_name
from bot.state.sqlite import SqliteState
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook
from tests.schedule.processes import Gate

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "admin@demo-district.org"
STRANGER = "ws-9:4242:abc123"


def cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def planned(config: Config) -> list[str]:
    frame = XlsxWorkbook(config.workbook_path, load_template()).read().frames["Enrollments"]
    return frame[frame["Earned credit"] == "yes"]["Enrollment ID"].tolist()


def completed(config: Config) -> Counter[str]:
    lms = MockLMS(config.lms_path)
    try:
        history = lms.store.history("Edgenuity")
    finally:
        lms.close()
    return Counter(h[1] for h in history if h[2] == "complete enrollments")


def approved(config: Config) -> str:
    source = str(config.source)
    assert main(["check", "--config", source]) == 0
    assert main(["approve", "S-001", "--as", ADMIN, "--config", source]) == 0
    return source


def test_two_run_once_processes_never_both_execute_a_step(demo_config: Config) -> None:
    source = approved(demo_config)
    assert demo_config.source is not None
    gate = Gate(demo_config.source.with_name("gate"))
    pausing = demo_config.source.with_name("pausing.toml")
    pausing.write_text(
        demo_config.source.read_text(encoding="utf-8")
        + f'\n[lms.faults]\npause_at_call = 10\npause_until = "{gate.path}"\n',
        encoding="utf-8",
    )
    first = cli("run", "--once", "--config", str(pausing))
    gate.wait_paused(first)

    refused = cli("run", "--once", "--wait", "0", "--config", source)
    out, err = refused.communicate(timeout=120)
    assert refused.returncode == 2, out + err
    assert f"process {first.pid} on {socket.gethostname()}" in err
    assert "has held its lease since" in err and "unless it renews it" in err
    assert "Traceback" not in err
    assert sum(completed(demo_config).values()) == 9

    waiting = cli("run", "--once", "--wait", "600", "--config", source)
    assert waiting.stderr is not None
    line = waiting.stderr.readline()
    assert line.startswith("Waiting up to 600 s: another rollover-bot is acting"), line
    gate.release()
    first_out, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_out + first_err
    assert "Executed: S-001" in first_out
    second_out, second_err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, second_out + second_err

    records = planned(demo_config)
    assert len(records) > 50
    per_record = completed(demo_config)
    assert sorted(per_record) == sorted(records)
    assert set(per_record.values()) == {1}
    state = SqliteState(demo_config.state_path)
    try:
        applied = [o.record_id for o in state.outcomes("S-001") if o.outcome == "applied"]
        assert Counter(applied) == Counter(records)
        assert state.lease(lease_name(demo_config)) is None
    finally:
        state.close()
    snap = XlsxWorkbook(demo_config.workbook_path, load_template()).read()
    log = snap.frames["Log"]
    assert Counter(log[log["Step"] == "S-001"]["Record"]) == Counter(records)
    assert snap.frames["Checklist"].set_index("Step ID").loc["S-001", "Status"] == "Done"


def hold_lease(config: Config, holder: str = STRANGER) -> datetime:
    """Another process's lease, live for ten minutes; returns when it was taken."""
    taken = datetime.now(UTC).replace(microsecond=0)
    state = SqliteState(config.state_path)
    try:
        assert state.acquire_lease(lease_name(config), holder, taken, 600).holder == holder
    finally:
        state.close()
    return taken


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["run", "--once"],
        ["undo", "S-001", "--as", ADMIN],
        ["import-roster", "{bundle}"],
        ["import-roster", "{bundle}", "--seed-lms"],
        ["digest"],
    ],
    ids=lambda c: " ".join(c[:2]) if c[0] != "import-roster" else " ".join(c[::2]),
)
def test_an_acting_command_beside_a_held_lease_exits_2_naming_the_holder(
    demo_config: Config,
    tmp_path: Path,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = approved(demo_config)
    bundle = tmp_path / "bundle"
    export = ["export-roster", "--format", "oneroster-1.2", "--to", str(bundle)]
    assert main([*export, "--config", source]) == 0
    taken = hold_lease(demo_config)
    before = fingerprint(demo_config.workbook_path), fingerprint(demo_config.lms_path)
    capsys.readouterr()

    args = [part.format(bundle=bundle) for part in command]
    assert main([*args, "--wait", "0", "--config", source]) == 2
    err = capsys.readouterr().err
    zone = ZoneInfo(demo_config.timezone)
    since = taken.astimezone(zone)
    until = (taken + timedelta(seconds=600)).astimezone(zone)
    assert err.startswith("error: another rollover-bot is acting on the workbook ")
    assert f"process 4242 on ws-9 ({STRANGER}) has held its lease" in err
    assert f"since {since:%Y-%m-%d %H:%M:%S %Z} (until {until:%H:%M:%S %Z}" in err
    assert "--wait SECONDS" in err
    assert (fingerprint(demo_config.workbook_path), fingerprint(demo_config.lms_path)) == before
    assert completed(demo_config) == Counter()


def test_approve_and_status_do_not_need_the_lease(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    """An approval is recorded in the state store; the holder acts on it at its next cycle."""
    source = str(demo_config.source)
    assert main(["check", "--config", source]) == 0
    hold_lease(demo_config)
    assert main(["approve", "S-001", "--as", ADMIN, "--config", source]) == 0
    assert main(["status", "--config", source]) == 0
    assert f"held by {STRANGER}" in capsys.readouterr().out


def test_a_negative_wait_is_refused(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--wait", "-1", "--config", str(demo_config.source)]) == 2
    assert "--wait must be 0 or more seconds, not -1" in capsys.readouterr().err


def test_a_run_killed_mid_step_does_not_block_the_next(
    demo_config: Config, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its lease would last 90 s more; its process is gone, so the next run takes it at once."""
    source = approved(demo_config)
    assert demo_config.source is not None
    dying = demo_config.source.with_name("dying.toml")
    dying.write_text(
        demo_config.source.read_text(encoding="utf-8") + "\n[lms.faults]\nkill_at_call = 5\n",
        encoding="utf-8",
    )
    killed = cli("run", "--once", "--config", str(dying))
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    state = SqliteState(demo_config.state_path)
    try:
        stale = state.lease(lease_name(demo_config))
    finally:
        state.close()
    assert stale is not None and stale.holder.split(":")[1] == str(killed.pid)
    assert stale.expires > datetime.now(UTC)
    assert main(["status", "--config", source]) == 0
    assert "its process is no longer running" in capsys.readouterr().out

    with caplog.at_level(logging.WARNING):
        assert main(["run", "--once", "--wait", "0", "--config", source]) == 0
    assert f"from {stale.holder}: that process is no longer running" in caplog.text
    assert set(completed(demo_config).values()) == {1}
    assert sorted(completed(demo_config)) == sorted(planned(demo_config))


class Ticking:
    """time.monotonic and time.sleep for ``take``: a pause moves the clock on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def keeper_for(config: Config, state: SqliteState) -> LeaseKeeper:
    return LeaseKeeper(state, lease_name(config), instance_name(), 90, SystemClock(config.timezone))


def test_waiting_is_bounded_and_says_who_holds_the_lease(demo_config: Config) -> None:
    hold_lease(demo_config)
    state = SqliteState(demo_config.state_path)
    try:
        keeper = keeper_for(demo_config, state)
        clock = Ticking()
        said: list[str] = []
        with pytest.raises(LeaseHeld) as refused:
            take(keeper, demo_config, 4.5, said.append, clock.pause, clock.monotonic)
        assert clock.pauses == [1, 1, 1, 1, 0.5]
        assert len(said) == 1 and said[0].startswith("Waiting up to 4.5 s: another rollover-bot")
        assert "Waited 4.5 s." in str(refused.value)
        assert not keeper.held
    finally:
        state.close()


def test_a_waiting_command_takes_the_lease_once_its_holder_lets_go(demo_config: Config) -> None:
    hold_lease(demo_config)
    state = SqliteState(demo_config.state_path)
    try:
        keeper = keeper_for(demo_config, state)
        clock = Ticking()

        def pause(seconds: float) -> None:
            clock.pause(seconds)
            if len(clock.pauses) == 3:
                assert state.release_lease(lease_name(demo_config), STRANGER)

        take(keeper, demo_config, 60, lambda _: None, pause, clock.monotonic)
        assert keeper.held and len(clock.pauses) == 3
        lease = state.lease(lease_name(demo_config))
        assert lease is not None and lease.holder == keeper.holder
    finally:
        state.close()


def test_the_heartbeat_renews_the_lease_and_notices_when_it_is_lost(
    demo_config: Config,
) -> None:
    state = SqliteState(demo_config.state_path)
    try:
        keeper = keeper_for(demo_config, state)
        assert keeper.hold()
        first = state.lease(lease_name(demo_config))
        renewed = threading.Event()
        hold = keeper.hold

        def counted() -> bool:
            held = hold()
            renewed.set()
            return held

        keeper.hold = counted  # type: ignore[method-assign]
        beat = Heartbeat(keeper, 0.01)
        try:
            assert renewed.wait(30)
            lease = state.lease(lease_name(demo_config))
            assert first is not None and lease is not None
            assert lease.holder == keeper.holder and lease.expires >= first.expires
            assert not beat.lost.is_set()
            assert state.release_lease(lease_name(demo_config), keeper.holder)
            state.acquire_lease(lease_name(demo_config), STRANGER, datetime.now(UTC), 600)
            assert beat.lost.wait(30)
        finally:
            beat.stop()
    finally:
        state.close()


def test_the_busy_message_reads_well_for_a_serve_instance(demo_config: Config) -> None:
    state = SqliteState(demo_config.state_path)
    try:
        lease = state.acquire_lease(
            lease_name(demo_config), "first", datetime(2026, 11, 23, 15, 0, tzinfo=UTC), 90
        )
    finally:
        state.close()
    text = busy_text(demo_config, lease)
    assert text == (
        f"another rollover-bot is acting on the workbook {demo_config.workbook_path}: first "
        "has held its lease since 2026-11-23 09:00:00 CST (until 09:01:30 CST unless it "
        "renews it)"
    )


def test_an_undo_by_a_non_admin_is_refused_at_once_beside_a_held_lease(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    hold_lease(demo_config)
    who = "registrar@demo-district.org"
    assert main(["undo", "S-001", "--as", who, "--config", str(demo_config.source)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("refused: undo S-001: ") and "another rollover-bot" not in err
