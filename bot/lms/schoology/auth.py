"""Signing requests to Schoology's REST API v1: two-legged OAuth 1.0a as Schoology asks.

Schoology's *Authentication* page: every request carries ``Authorization: OAuth realm="Schoology
API", oauth_consumer_key="...", oauth_token="", oauth_nonce="...", oauth_timestamp="...",
oauth_signature_method="...", oauth_version="1.0", oauth_signature="..."``. Two-legged requests
keep ``oauth_token`` but leave it empty; the recommended method is HMAC-SHA1 (the secret never
leaves this machine), PLAINTEXT is allowed over HTTPS (the signature is the secret itself).
oauthlib signs (through requests-oauthlib); ``SchoologyClient`` adds what they leave out: the
empty token, Schoology's order of the parameters, and the time from the clock seam.

The consumer key and secret come from SCHOOLOGY_CONSUMER_KEY and SCHOOLOGY_CONSUMER_SECRET.
The secret is in no ``repr``, message or log line: oauthlib and requests-oauthlib log the
signature and the signed headers at DEBUG, which for PLAINTEXT is the secret, so their loggers
are kept at INFO. ``refusal`` explains a 401 in words that say what to do.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from oauthlib.oauth1 import SIGNATURE_TYPE_AUTH_HEADER, Client
from requests.auth import AuthBase
from requests_oauthlib import OAuth1

from bot.abc import Clock
from bot.clock import SystemClock
from bot.config.schoology import HMAC_SHA1, PLAINTEXT, SIGNATURE_METHODS
from bot.errors import ConfigError, CredentialsError

__all__ = [
    "HMAC_SHA1",
    "KEY_VARIABLE",
    "PLAINTEXT",
    "REALM",
    "SECRET_VARIABLE",
    "SIGNATURE_METHODS",
    "Credentials",
    "MissingCredentials",
    "SchoologyAuthError",
    "SchoologyClient",
    "credentials_from_env",
    "raise_for_refusal",
    "refusal",
    "signer",
]
KEY_VARIABLE = "SCHOOLOGY_CONSUMER_KEY"
SECRET_VARIABLE = "SCHOOLOGY_CONSUMER_SECRET"
REALM = "Schoology API"
WHERE = "School Management > Integration > API in Schoology"
CLOCK_SLACK = 300
"""Seconds this machine's clock may differ from Schoology's (its Date header) before a 401 is
put down to the clock."""
UNCHANGED = "nothing was changed"
ORDER = (
    "oauth_consumer_key",
    "oauth_token",
    "oauth_nonce",
    "oauth_timestamp",
    "oauth_signature_method",
    "oauth_version",
)
"""The order of Schoology's example header (the signature comes last)."""
SIGNING_LOGGERS = ("oauthlib", "requests_oauthlib")


def _quiet_signing_logs() -> None:
    """Keep the signing libraries' DEBUG lines (signatures, signed headers) out of any log."""
    for name in SIGNING_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


_quiet_signing_logs()


class MissingCredentials(ConfigError, CredentialsError):
    """SCHOOLOGY_CONSUMER_KEY or SCHOOLOGY_CONSUMER_SECRET is not set (stops the cycle)."""


class SchoologyAuthError(CredentialsError):
    """Schoology refused the request's credentials, signature, timestamp or nonce (401): the
    cycle stops, and the message says what to fix."""


@dataclass(frozen=True)
class Credentials:
    consumer_key: str
    consumer_secret: str = field(repr=False)


def credentials_from_env(environ: Mapping[str, str] | None = None) -> Credentials:
    """The consumer key and secret from SCHOOLOGY_CONSUMER_KEY and SCHOOLOGY_CONSUMER_SECRET;
    a missing one is a ``ConfigError`` naming the variable."""
    env = os.environ if environ is None else environ
    key = env.get(KEY_VARIABLE, "").strip()
    secret = env.get(SECRET_VARIABLE, "").strip()
    if not key:
        raise MissingCredentials(
            f"{KEY_VARIABLE} is not set: put the consumer key of the bot's Schoology API "
            f"credentials in it ({WHERE}, signed in as the System Admin the bot acts as)"
        )
    if not secret:
        raise MissingCredentials(
            f"{SECRET_VARIABLE} is not set: put the consumer secret issued with the consumer "
            f"key {key} in it ({WHERE}; request new credentials there if it was lost)"
        )
    return Credentials(key, secret)


