"""The HTTP client every LMS adapter shares: a ``requests`` session per API, the vendor's rate
limit kept on this side (``limits``), a few requests at once, and retries with backoff that
honour ``Retry-After``, through tenacity.

What is retried depends on whether the failed request may have been applied:

* not sent, or answered 429 or 503 (the vendors say nothing was applied): always retried;
* a connection reset or dropped, a read timeout, a 500, 502 or 504 (the request may have been
  applied before the answer was lost): retried for reads and for writes whose repeat changes
  nothing (``repeatable``: archiving an archived record answers "unchanged"); for other writes
  (a promotion, a creation) ``Unsure`` is raised and not retried: the bot recorded its intent
  before the call and reads the record back on its next run, so the change is never sent twice.

Everything the library raises is translated here: ``LMSUnavailable`` once the retries are
spent, ``LMSError`` for credentials refused. The token and signatures are never logged.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_base, wait_exponential, wait_random
from urllib3.exceptions import NewConnectionError

from bot.abc import Clock
from bot.clock import SystemClock
from bot.errors import LMSError, LMSUnavailable
from bot.lms.http.limits import Limit, RateLimiter

T = TypeVar("T")
R = TypeVar("R")
NOT_APPLIED = frozenset({429, 503})
"""Answers that say the request was not applied: retried whatever it was."""
MAYBE_APPLIED = frozenset({500, 502, 504})
"""Answers after which the request may have been applied."""


@dataclass(frozen=True)
class Policy:
    """How hard the client tries: ``attempts`` per request; the first backoff and the longest
    wait between attempts (a longer ``Retry-After`` is not waited for: the request is given up
    and the next cycle tries again); timeouts; how many requests at once; ``batch_limit``:
    at most that many records per bulk request (0: the vendor's batch size)."""

    attempts: int = 5
    backoff: float = 0.5
    longest_wait: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    concurrency: int = 4
    batch_limit: int = 0

    def batch(self, vendor: int) -> int:
        """Records per bulk request: the vendor's batch size, or less."""
        return min(vendor, self.batch_limit) if self.batch_limit > 0 else vendor


@dataclass(frozen=True)
class Answer:
    """An answer that is not a transient failure: its status, body (JSON, else text)."""

    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Unsure(LMSUnavailable):
    """A write that may have been applied, not answered (not retried: read back instead)."""


class _Again(Exception):
    """A transient failure worth another attempt (after ``retry_after`` seconds if given)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


Refused = Callable[[requests.Response], LMSError]
"""What a 401 or 403 means, in words that say what to fix (the adapter's, per vendor)."""


class ApiClient:
    """One vendor's API: ``base`` URL, authentication, rate limit and retry policy.

    ``sleep`` and ``clock`` are the waits' and the rate limit's (a test passes its own: the
    waits are recorded, nothing sleeps); ``wall`` the time a ``Retry-After`` date is read
    against."""

    def __init__(
        self,
        name: str,
        base: str,
        *,
        limit: Limit,
        auth: AuthBase | None = None,
        headers: Mapping[str, str] | None = None,
        refused: Refused | None = None,
        policy: Policy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall: Clock | None = None,
    ) -> None:
        self.name = name
        self.wall = wall or SystemClock()
        self.base = base.rstrip("/")
        self.policy = policy or Policy()
        self.sleep = sleep
        self.limiter = RateLimiter(limit, clock, sleep)
        self.refused = refused
        self.session = requests.Session()
        pool = HTTPAdapter(
            pool_connections=1, pool_maxsize=max(1, self.policy.concurrency), max_retries=0
        )
        self.session.mount("http://", pool)
        self.session.mount("https://", pool)
        self.session.auth = auth
        self.session.headers.update({"Accept": "application/json", **(headers or {})})
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self.retries = 0
        """Attempts after the first, so far (for tests and the bench)."""
        self._backoff: wait_base = wait_exponential(
            multiplier=self.policy.backoff, max=self.policy.longest_wait
        ) + wait_random(0, self.policy.backoff)

    def close(self) -> None:
        with self._executor_lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
        self.session.close()

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> Answer:
        """A read: retried after any transient failure."""
        return self.request("GET", path, params=params, repeatable=True)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        repeatable: bool,
    ) -> Answer:
        """One request, retried as the module says; a non-transient answer is returned as it
        is (the adapter reads its errors); a 401 or 403 raises the adapter's ``refused``."""
        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.policy.attempts)),
            wait=self._wait,
            retry=retry_if_exception_type(_Again),
            sleep=self._retry_sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, method, path, params, body, repeatable)
        except _Again as exc:
            tries = self.policy.attempts
            raise LMSUnavailable(
                f"{self.name} did not answer {method} {path} after {tries} tries: {exc}"
            ) from None

    def map(self, work: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``work`` on each item, up to ``policy.concurrency`` at once; results in order."""
        listed = list(items)
        if len(listed) <= 1 or self.policy.concurrency <= 1:
            return [work(item) for item in listed]
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    self.policy.concurrency, thread_name_prefix=f"lms-{self.name}"
                )
            executor = self._executor
        return list(executor.map(work, listed))

    def _retry_sleep(self, seconds: float) -> None:
        self.retries += 1
        self.sleep(seconds)

    def _wait(self, state: RetryCallState) -> float:
        """``Retry-After`` when the answer gave one, else exponential backoff with jitter."""
        failed = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failed, _Again) and failed.retry_after is not None:
            return failed.retry_after
        return float(self._backoff(state))

    def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, str | int] | None,
        body: Any,
        repeatable: bool,
    ) -> Answer:
        self.limiter.acquire()
        url = self.base + path
        what = f"{method} {path}"
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=None if body is None else json.dumps(body),
                headers={"Content-Type": "application/json"} if body is not None else None,
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            sent = not isinstance(exc, requests.ConnectTimeout) and not _refused_connection(exc)
            reason = _transport(exc, self.base)
            if sent and not repeatable:
                raise Unsure(
                    f"the connection to {self.name} was lost before it answered {what} "
                    f"({reason}): it may have applied it"
                ) from None
            raise _Again(reason) from None
        except requests.RequestException as exc:
            raise LMSUnavailable(f"{self.name}: {what} failed: {exc}") from None
        if response.status_code in (401, 403):
            if self.refused is not None:
                raise self.refused(response)
            raise LMSError(f"{self.name} refused the request ({response.status_code})")
        if response.status_code in NOT_APPLIED:
            raise _Again(
                f"{response.status_code} {_said(response)}",
                self._retry_after(response),
            )
        if response.status_code in MAYBE_APPLIED:
            reason = f"{response.status_code} {_said(response)}"
            if not repeatable:
                raise Unsure(f"{self.name} answered {what} with {reason}: it may have applied it")
            raise _Again(reason, self._retry_after(response))
        return Answer(response.status_code, _body(response), response.headers)

    def _retry_after(self, response: requests.Response) -> float | None:
        """The answer's ``Retry-After`` in seconds (a number or an HTTP date); one longer than
        the policy's longest wait gives the request up now."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value) if value else None
            if when is None:
                return None
            seconds = (when - self.wall.now()).total_seconds()
        seconds = max(0.0, seconds)
        if seconds > self.policy.longest_wait:
            raise LMSUnavailable(
                f"{self.name} asks to wait {seconds:.0f} s before the next request "
                f"({response.status_code}); the next cycle tries again"
            )
        return seconds


def _refused_connection(exc: Exception) -> bool:
    """The request never left: nothing listens there (a server down or restarting)."""
    reason = exc.args[0] if exc.args else None
    return isinstance(getattr(reason, "reason", reason), NewConnectionError)


def _transport(exc: Exception, base: str) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if _refused_connection(exc):
        return f"nothing answers at {base}"
    return "connection reset"


def _said(response: requests.Response) -> str:
    """What the server said, short."""
    body = _body(response)
    message = error_message(body)
    return message or (response.reason or "")


def _body(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def error_message(body: Any) -> str:
    """The message of an error answer: the designed APIs' ``{"error": {"message"}}`` or
    Schoology's ``{"message"}``; else the text."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
        return ""
    if isinstance(body, str):
        return " ".join(body.split())[:300]
    return ""
