"""One system's API on the fake: its URL prefix, routes, error shape, rate limit, batch size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.testing.fake_lms.faults import Limit
from bot.testing.fake_lms.http import ApiError, Router

ErrorMaker = Callable[[int, str, str, str], ApiError]
"""``(HTTP status, code, message, record) -> ApiError`` in the system's own error shape."""


@dataclass
class System:
    slug: str
    name: str
    router: Router
    limit: Limit
    batch: int
    error: ErrorMaker
    reference: str
    """The API reference page, under ``docs/lms-api/``."""

    def fail(self, status: int, code: str, message: str, record: str = "") -> ApiError:
        return self.error(status, code, message, record)


def json_error(status: int, code: str, message: str, record: str = "") -> ApiError:
    """The error shape of the four designed APIs: ``{"error": {code, message, record?}}``."""
    error = {"code": code, "message": message}
    if record:
        error["record"] = record
    return ApiError(status, {"error": error})
