"""A local fake of a OneRoster 1.1 / 1.2 rostering service (REST/JSON) serving a CSV bundle.

Modules: ``model`` (the bundle as the binding's JSON records), ``filters`` (the ``filter``
parameter), ``auth`` (OAuth 1.0a signatures, OAuth 2 client credentials and scopes),
``routes`` (collections, paging, one record, imsx_StatusInfo errors) and ``server`` (HTTP,
recording, faults)."""

from __future__ import annotations

from bot.testing.oneroster_fake.routes import Paging
from bot.testing.oneroster_fake.server import FakeOneRoster, RecordedRequest

__all__ = ["FakeOneRoster", "Paging", "RecordedRequest"]
