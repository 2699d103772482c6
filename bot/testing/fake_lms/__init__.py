"""A local fake of the five systems' APIs over HTTP, served from the mock LMS's store and
vendor rules: ``python -m bot.testing.fake_lms --port P --store PATH``.

Modules: ``model`` (writes through the vendor handlers, one transaction per request, the change
history), ``http`` (requests, answers, routing), ``auth`` (who calls), ``faults`` (latency,
errors, resets, partial applies, rate limits), ``server`` (HTTP, records, ``/_fake/*``),
``vendor`` (what the four designed APIs share), one module per system, ``schoology_shapes`` and
``schoology_writes`` (Schoology REST v1), ``powerschool`` (the PowerSchool app stand-in).
In tests: ``with FakeLMSServer(path) as fake: requests.get(fake.base("edgenuity") + ...)``.
"""

from __future__ import annotations

from bot.testing.fake_lms.server import DEFAULT_TOKEN, FakeLMSServer, RecordedRequest

__all__ = ["DEFAULT_TOKEN", "FakeLMSServer", "RecordedRequest"]
