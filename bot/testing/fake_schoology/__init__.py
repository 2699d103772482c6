"""A local fake of Schoology's REST API v1 that verifies two-legged OAuth 1.0a signatures:
``python -m bot.testing.fake_schoology --port P --consumer-key K --consumer-secret S
[--store PATH]``.

Modules: ``oauth`` (the signature checks, Schoology's way), ``server`` (the fake LMS's
Schoology routes and model, served alone at ``/v1/...``). In tests:
``with FakeSchoologyServer(path, key, secret) as fake:`` and requests signed with
``bot.lms.schoology.auth``. Reference: ``docs/lms-api/schoology.md``.
"""

from __future__ import annotations

from bot.testing.fake_schoology.oauth import REALM, WINDOW, SchoologyOAuth
from bot.testing.fake_schoology.server import FakeSchoologyServer

__all__ = ["REALM", "WINDOW", "FakeSchoologyServer", "SchoologyOAuth"]
