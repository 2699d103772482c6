"""Each LMS implementation behind one harness: the adapter under test, and what the test
needs of the world behind it (a district's roster loaded into it, an outage).

Adding an implementation is one line in ``IMPLEMENTATIONS``: its name, how to open its harness
in a temporary directory, and the systems it serves (an HTTP adapter serves one system)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.abc import LMS
from bot.lms.mock import MockLMS
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


@dataclass(frozen=True)
class Implementation:
    name: str
    open: Callable[[Path], LMSHarness]
    systems: tuple[str, ...]


IMPLEMENTATIONS = [
    Implementation("mock", MockHarness, tuple(SCENARIOS)),
]
