"""The LMS seam: the in-process model of each system (the default), or each system's API
over HTTP (``[lms] endpoint``)."""

from __future__ import annotations

import os

from bot.abc import LMS, Clock
from bot.config import Config
from bot.errors import ConfigError


def open_lms(config: Config, clock: Clock | None = None) -> LMS:
    """The LMS the config names: the systems' APIs when ``[lms] backend`` is http (an
    ``endpoint`` makes it so; the token from ROLLOVER_LMS_TOKEN), else the stateful mock at
    ``[lms] path``, with its faults, on ``clock`` (its own idea of today: a pause sent ahead
    takes effect on its date)."""
    if config.lms_backend == "http":
        from bot.lms.http import TOKEN_VARIABLE, HttpLMS, HttpSettings

        token = os.environ.get(TOKEN_VARIABLE, "").strip()
        if config.lms_endpoint and not token:
            raise ConfigError(
                f"{TOKEN_VARIABLE} is not set: [lms] endpoint is {config.lms_endpoint}, and "
                f"its APIs need the bot's API token in {TOKEN_VARIABLE} (never in the config)"
            )
        return HttpLMS(HttpSettings(config.lms_endpoint, token, config.schoology), clock)
    from bot.lms.mock import MockLMS
    from bot.lms.mock.faults import Faults

    return MockLMS(config.lms_path, Faults.from_config(config.lms_faults), clock)
