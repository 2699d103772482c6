"""The bot's HTTP adapters on the fake LMS, for tests: a store seeded with a small district,
the fake serving it on port 0, and ``HttpLMS`` on a fake clock (the waits are recorded)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from bot.config.schoology import SchoologyConfig
from bot.lms.http import HttpLMS, HttpSettings, Policy
from bot.lms.mock import MockLMS
from bot.structures import Operation
from bot.testing.fake_lms import DEFAULT_TOKEN, FakeLMSServer, RecordedRequest
from tests.lms.fake_time import FakeTime

EDGENUITY = "Edgenuity"


def students(count: int) -> list[dict[str, str]]:
    return [
        {
            "Student ID": f"S{n:03d}",
            "First name": f"First{n}",
            "Last name": f"Last{n}",
            "Grade": str(9 + n % 3),
            "School": "North High",
            "Status": "active",
        }
        for n in range(1, count + 1)
    ]


def enrollments(count: int) -> list[dict[str, str]]:
    return [
        {
            "Enrollment ID": f"E-{n:03d}",
            "Student ID": f"S{n % 5 + 1:03d}",
            "Class ID": "K-1",
            "Earned credit": "yes",
            "Status": "active",
        }
        for n in range(1, count + 1)
    ]


@dataclass
class Served:
    fake: FakeLMSServer
    lms: HttpLMS
    time: FakeTime
    store: MockLMS

    def ops(self, action: str, kind: str, ids: list[str], **params: str) -> list[Operation]:
        return [Operation(EDGENUITY, action, kind, i, dict(params)) for i in ids]

    def fault(self, **fault: Any) -> None:
        self.fake.faults.configure({"queue": [fault]})

    def changes(self) -> Counter[str]:
        """Changes the fake applied, per record (its ``/_fake/changes``)."""
        found = requests.get(self.fake.url + "/_fake/changes", timeout=10).json()
        return Counter(f"{c['action']}:{c['record']}" for c in found)

    def posts(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.fake.requests if r.method == "POST" and r.path.endswith(path)]

    def frame(self, kind: str) -> pd.DataFrame:
        return self.lms.records(EDGENUITY, kind).set_index("id")


@contextmanager
def served(
    directory: Path,
    roster: dict[str, list[dict[str, str]]],
    policy: Policy | None = None,
    token: str = DEFAULT_TOKEN,
    rate_limits: bool = False,
    system: str = EDGENUITY,
) -> Iterator[Served]:
    """``roster`` loaded into ``system`` in a store the fake serves; the adapters on a fake
    clock, which the fake's rate limits read too."""
    path = directory / "lms.sqlite"
    store = MockLMS(path)
    store.seed(system, {tab: pd.DataFrame(rows, dtype=object) for tab, rows in roster.items()})
    time = FakeTime()
    fake = FakeLMSServer(path, rate_limits=rate_limits, clock=time.monotonic).start()
    lms = HttpLMS(
        HttpSettings(
            fake.url,
            token,
            SchoologyConfig(fake.base("schoology")),
            policy or Policy(attempts=3, concurrency=2, batch_limit=10),
            sleep=time.sleep,
            clock=time.monotonic,
        )
    )
    try:
        yield Served(fake, lms, time, store)
    finally:
        lms.close()
        fake.stop()
        store.close()