class SchoologyClient(Client):
    """oauthlib's client with Schoology's two-legged header: ``oauth_token=""`` present, the
    parameters in the documented order, the timestamp from ``clock``."""

    def __init__(self, *args: Any, clock: Clock | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock or SystemClock()

    def get_oauth_params(self, request: Any) -> list[tuple[str, str]]:
        params = super().get_oauth_params(request)
        values = dict(params)
        values["oauth_timestamp"] = str(int(self.clock.now().timestamp()))
        values.setdefault("oauth_token", "")
        ordered = [(name, values[name]) for name in ORDER]
        return ordered + [(k, v) for k, v in params if k not in ORDER]


def signer(
    credentials: Credentials, signature_method: str = HMAC_SHA1, clock: Clock | None = None
) -> AuthBase:
    """A ``requests`` auth that signs each request afresh (new nonce, the clock's timestamp)
    with the consumer key and secret, as Schoology expects."""
    if signature_method not in SIGNATURE_METHODS:
        raise ConfigError(
            f"signature method {signature_method!r} is not one Schoology takes: "
            f"{' or '.join(SIGNATURE_METHODS)}"
        )
    auth: AuthBase = OAuth1(
        credentials.consumer_key,
        client_secret=credentials.consumer_secret,
        signature_method=signature_method,
        signature_type=SIGNATURE_TYPE_AUTH_HEADER,
        client_class=SchoologyClient,
        realm=REALM,
        clock=clock or SystemClock(),
    )
    return auth


def server_time(response: requests.Response) -> datetime | None:
    """Schoology's clock: the answer's Date header."""
    value = response.headers.get("Date", "")
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _said(response: requests.Response, credentials: Credentials) -> str:
    """The server's own words, short, with the secret blotted out should it be echoed."""
    text = " ".join(response.text.split())[:300]
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        text = body["message"]
    secret = credentials.consumer_secret
    if secret:
        text = text.replace(secret, "****")
    return text


def _skew(seconds: float) -> str:
    """How far off, as a person says it (the Date header has whole seconds)."""
    if abs(seconds) >= 120:
        return f"about {round(abs(seconds) / 60)} minutes"
    return f"{round(abs(seconds))} seconds"


def refusal(
    response: requests.Response, credentials: Credentials, clock: Clock | None = None
) -> SchoologyAuthError:
    """Why Schoology answered 401, naming what to fix: this machine's clock, a replayed
    request, SCHOOLOGY_CONSUMER_KEY or SCHOOLOGY_CONSUMER_SECRET."""
    said = _said(response, credentials)
    status = f"{response.status_code} {response.reason or ''}".strip()
    heard = f"{status}: {said}" if said else status
    now = (clock or SystemClock()).now()
    theirs = server_time(response)
    off = (now - theirs).total_seconds() if theirs is not None else 0.0
    lowered = said.lower()
    if abs(off) > CLOCK_SLACK or ("timestamp" in lowered and "nonce" not in lowered):
        if theirs is None or abs(off) <= CLOCK_SLACK:
            where = "the request took too long to arrive, or this computer's clock is wrong"
        else:
            ahead = "ahead of" if off > 0 else "behind"
            where = (
                f"this computer's clock is {_skew(off)} {ahead} Schoology's ({theirs.isoformat()})"
            )
        return SchoologyAuthError(
            f"Schoology refused the request's timestamp ({heard}): {where}. Set this "
            f"computer's clock right (turn on automatic network time) and run again; "
            f"{UNCHANGED}"
        )
    if "nonce" in lowered or "replay" in lowered:
        return SchoologyAuthError(
            f"Schoology refused a request as a replay ({heard}): every request is signed "
            f"afresh, so something sent one twice (a proxy, or a retry of the same signed "
            f"request); run again, and report it if it happens again; {UNCHANGED}"
        )
    key = credentials.consumer_key
    if "consumer key" in lowered or "consumer_key" in lowered:
        return SchoologyAuthError(
            f"Schoology does not accept the consumer key {key} ({heard}): put the consumer key "
            f"of the bot's API credentials ({WHERE}) in {KEY_VARIABLE}; {UNCHANGED}"
        )
    return SchoologyAuthError(
        f"Schoology refused the API credentials ({heard}): check that {SECRET_VARIABLE} "
        f"holds the consumer secret issued with the consumer key {key} in {KEY_VARIABLE} "
        f"({WHERE}; request new credentials there if it was lost); {UNCHANGED}"
    )


def raise_for_refusal(
    response: requests.Response, credentials: Credentials, clock: Clock | None = None
) -> None:
    """Raise ``SchoologyAuthError`` (see ``refusal``) when Schoology answered 401."""
    if response.status_code == 401:
        raise refusal(response, credentials, clock)
