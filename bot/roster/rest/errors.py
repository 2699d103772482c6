"""What can go wrong talking to a OneRoster API. Every message names the URL or the record,
says what to do, and never shows the client secret."""

from __future__ import annotations

from bot.errors import RolloverError

UNCHANGED = "the workbook was not changed"


class OneRosterError(RolloverError):
    """The API refused the request, failed, or sent something that cannot be read."""


class Malformed(OneRosterError):
    """A page or record the API sent is not what the OneRoster REST binding says."""


class Retryable(OneRosterError):
    """A failure that may pass (429, 5xx, a dropped connection); ``wait`` is the server's
    Retry-After in seconds, when it gave one."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class Refused(OneRosterError):
    """The API answered a request with a refusal (4xx); ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status
