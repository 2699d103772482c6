"""The reliability suite's district with its LMS over HTTP: the fake LMS serves the district's
store on port 0 and the bot reaches it through its HTTP adapters, their waits on a fake clock
(nothing sleeps). What the fake applied is read from its ``/_fake/changes``; ``KillSwitch``
lets the fake SIGKILL the bot's process in the middle of a bulk request."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bot.config.schoology import SchoologyConfig
from bot.lms.http import HttpLMS, HttpSettings, Policy
from bot.lms.mock.faults import Faults
from bot.notify.console import ConsoleNotifier
from bot.services import Services
from bot.testing.fake_lms import DEFAULT_TOKEN, FakeLMSServer
from bot.testing.fake_lms.model import Item, Outcome, Write
from bot.wiring import build_services
from tests.lms.fake_time import FakeTime
from tests.reliability.district import ACTION, District, build_district

POLICY = Policy(attempts=4, concurrency=2, batch_limit=20)
"""Bulk requests of 20 records, two at once: a step of a few hundred records makes many."""


@dataclass
class HttpDistrict(District):
    fake: FakeLMSServer | None = None
    url: str = ""
    """The fake's address (kept: it stays the same while the fake is down)."""
    policy: Policy = POLICY
    time: FakeTime = field(default_factory=FakeTime)

    def services(self, faults: Faults | None = None) -> Services:
        svc = build_services(self.config, ConsoleNotifier(quiet=True))
        svc.lms.close()
        settings = HttpSettings(
            self.url,
            DEFAULT_TOKEN,
            SchoologyConfig(f"{self.url}/schoology"),
            self.policy,
            sleep=self.time.sleep,
            clock=self.time.monotonic,
        )
        svc.lms = HttpLMS(settings, svc.clock)
        return svc

    def changes(self, action: str = ACTION) -> Counter[str]:
        """Changes the fake applied by ``action`` (its ``/_fake/changes``), per record."""
        assert self.fake is not None
        found = requests.get(f"{self.fake.url}/_fake/changes", timeout=30).json()
        return Counter(
            f"{c['system']}:{c['action']}:{c['record']}" for c in found if c["action"] == action
        )

    def faults_seen(self) -> int:
        """The fake's answers that were faults: errors, 429s and resets (status 0)."""
        assert self.fake is not None
        return sum(1 for r in self.fake.requests if r.system and r.status not in (200, 201))


@contextmanager
def http_district(root: Path, **kwargs: Any) -> Iterator[HttpDistrict]:
    """``build_district(root, **kwargs)`` with its store served by the fake LMS."""
    plain = build_district(root, **kwargs)
    with FakeLMSServer(plain.config.lms_path, rate_limits=False) as fake:
        yield HttpDistrict(plain.root, plain.config, fake=fake, url=fake.url)


class Unsent(Exception):
    """The bot died before this request reached the LMS: nothing of it is applied."""


class KillSwitch:
    """Makes the fake SIGKILL the process ``pid`` at its ``at``-th write request since
    ``arm``: as if it died just before sending it (``after=False``: the request is not
    applied), or once it is applied and committed, before the answer goes out (the bot dies
    between a bulk request and its outcomes)."""

    def __init__(self, fake: FakeLMSServer) -> None:
        self.fake = fake
        self.model = fake.model
        self.apply_each = self.model.apply_each
        self.lock = threading.Lock()
        self.writes = 0
        self.at = 0
        self.after = True
        self.pid = 0
        self.fired = threading.Event()
        self.model.apply_each = self._apply_each  # type: ignore[method-assign]

    def arm(self, at: int, after: bool) -> None:
        with self.lock:
            self.writes, self.at, self.after, self.pid = 0, at, after, 0
            self.fired.clear()

    def target(self, pid: int) -> None:
        with self.lock:
            self.pid = pid

    def _kill(self) -> None:
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            self.fired.set()

    def _apply_each(
        self, writes: Sequence[tuple[Write, Item]], stop_after: int | None = None
    ) -> list[Outcome]:
        with self.lock:
            self.writes += 1
            now = self.writes == self.at
            if now and not self.after:
                self._kill()
                raise Unsent(f"write {self.writes}: the bot was killed before sending it")
        outcomes = self.apply_each(writes, stop_after)
        with self.lock:
            if now and self.after:
                self._kill()
        return outcomes
