"""The ``[lms.schoology]`` section: where Schoology's REST API is and how requests are signed.
The consumer key and secret are never here: they come from SCHOOLOGY_CONSUMER_KEY and
SCHOOLOGY_CONSUMER_SECRET."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.config.keys import KEYS, refuse_unknown
from bot.errors import ConfigError

DEFAULT_ENDPOINT = "https://api.schoology.com"
HMAC_SHA1 = "HMAC-SHA1"
PLAINTEXT = "PLAINTEXT"
SIGNATURE_METHODS = (HMAC_SHA1, PLAINTEXT)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class SchoologyConfig:
    endpoint: str = DEFAULT_ENDPOINT
    """The API's root: requests go to ``<endpoint>/v1/...``."""
    signature_method: str = HMAC_SHA1


def parse_schoology(table: dict[str, object]) -> SchoologyConfig:
    """``[lms.schoology]``; every key optional."""
    refuse_unknown(table, "lms.schoology", KEYS["lms.schoology"])
    endpoint = table.get("endpoint", DEFAULT_ENDPOINT)
    method = table.get("signature_method", HMAC_SHA1)
    if not isinstance(endpoint, str):
        raise ConfigError(f"lms.schoology.endpoint must be a URL in quotes, not {endpoint!r}")
    if method not in SIGNATURE_METHODS:
        raise ConfigError(
            f"lms.schoology.signature_method = {method!r}: expected HMAC-SHA1 or PLAINTEXT"
        )
    endpoint = endpoint.strip().rstrip("/")
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"lms.schoology.endpoint = {endpoint!r} is not a web address: give the API's root, "
            f"e.g. {DEFAULT_ENDPOINT!r}"
        )
    if parts.path.rstrip("/").endswith("/v1"):
        raise ConfigError(
            f"lms.schoology.endpoint = {endpoint!r}: leave out /v1 (the bot adds /v1/... to "
            f"each request), e.g. {DEFAULT_ENDPOINT!r}"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"lms.schoology.endpoint = {endpoint!r}: give the address without ? or #")
    if method == PLAINTEXT and parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise ConfigError(
            f"lms.schoology.signature_method = 'PLAINTEXT' sends the consumer secret itself: "
            f"use it only over https (lms.schoology.endpoint is {endpoint!r}), or use HMAC-SHA1"
        )
    return SchoologyConfig(endpoint, str(method))
