"""When one step breaks: which errors stop only that step, and the reason users read.

An error inside one step (planning it, executing it, making its rows for other tabs) fails
that step; the cycle carries on with the others and writes everything back. Errors of the
workbook, the state store or the notifier, and credentials an LMS refuses, mean the cycle itself
cannot go on: they stop it.
"""

from __future__ import annotations

import logging

from bot.core.values import shown
from bot.errors import CredentialsError, NotifierError, RolloverError, WorkbookError

REASON_CHARACTERS = 300
CYCLE_FAILURES: tuple[type[Exception], ...] = (WorkbookError, NotifierError, CredentialsError)
"""Besides the state store's own ``failures``: what stops the whole cycle."""

log = logging.getLogger(__name__)


def reason_of(exc: BaseException) -> str:
    """The error as a person can act on it: the bot's own message, the file and what is wrong
    with it, or (for a fault in the bot) its kind and where to find the details."""
    if isinstance(exc, RolloverError):
        text = str(exc)
    elif isinstance(exc, FileNotFoundError) and exc.filename:
        text = f"the file {exc.filename} is missing"
    elif isinstance(exc, PermissionError) and exc.filename:
        text = f"no permission to open {exc.filename}"
    elif isinstance(exc, OSError) and exc.filename:
        text = f"cannot use {exc.filename}: {exc.strerror or exc}"
    else:
        text = f"unexpected error ({type(exc).__name__}: {exc}); the details are in the bot's log"
    return shown(text, REASON_CHARACTERS, quote=False)


def explained(exc: BaseException) -> bool:
    """Whether the reason says all there is (the bot's message, a file): no traceback needed."""
    return isinstance(exc, RolloverError | OSError)


def log_failure(step_id: str, stage: str, exc: BaseException) -> str:
    """Log a step's failure (with its traceback when it is a fault in the bot, at debug level
    otherwise) and return the reason for the sheet."""
    reason = reason_of(exc)
    if explained(exc):
        log.error("%s failed while %s: %s", step_id, stage, reason)
        log.debug("%s: %s", step_id, stage, exc_info=exc)
    else:
        log.error("%s failed while %s: %s", step_id, stage, reason, exc_info=exc)
    return reason
