"""Fault injection for the mock LMS: error rate, timeouts, latency, failing, dying or pausing
on the Nth call."""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import LMSUnavailable


@dataclass
class Faults:
    """What goes wrong, and when. Calls are counted from 1 within one process.

    ``error_rate`` fails that share of calls before anything is applied. ``timeout_rate``
    times out that share of calls: after the change is committed when
    ``timeout_after_apply`` (the caller never hears that it was applied), else before.
    ``kill_at_call`` ends the process with SIGKILL during that call: after the change is
    committed when ``kill_after_apply`` (the worst case: applied, never acknowledged), else
    before anything is applied. ``pause_at_call`` holds the process during that call, before
    anything is applied, until a line can be read from ``pause_until`` (a FIFO: opening it
    blocks until a writer opens it, so a test knows the process is paused mid-step, and
    writing a line lets it go on). ``break_on`` (``"promote grades S-1"``) raises an error
    that is no vendor's rule on that operation (a fault in the code, for tests of how one
    step's unexpected failure is contained). ``injected`` counts the errors and timeouts
    raised.
    """

    error_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_after_apply: bool = True
    latency_seconds: float = 0.0
    fail_calls: frozenset[int] = frozenset()
    kill_at_call: int = 0
    kill_after_apply: bool = True
    pause_at_call: int = 0
    pause_until: str = ""
    break_on: str = ""
    seed: int = 0
    calls: int = 0
    injected: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    @classmethod
    def from_config(cls, raw: dict[str, object]) -> Faults:
        return cls(
            error_rate=float(str(raw.get("error_rate", 0.0))),
            timeout_rate=float(str(raw.get("timeout_rate", 0.0))),
            timeout_after_apply=bool(raw.get("timeout_after_apply", True)),
            latency_seconds=float(str(raw.get("latency_seconds", 0.0))),
            fail_calls=frozenset(int(str(n)) for n in list(raw.get("fail_calls", []) or [])),  # type: ignore[call-overload]
            kill_at_call=int(str(raw.get("kill_at_call", 0))),
            kill_after_apply=bool(raw.get("kill_after_apply", True)),
            pause_at_call=int(str(raw.get("pause_at_call", 0))),
            pause_until=str(raw.get("pause_until", "")),
            break_on=str(raw.get("break_on", "")),
            seed=int(str(raw.get("seed", 0))),
        )

    def before(self, what: str) -> None:
        """Called before each operation: may delay, fail, time out or kill."""
        self.calls += 1
        if self.latency_seconds:
            time.sleep(self.latency_seconds)
        if self.kill_at_call == self.calls and not self.kill_after_apply:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.pause_at_call == self.calls and self.pause_until:
            with Path(self.pause_until).open(encoding="utf-8") as gate:
                gate.readline()
        if self.break_on and what == self.break_on:
            raise ValueError(f"injected fault in the code on {what}")
        if self.calls in self.fail_calls or self._happens(self.error_rate):
            self.injected += 1
            raise LMSUnavailable(f"injected fault on call {self.calls} ({what})")
        if not self.timeout_after_apply and self._happens(self.timeout_rate):
            self.injected += 1
            raise LMSUnavailable(f"timed out on call {self.calls} ({what}); nothing was applied")

    def after(self) -> None:
        """Called once an operation is committed."""
        if self.kill_at_call == self.calls and self.kill_after_apply:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.timeout_after_apply and self._happens(self.timeout_rate):
            self.injected += 1
            raise LMSUnavailable(
                f"timed out on call {self.calls}; the change may have been applied"
            )

    def _happens(self, rate: float) -> bool:
        return bool(rate) and self._rng.random() < rate
