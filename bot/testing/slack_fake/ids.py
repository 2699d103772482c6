"""Slack-shaped identifiers and message timestamps."""

from __future__ import annotations

import random
import string
import threading
import time
import uuid

_ALPHABET = string.ascii_uppercase + string.digits


class IdFactory:
    """Deterministic (seeded) generator of Slack-looking IDs such as ``C0ABCDEFGH``."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._seen: set[str] = set()

    def make(self, prefix: str, length: int = 10) -> str:
        """Return a fresh ID: ``prefix`` followed by ``length`` upper-case alphanumerics."""
        with self._lock:
            while True:
                candidate = prefix + "".join(self._rng.choice(_ALPHABET) for _ in range(length))
                if candidate not in self._seen:
                    self._seen.add(candidate)
                    return candidate

    def user(self) -> str:
        """A user ID (``U`` + 10)."""
        return self.make("U")

    def channel(self, prefix: str = "C") -> str:
        """A conversation ID: ``C`` public, ``G`` private, ``D`` direct message."""
        return self.make(prefix)

    def bot(self) -> str:
        """A bot ID (``B`` + 10)."""
        return self.make("B")

    def team(self) -> str:
        """A workspace ID (``T`` + 10)."""
        return self.make("T")

    def app(self) -> str:
        """An app ID (``A`` + 10)."""
        return self.make("A")

    def event(self) -> str:
        """An Events API ``event_id`` (``Ev`` + 10)."""
        return self.make("Ev")

    def block(self) -> str:
        """A short block ID like the ones Slack assigns to blocks posted without one."""
        with self._lock:
            return "".join(self._rng.choice(string.ascii_letters + string.digits) for _ in range(5))

    def trigger(self) -> str:
        """A ``trigger_id`` shaped like Slack's ``digits.digits.hex``."""
        with self._lock:
            left = self._rng.randrange(10**12, 10**13)
            middle = self._rng.randrange(10**12, 10**13)
            right = f"{self._rng.getrandbits(128):032x}"
        return f"{left}.{middle}.{right}"

    @staticmethod
    def opaque() -> str:
        """A random UUID string (envelope IDs, Socket Mode tickets)."""
        return str(uuid.uuid4())


def format_ts(micros: int) -> str:
    """Render integer microseconds since the epoch as Slack's ``1234567890.123456``."""
    return f"{micros // 1_000_000:010d}.{micros % 1_000_000:06d}"


def parse_ts(ts: str) -> int:
    """Parse a Slack ``ts`` into integer microseconds; raises ``ValueError`` if malformed."""
    seconds, dot, fraction = ts.partition(".")
    if not (dot and seconds.isdigit() and fraction.isdigit() and len(fraction) == 6):
        raise ValueError(f"not a Slack ts: {ts!r}")
    return int(seconds) * 1_000_000 + int(fraction)


class TsClock:
    """Strictly increasing message timestamps.

    With ``start`` (seconds) the sequence is deterministic: ``start + n * step`` microseconds.
    Without it, timestamps follow the wall clock but never repeat or go backwards.
    """

    def __init__(self, start: float | None = None, step_micros: int = 100) -> None:
        self._fixed = start is not None
        self._last = round(start * 1_000_000) if start is not None else 0
        self._step = step_micros
        self._lock = threading.Lock()

    def next(self) -> str:
        """Return the next ``ts``."""
        with self._lock:
            if self._fixed:
                self._last += self._step
            else:
                self._last = max(time.time_ns() // 1000, self._last + 1)
            return format_ts(self._last)

    def now_seconds(self) -> int:
        """Seconds part of the most recent ``ts`` (wall clock if none yet)."""
        with self._lock:
            if self._last:
                return self._last // 1_000_000
        return int(time.time())
