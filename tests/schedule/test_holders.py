"""A lease holder on this machine whose process is gone (exited, a zombie, its PID reused) is
taken over at once; any other holder (alive, another host or container, no proof) is not."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.schedule.holders import instance_name, is_gone, machine_scope, parse, start_ticks
from bot.schedule.lease import LeaseKeeper
from bot.state.sqlite import SqliteState

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def child() -> Iterator[subprocess.Popen[str]]:
    """A live process that waits on its stdin until the test ends it."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE, text=True
    )
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def test_this_machine_can_identify_its_processes() -> None:
    """The rest of this file relies on /proc (Linux): say so plainly if it is missing."""
    assert machine_scope(), "no /proc boot id or PID namespace: holders cannot be verified"
    name = instance_name()
    parsed = parse(name)
    assert parsed is not None
    assert (parsed.host, parsed.pid) == (socket.gethostname(), os.getpid())
    assert parsed.proof == f"{machine_scope()}-{start_ticks(os.getpid())}"


def test_a_running_process_is_not_gone(child: subprocess.Popen[str]) -> None:
    assert not is_gone(instance_name(child.pid))
    assert not is_gone(instance_name())


def test_an_exited_process_is_gone(child: subprocess.Popen[str]) -> None:
    name = instance_name(child.pid)
    child.kill()
    child.wait()
    assert is_gone(name)


def test_a_killed_process_not_yet_reaped_is_gone(child: subprocess.Popen[str]) -> None:
    name = instance_name(child.pid)
    child.kill()
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    assert Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    assert is_gone(name)


def test_a_pid_reused_by_a_later_process_counts_as_gone(child: subprocess.Popen[str]) -> None:
    """Same PID, another start time: the process that held the lease is not this one."""
    host, pid, token, proof = instance_name(child.pid).split(":")
    scope, started = proof.split("-")
    earlier = f"{host}:{pid}:{token}:{scope}-{int(started) - 1}"
    assert is_gone(earlier)


@pytest.mark.parametrize(
    "name",
    [
        "other-host:{pid}:abc123:{proof}",  # another machine
        "{host}:{pid}:abc123:0badc0de-{start}",  # another boot or PID namespace (a container)
        "{host}:{pid}:abc123",  # no proof: cannot be told
        "first",  # a name of another shape
    ],
)
def test_holders_that_cannot_be_verified_are_never_gone(
    name: str, child: subprocess.Popen[str]
) -> None:
    """Each would be judged gone if its PID were read here: the child has exited."""
    pid = child.pid
    start = start_ticks(pid)
    proof = f"{machine_scope()}-{start}"
    child.kill()
    child.wait()
    filled = name.format(host=socket.gethostname(), pid=pid, proof=proof, start=start)
    assert not is_gone(filled)


def test_the_keeper_takes_over_a_dead_local_holder_at_once(
    tmp_path: Path, child: subprocess.Popen[str], caplog: pytest.LogCaptureFixture
) -> None:
    state = SqliteState(tmp_path / "state.sqlite")
    try:
        dead = instance_name(child.pid)
        assert state.acquire_lease("workbook:x", dead, NOW, 90).holder == dead
        alive = LeaseKeeper(state, "workbook:x", instance_name(), 90, FixedClock(NOW))
        assert not alive.hold()  # the child still runs: its lease stands
        child.kill()
        child.wait()
        with caplog.at_level(logging.WARNING):
            assert alive.hold()
        lease = state.lease("workbook:x")
        assert lease is not None and lease.holder == alive.holder and lease.acquired == NOW
        assert f"took over the lease on workbook:x from {dead}" in caplog.text
        assert "no longer running" in caplog.text
    finally:
        state.close()


def test_the_keeper_waits_for_a_live_or_unverifiable_holder(tmp_path: Path) -> None:
    state = SqliteState(tmp_path / "state.sqlite")
    try:
        other = "ws-9:4242:abc123"
        state.acquire_lease("workbook:x", other, NOW, 90)
        keeper = LeaseKeeper(state, "workbook:x", instance_name(), 90, FixedClock(NOW))
        assert not keeper.hold()
        assert keeper.current is not None and keeper.current.holder == other
    finally:
        state.close()
