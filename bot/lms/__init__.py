"""The LMS seam: a mock per system now, real HTTP adapters later."""

from __future__ import annotations

from bot.abc import LMS, Clock
from bot.config import Config


def open_lms(config: Config, clock: Clock | None = None) -> LMS:
    """The LMS the config names: the stateful mock at ``[lms] path``, with its faults, on
    ``clock`` (its own idea of today: a pause sent ahead takes effect on its date)."""
    from bot.lms.mock import MockLMS
    from bot.lms.mock.faults import Faults

    return MockLMS(config.lms_path, Faults.from_config(config.lms_faults), clock)
