"""The lease a command holds while it acts on a district's workbook, LMS or Slack channel.

It is the lease `serve` holds (``workbook:<key>``), so one process acts on a workbook at a
time: ``with acting(config, wait) as lost:`` takes it (waiting at most ``wait`` seconds, then
failing with who holds it, since when and until when), renews it on a heartbeat for as long
as the command runs, and releases it at the end, errors included. ``lost`` is set if the lease
was lost meanwhile (the process stalled past its expiry and another took over). A holder on
this machine whose process died is taken over at once; any other holder's lease expires after
``[schedule] lease_seconds``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.config import Config
from bot.errors import RolloverError
from bot.schedule.holders import describe
from bot.schedule.lease import LeaseKeeper, instance_name
from bot.state import open_state
from bot.structures import Lease
from bot.workbook.writable import check_writable

log = logging.getLogger(__name__)

DEFAULT_WAIT = 60.0
POLL_SECONDS = 1.0


class LeaseHeld(RolloverError):
    """Another process acts on the workbook and did not let go in time."""


def wait_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help="when another rollover-bot is acting on this workbook, wait at most this long for "
        "it to finish (default: %(default)g; 0: do not wait)",
    )


def lease_name(config: Config) -> str:
    return f"workbook:{config.workbook_key}"


def busy_text(config: Config, lease: Lease) -> str:
    """Who holds the lease, since when and until when, in the district's time zone."""
    zone = ZoneInfo(config.timezone)
    since = lease.acquired.astimezone(zone)
    until = lease.expires.astimezone(zone)
    who = describe(lease.holder)
    if who != lease.holder:
        who = f"{who} ({lease.holder})"
    workbook = config.workbook_key.split(":", 1)[1]
    return (
        f"another rollover-bot is acting on the workbook {workbook}: {who} has held its lease "
        f"since {since:%Y-%m-%d %H:%M:%S %Z} (until {until:%H:%M:%S %Z} unless it renews it)"
    )


class Heartbeat:
    """Renews the lease every ``every`` seconds on a thread of its own; sets ``lost`` (and
    stops) if another process holds it now."""

    def __init__(self, keeper: LeaseKeeper, every: float) -> None:
        self.keeper = keeper
        self.every = every
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="lease-heartbeat", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                held = self.keeper.hold()
            except Exception as exc:
                log.error("renewing the lease on %s failed: %s", self.keeper.name, exc)
                continue
            if not held:
                self.lost.set()
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def take(
    keeper: LeaseKeeper,
    config: Config,
    wait: float,
    say: Callable[[str], None],
    pause: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    """Take the lease, polling for at most ``wait`` seconds; LeaseHeld when it stays held."""
    if not wait >= 0:
        raise RolloverError(f"--wait must be 0 or more seconds, not {wait:g}")
    deadline = monotonic() + wait
    told = False
    while not keeper.hold():
        assert keeper.current is not None
        left = deadline - monotonic()
        if left <= 0:
            waited = f"Waited {wait:g} s. " if wait else ""
            raise LeaseHeld(
                f"{busy_text(config, keeper.current)}. {waited}Run this command again when it "
                "is done (`rollover-bot serve` runs ticked steps itself), or give "
                "--wait SECONDS to wait longer."
            )
        if not told:
            say(f"Waiting up to {wait:g} s: {busy_text(config, keeper.current)}.")
            told = True
        pause(min(POLL_SECONDS, left))


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@contextmanager
def acting(
    config: Config,
    wait: float = DEFAULT_WAIT,
    writes: bool = True,
    say: Callable[[str], None] = _stderr,
) -> Iterator[threading.Event]:
    """Hold the district's lease for the block; with ``writes``, also check first that the
    workbook can be written (before anything is changed anywhere)."""
    state = open_state(config)
    try:
        keeper = LeaseKeeper(
            state,
            lease_name(config),
            instance_name(),
            config.schedule.lease_seconds,
            SystemClock(config.timezone),
        )
        take(keeper, config, wait, say)
        heartbeat = Heartbeat(keeper, config.schedule.heartbeat_seconds)
        try:
            if writes:
                check_writable(config)
            yield heartbeat.lost
        finally:
            heartbeat.stop()
            keeper.release()
    finally:
        state.close()
