"""What goes wrong on the fake, set by tests (``POST /_fake/faults``) or the command line.

Standing faults apply to every API request: ``latency_ms`` (a delay before the answer),
``error_rate`` (that share of requests answers ``error_status`` before anything is applied,
seeded by ``seed``). Queued faults apply to the next matching requests, in order:

* ``{"type": "status", "status": 429, "retry_after": 2}``: answer that status (429, 500,
  502, 503 or 504) before anything is applied; 429 and 503 carry ``Retry-After``.
* ``{"type": "reset", "when": "before"}``: close the connection without answering, before
  the request is applied; ``"when": "after"``: after it is applied and committed (the client
  sees an error, the change is there).
* ``{"type": "partial", "apply": 2}``: a bulk write applies its first ``apply`` records and
  answers the others ``failed`` (not attempted, retryable).

Each queued fault may say ``times`` (default 1), ``method`` (e.g. ``POST``) and ``path`` (a
prefix such as ``/edgenuity/v1/students``) to match only some requests.
"""

from __future__ import annotations

import math
import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_STATUSES = frozenset({429, 503})
TYPES = ("status", "reset", "partial")


class FaultError(ValueError):
    """A fault that cannot be set; the message names the field."""


@dataclass
class Fault:
    type: str
    status: int = 0
    retry_after: int = 0
    when: str = ""
    apply: int = 0
    times: int = 1
    method: str = ""
    path: str = ""

    def matches(self, method: str, path: str, *, bulk: bool = False) -> bool:
        if self.type == "partial" and not bulk:
            return False
        if self.type != "partial" and bulk:
            return False
        return (not self.method or self.method == method) and path.startswith(self.path or "/")

    @classmethod
    def parse(cls, raw: object) -> Fault:
        if not isinstance(raw, dict):
            raise FaultError("each queued fault must be a JSON object")
        kind = str(raw.get("type", ""))
        if kind not in TYPES:
            raise FaultError(f"fault type must be one of {', '.join(TYPES)}, not {kind!r}")
        fault = cls(
            type=kind,
            status=_int(raw, "status", 0),
            retry_after=_int(raw, "retry_after", 0),
            when=str(raw.get("when", "")),
            apply=_int(raw, "apply", 0),
            times=_int(raw, "times", 1),
            method=str(raw.get("method", "")).upper(),
            path=str(raw.get("path", "")),
        )
        if kind == "status" and fault.status not in STATUSES:
            raise FaultError(f"status must be one of {sorted(STATUSES)}, not {fault.status}")
        if kind == "status" and fault.status in RETRY_STATUSES and not fault.retry_after:
            fault.retry_after = 1
        if kind == "reset" and fault.when not in ("before", "after"):
            raise FaultError(f"a reset fault's when must be before or after, not {fault.when!r}")
        if fault.times < 1:
            raise FaultError(f"times must be at least 1, not {fault.times}")
        return fault


def _int(raw: dict[str, Any], name: str, default: int) -> int:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FaultError(f"{name} must be a whole number, not {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise FaultError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise FaultError(f"{name} must not be negative, not {number}")
    return number


class Faults:
    """Standing and queued faults, shared by the server's threads."""

    def __init__(self) -> None:
        self.latency_ms = 0
        self.error_rate = 0.0
        self.error_status = 503
        self.seed = 0
        self.queue: deque[Fault] = deque()
        self._rng = random.Random(0)
        self._lock = threading.Lock()

    def configure(self, raw: dict[str, Any]) -> None:
        """Set standing faults and append queued ones (``queue``) from a control request."""
        with self._lock:
            if "latency_ms" in raw:
                self.latency_ms = _int(raw, "latency_ms", 0)
            if "error_rate" in raw:
                rate = raw["error_rate"]
                if (
                    isinstance(rate, bool)
                    or not isinstance(rate, int | float)
                    or not 0 <= rate <= 1
                ):
                    raise FaultError(f"error_rate must be a number from 0 to 1, not {rate!r}")
                self.error_rate = float(rate)
            if "error_status" in raw:
                status = _int(raw, "error_status", 503)
                if status not in STATUSES:
                    raise FaultError(
                        f"error_status must be one of {sorted(STATUSES)}, not {status}"
                    )
                self.error_status = status
            if "seed" in raw:
                self.seed = _int(raw, "seed", 0)
                self._rng.seed(self.seed)
            queued = raw.get("queue", [])
            if not isinstance(queued, list):
                raise FaultError("queue must be a list of faults")
            self.queue.extend(Fault.parse(f) for f in queued)

    def clear(self) -> None:
        with self._lock:
            self.latency_ms, self.error_rate, self.error_status = 0, 0.0, 503
            self.queue.clear()

    def take(self, method: str, path: str, *, bulk: bool = False) -> Fault | None:
        """The next queued fault for this request, consumed (one of its ``times``)."""
        with self._lock:
            for fault in self.queue:
                if fault.matches(method, path, bulk=bulk):
                    fault.times -= 1
                    if fault.times == 0:
                        self.queue.remove(fault)
                    return fault
        return None

    def random_error(self) -> int:
        """The status to answer when the standing error rate strikes, else 0."""
        with self._lock:
            if self.error_rate and self._rng.random() < self.error_rate:
                return self.error_status
        return 0

    def partial(self, method: str, path: str) -> int | None:
        """How many records the next bulk write applies, when a partial fault is queued."""
        fault = self.take(method, path, bulk=True)
        return None if fault is None else fault.apply

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "latency_ms": self.latency_ms,
                "error_rate": self.error_rate,
                "error_status": self.error_status,
                "seed": self.seed,
                "queue": [asdict(f) for f in self.queue],
            }


@dataclass(frozen=True)
class Limit:
    """At most ``requests`` per ``seconds`` for each caller of a system."""

    requests: int
    seconds: float

    def describe(self) -> str:
        per = "second" if self.seconds == 1 else f"{self.seconds:g} seconds"
        return f"{self.requests} requests per {per}"


class RateLimiter:
    """A sliding window per (system, caller): over the limit answers 429 with the seconds
    until a request may be made again."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.enabled = True
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, system: str, caller: str, limit: Limit) -> int:
        """Count one request; the seconds to wait when it is over the limit (then not
        counted), else 0."""
        if not self.enabled:
            return 0
        with self._lock:
            now = self.clock()
            window = self._hits.setdefault((system, caller), deque())
            while window and window[0] <= now - limit.seconds:
                window.popleft()
            if len(window) >= limit.requests:
                return max(1, math.ceil(window[0] + limit.seconds - now))
            window.append(now)
            return 0

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
