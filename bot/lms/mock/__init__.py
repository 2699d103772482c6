"""A stateful model of each vendor's LMS, persisted in SQLite, with the vendors' rules."""

from bot.lms.mock.lms import MockLMS
from bot.lms.mock.store import MockStore

__all__ = ["MockLMS", "MockStore"]
