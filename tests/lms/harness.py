"""Each LMS implementation behind one harness: the adapter under test, and what the test
needs of the world behind it (a district's roster loaded into it, an outage).

Adding an implementation is one line in ``IMPLEMENTATIONS``: its name, how to open its harness
in a temporary directory, and the systems it serves. ``http`` is the bot's HTTP adapters on the
fake LMS (``bot.testing.fake_lms``) serving a store: the roster is loaded into the store as the
SIS sync would, an outage is the fake answering 503 to every try of the next call."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.abc import LMS
from bot.config.schoology import SchoologyConfig
from bot.lms.http import HttpLMS, HttpSettings, Policy
from bot.lms.mock import MockLMS
from bot.testing.fake_lms import DEFAULT_TOKEN, FakeLMSServer
from tests.lms.fake_time import FakeTime
from tests.lms.scenarios import SCENARIOS


class LMSHarness(ABC):
    lms: LMS

    @abstractmethod
    def seed(self, system: str, roster: dict[str, pd.DataFrame]) -> None:
        """Load the district's roster tabs (template columns, text cells) into ``system``, as
        its SIS sync would."""

    @abstractmethod
    def outage(self) -> None:
        """Make the next call fail before the LMS applies anything (it is down, or the
        request never reached it); the call after it goes through."""

    @abstractmethod
    def close(self) -> None: ...


class MockHarness(LMSHarness):
    """The stateful mock LMS in a SQLite file; outages from its fault injection."""

    def __init__(self, directory: Path) -> None:
        self.mock = MockLMS(directory / "lms.sqlite")
        self.lms = self.mock

    def seed(self, system: str, roster: dict[str, pd.DataFrame]) -> None:
        self.mock.seed(system, roster)

    def outage(self) -> None:
        faults = self.mock.faults
        faults.fail_calls = frozenset({faults.calls + 1})

    def close(self) -> None:
        self.mock.close()


class HttpHarness(LMSHarness):
    """The HTTP adapters on the fake LMS, on port 0; waits on a fake clock (nothing sleeps)."""

    POLICY = Policy(attempts=3)

    def __init__(self, directory: Path) -> None:
        path = directory / "lms.sqlite"
        self.store = MockLMS(path)
        self.fake = FakeLMSServer(path, rate_limits=False).start()
        self.time = FakeTime()
        self.lms = HttpLMS(
            HttpSettings(
                self.fake.url,
                DEFAULT_TOKEN,
                SchoologyConfig(self.fake.base("schoology")),
                self.POLICY,
                sleep=self.time.sleep,
                clock=self.time.monotonic,
            )
        )

    def seed(self, system: str, roster: dict[str, pd.DataFrame]) -> None:
        self.store.seed(system, roster)

    def outage(self) -> None:
        fault = {"type": "status", "status": 503, "times": self.POLICY.attempts}
        self.fake.faults.configure({"queue": [fault]})

    def close(self) -> None:
        self.lms.close()
        self.fake.stop()
        self.store.close()


@dataclass(frozen=True)
class Implementation:
    name: str
    open: Callable[[Path], LMSHarness]
    systems: tuple[str, ...]


IMPLEMENTATIONS = [
    Implementation("mock", MockHarness, tuple(SCENARIOS)),
    Implementation("http", HttpHarness, tuple(SCENARIOS)),
]
