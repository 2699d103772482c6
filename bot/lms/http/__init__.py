"""The LMS over HTTP: one adapter per system behind the LMS seam (``lms``), the client they
share (``client``: rate limit, bounded concurrency, retries), the four designed APIs
(``designed``; ``edgenuity``, ``schoolstatus``, ``twig``, ``renaissance``: each one's mapping)
and Schoology's REST v1 (``schoology``). References: ``docs/lms-api/``."""

from __future__ import annotations

from bot.lms.http.client import Policy
from bot.lms.http.lms import TOKEN_VARIABLE, HttpLMS, HttpSettings

__all__ = ["TOKEN_VARIABLE", "HttpLMS", "HttpSettings", "Policy"]
