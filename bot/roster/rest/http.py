"""Requests to a OneRoster API with bounded retries, and refusals explained.

A 429 (Too Many Requests) waits what its Retry-After says (at most ``MAX_WAIT`` seconds: a
longer wait is not waited, the pull stops and says so); a 5xx or a dropped connection waits
1, 2, 4, 8 ... seconds; either is tried ``ATTEMPTS`` times in all. Each try is a new request,
signed anew (tenacity retries the whole call: an OAuth 1.0a nonce is never sent twice, as a
connection-level retry would). Any other answer that is not 2xx is handed back to the caller to
explain (``refusal``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
import tenacity

from bot import __version__
from bot.abc import Clock
from bot.clock import SystemClock
from bot.roster.rest.errors import UNCHANGED, OneRosterError, Retryable

ATTEMPTS = 5
MAX_WAIT = 120.0
BACKOFF_CAP = 30.0
TIMEOUT = (10.0, 120.0)

sleep: Callable[[float], None] = time.sleep
"""How the retries wait (tests replace it to record the waits instead)."""


def retry_after(response: requests.Response, now: datetime) -> float | None:
    """The Retry-After header in seconds (it may be a number or an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - now).total_seconds(), 0.0)


def status_info(response: requests.Response) -> str:
    """The server's own words (an imsx_StatusInfo's description, or an OAuth error), if any."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    for key in ("imsx_description", "error_description", "error", "message"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def describe(response: requests.Response) -> str:
    """``401 Unauthorized: <the server's words>``."""
    said = status_info(response)
    reason = response.reason or ""
    return f"{response.status_code} {reason}".strip() + (f": {said}" if said else "")


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Transport:
    """One HTTP session to the service; counts the requests it sends and keeps the server's
    clock (its Date header) from the first answer. ``clock`` is this machine's (for a
    Retry-After given as a date)."""

    def __init__(
        self,
        session: requests.Session | None = None,
        attempts: int = ATTEMPTS,
        max_wait: float = MAX_WAIT,
        clock: Clock | None = None,
    ) -> None:
        self.session = session or requests.Session()
        self.clock = clock or SystemClock()
        self.session.headers["Accept"] = "application/json"
        self.session.headers["User-Agent"] = f"rollover-bot/{__version__}"
        self.attempts = attempts
        self.max_wait = max_wait
        self.sent = 0
        self.server_time: datetime | None = None

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, Retryable) and error.wait is not None:
            return error.wait
        return min(2.0 ** (state.attempt_number - 1), BACKOFF_CAP)

    def _once(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        self.sent += 1
        try:
            response = self.session.request(method, url, timeout=TIMEOUT, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Retryable(f"cannot reach {_host(url)} ({type(exc).__name__})") from exc
        if self.server_time is None and response.headers.get("Date"):
            try:
                self.server_time = parsedate_to_datetime(response.headers["Date"])
            except (TypeError, ValueError):
                self.server_time = None
        code = response.status_code
        if code == 429:
            wait = retry_after(response, self.clock.now())
            if wait is not None and wait > self.max_wait:
                raise OneRosterError(
                    f"{method} {url}: the server is busy ({describe(response)}) and asks to wait "
                    f"{wait:,.0f} s, longer than the bot waits ({self.max_wait:,.0f} s): try "
                    f"again later; {UNCHANGED}"
                )
            raise Retryable(f"{method} {url}: the server is busy ({describe(response)})", wait)
        if code >= 500:
            wait = retry_after(response, self.clock.now())
            raise Retryable(f"{method} {url} failed ({describe(response)})", wait)
        return response

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """The answer to ``method url``, retried while it is a 429, a 5xx or a dropped
        connection; any other answer (2xx or a refusal) is returned as it is."""
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(Retryable),
            sleep=lambda seconds: sleep(seconds),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(method, url, **kwargs)
        except Retryable as exc:
            raise OneRosterError(
                f"{exc}, {self.attempts} times: try again later; {UNCHANGED}"
            ) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")

    def probe(self, url: str) -> int:
        """The status of an unauthenticated GET (whether a service is there at all)."""
        return self.send("GET", url).status_code

    def get_json(
        self,
        url: str,
        params: Mapping[str, str | int] | None,
        auth: requests.auth.AuthBase | None,
        refusal: Callable[[requests.Response], OneRosterError],
    ) -> requests.Response:
        """A 2xx answer to an authenticated GET; else the error ``refusal`` makes of it."""
        response = self.send("GET", url, params=params, auth=auth)
        if not 200 <= response.status_code < 300:
            raise refusal(response)
        return response


def json_body(response: requests.Response) -> Any:
    """The body as JSON (ValueError when it is not JSON)."""
    return json.loads(response.content.decode("utf-8-sig"))
