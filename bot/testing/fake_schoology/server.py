"""Schoology's REST API v1 alone, at its own paths, signed requests only.

The routes, the model and the vendor's rules are the fake LMS's Schoology (``fake_lms``),
served at the root as ``api.schoology.com`` serves them (``/v1/users``); the PowerSchool app
stand-in answers at ``/powerschool/v1`` (``powerschool_app=False``: not at all, as on
``api.schoology.com``). Each request must be signed with two-legged OAuth 1.0a
(``oauth``); ``GET /_fake/auth`` reports what the verifier accepted and refused.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.testing.fake_lms import FakeLMSServer
from bot.testing.fake_lms.powerschool import PREFIX
from bot.testing.fake_lms.schoology import SLUG
from bot.testing.fake_schoology.oauth import SchoologyOAuth


class FakeSchoologyServer(FakeLMSServer):
    """``with FakeSchoologyServer(store, key, secret) as fake:`` then ``fake.url + "/v1/users"``
    with requests signed by that consumer key and secret. ``wall_clock`` is the verifier's
    time in seconds (the timestamps' reference); ``clock`` the rate limiter's;
    ``powerschool_app``: serve the stand-in for the PowerSchool app's configuration."""

    def __init__(
        self,
        store: Path | str,
        consumer_key: str,
        consumer_secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency_ms: int = 0,
        rate_limits: bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        today: Callable[[], date] = date.today,
        powerschool_app: bool = True,
    ) -> None:
        super().__init__(
            store,
            host,
            port,
            latency_ms=latency_ms,
            rate_limits=rate_limits,
            clock=clock,
            today=today,
            root=SLUG,
        )
        if not powerschool_app:
            router = self.systems[SLUG].router
            router.routes = [
                r
                for r in router.routes
                if not r.pattern.pattern.startswith(f"^{re.escape(PREFIX)}")
            ]
        self.oauth = SchoologyOAuth({consumer_key: consumer_secret}, wall_clock)
        self.auth[SLUG] = self.oauth
        self.controls["/_fake/auth"] = self.oauth.report
