"""Who is calling (bearer token -> email), protected ranges, the per-user quota and scripted faults.

A request without a token, or with a token no test registered, is the *anonymous owner*: it may
open every spreadsheet and edit every protected range. Register tokens with ``add_user`` to test
permissions."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import errors
from .model import Rect, Sheet, Spreadsheet

DEFAULT_EMAIL = "owner@fake-sheets.local"


@dataclass(frozen=True)
class Caller:
    """The identity of a request."""

    email: str
    anonymous: bool = False


class Users:
    """Maps bearer tokens to emails."""

    def __init__(self, default_email: str = DEFAULT_EMAIL) -> None:
        self.default_email = default_email
        self.tokens: dict[str, str] = {}

    def caller(self, authorization: str | None) -> Caller:
        """Identify a request from its Authorization header."""
        token = (authorization or "").removeprefix("Bearer ").strip()
        email = self.tokens.get(token)
        if email is None:
            return Caller(self.default_email, anonymous=True)
        return Caller(email)


def can_edit_range(book: Spreadsheet, protected: dict[str, object], caller: Caller) -> bool:
    """Whether the caller is an editor of a protected range (owners always are)."""
    if caller.anonymous or caller.email == book.owner:
        return True
    editors = protected.get("editors") or {}
    users = editors.get("users", []) if isinstance(editors, dict) else []
    return caller.email in users


def protected_rect(sheet: Sheet, protected: dict[str, object]) -> Rect:
    """The rectangle a protected range covers (whole sheet when bounds are missing)."""
    rng = protected.get("range") or {}
    assert isinstance(rng, dict)
    return (
        int(rng.get("startRowIndex", 0)),
        int(rng.get("endRowIndex", sheet.rows)),
        int(rng.get("startColumnIndex", 0)),
        int(rng.get("endColumnIndex", sheet.cols)),
    )


def ensure_editable(book: Spreadsheet, sheet: Sheet, rects: Iterable[Rect], caller: Caller) -> None:
    """Raise Google's 403 when a write touches a protected range the caller may not edit."""
    for protected in sheet.protected:
        if protected.get("warningOnly") or can_edit_range(book, protected, caller):
            continue
        p0, p1, q0, q1 = protected_rect(sheet, protected)
        for r0, r1, c0, c1 in rects:
            if r0 < p1 and p0 < r1 and c0 < q1 and q0 < c1:
                raise errors.permission_denied(errors.PROTECTED_MESSAGE)


def ensure_readable(book: Spreadsheet, caller: Caller) -> None:
    """Raise 403 when the spreadsheet is not shared with the caller."""
    if not caller.anonymous and not book.can_read(caller.email):
        raise errors.permission_denied()


class Quota:
    """Requests per user per rolling minute; off until ``per_minute`` is set."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.per_minute: int | None = None
        self.hits: dict[str, deque[float]] = {}

    def check(self, email: str, kind: str) -> None:
        """Count one request, or raise 429 when the user's minute is used up."""
        if self.per_minute is None:
            return
        now = self.clock()
        window = self.hits.setdefault(email, deque())
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= self.per_minute:
            wait = max(1, math.ceil(60 - (now - window[0])))
            raise errors.quota_exceeded(kind, retry_after=wait)
        window.append(now)


@dataclass
class Fault:
    """One scripted failure: an error answer, or (``drop``) a connection closed without an
    answer, ``before`` or ``after`` the request is applied. ``only`` limits it to ``Read``
    or ``Write`` requests."""

    status: int
    retry_after: int | None = None
    message: str | None = None
    only: str | None = None
    drop: str = ""

    def error(self, kind: str) -> errors.ApiError:
        if self.status == 429 and self.message is None:
            return errors.quota_exceeded(kind, self.retry_after)
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else None
        return errors.ApiError(self.status, self.message, headers=headers)


class DropConnection(Exception):
    """The server closes the connection without answering (a reset mid-request)."""


class Faults:
    """A queue of scripted failures served before normal handling."""

    def __init__(self) -> None:
        self.pending: deque[Fault] = deque()

    def add(
        self,
        count: int,
        status: int,
        retry_after: int | None,
        message: str | None,
        only: str | None = None,
        drop: str = "",
    ) -> None:
        """Queue ``count`` failures."""
        for _ in range(count):
            self.pending.append(Fault(status, retry_after, message, only, drop))

    def take(self, kind: str) -> Fault | None:
        """The next scripted failure for a ``kind`` request (Read or Write), if any."""
        for fault in self.pending:
            if fault.only in (None, kind):
                self.pending.remove(fault)
                return fault
        return None

    def next_error(self, kind: str) -> errors.ApiError | None:
        """The next scripted error answer, if any (drops are left for ``take``)."""
        fault = self.take(kind)
        return None if fault is None else fault.error(kind)
