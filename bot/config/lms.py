"""``[lms]``: the in-process model of the LMS (the default), or the systems' APIs over HTTP
when ``endpoint`` gives their address. The API token is never here: it comes from
ROLLOVER_LMS_TOKEN."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from bot.config.schoology import SchoologyConfig
from bot.errors import ConfigError

BACKENDS = ("mock", "http")
EXAMPLE = "http://127.0.0.1:8800"


def parse_endpoint(value: object) -> str:
    """``[lms] endpoint``: blank, or the web address under which each system's API has its
    prefix (``<endpoint>/edgenuity/v1/...``)."""
    if not isinstance(value, str):
        raise ConfigError(f"lms.endpoint must be a URL in quotes, not {value!r}")
    endpoint = value.strip().rstrip("/")
    if not endpoint:
        return ""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"lms.endpoint = {endpoint!r} is not a web address: give the LMS APIs' address, "
            f"e.g. {EXAMPLE!r} (leave it out to use the in-process LMS model)"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"lms.endpoint = {endpoint!r}: give the address without ? or #")
    return endpoint


def backend(value: object, endpoint: str) -> str:
    """``http`` when an endpoint is given (whatever ``backend`` says: a config written with
    ``backend = "mock"`` is switched by adding the endpoint), else ``backend``."""
    if endpoint:
        return "http"
    if value not in BACKENDS:
        raise ConfigError(f"lms.backend = {value!r}: expected one of {', '.join(BACKENDS)}")
    return str(value)


def schoology_beside(
    schoology: SchoologyConfig, table: dict[str, object], endpoint: str
) -> SchoologyConfig:
    """Schoology under the LMS APIs' address (``<endpoint>/schoology``) unless
    ``[lms.schoology] endpoint`` says where it is."""
    if not endpoint or "endpoint" in table:
        return schoology
    return replace(schoology, endpoint=f"{endpoint}/schoology")
