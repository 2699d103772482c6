"""The fake's security: OAuth 1.0a signatures (1.1) and OAuth 2 client credentials (1.2).

1.1: each request must carry an OAuth 1.0a Authorization header signed (HMAC-SHA1 or
HMAC-SHA256) with the client's secret, a timestamp within ``TIMESTAMP_LIFETIME`` seconds of
now and a nonce not seen before; oauthlib verifies the signature. Anything else is a 401.
1.2: ``POST /token`` with grant_type=client_credentials and the client's ID and secret (HTTP
Basic, or in the form) gives a bearer token for the scopes asked for that the client may have
(all, if it asks for none); a resource then needs a live token with its scope: the
demographics need roster-demographics.readonly, the rest roster-core.readonly or
roster.readonly. No token or a dead one is a 401, a missing scope a 403.
"""

from __future__ import annotations

import base64
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint

from bot.roster.rest.auth import CORE_SCOPE, DEMOGRAPHICS_SCOPE, FULL_SCOPE

TIMESTAMP_LIFETIME = 600
ALL_SCOPES = (CORE_SCOPE, FULL_SCOPE, DEMOGRAPHICS_SCOPE)
TOKEN_LIFETIME = 3600


class Unauthorized(Exception):
    """401: says why."""


class Forbidden(Exception):
    """403: says which scope is missing."""


class _Validator(RequestValidator):
    """oauthlib's questions about the one client the fake knows."""

    enforce_ssl = False
    timestamp_lifetime = TIMESTAMP_LIFETIME

    def __init__(self, client_id: str, secret: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.secret = secret
        self.nonces: set[tuple[str, str, str]] = set()
        self.reason = ""

    @property
    def allowed_signature_methods(self) -> tuple[str, ...]:
        return ("HMAC-SHA1", "HMAC-SHA256")

    @property
    def dummy_client(self) -> str:
        return "unknown-client"

    def check_client_key(self, client_key: str) -> bool:
        return bool(client_key)

    def check_nonce(self, nonce: str) -> bool:
        return bool(nonce)

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        if client_key != self.client_id:
            self.reason = f"unknown consumer key {client_key!r}"
            return False
        return True

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return self.secret if client_key == self.client_id else secrets.token_hex(16)

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: str,
        nonce: str,
        request: Any,
        request_token: str | None = None,
        access_token: str | None = None,
    ) -> bool:
        seen = (client_key, timestamp, nonce)
        if seen in self.nonces:
            self.reason = "the nonce was used before (a replayed request)"
            return False
        self.nonces.add(seen)
        return True


class OAuth1Verifier:
    """Verifies the OAuth 1.0a signature of each request."""

    def __init__(self, client_id: str, secret: str, now: Callable[[], float]) -> None:
        self.validator = _Validator(client_id, secret)
        self.endpoint = SignatureOnlyEndpoint(self.validator)
        self.now = now
        self.lock = threading.Lock()

    def check(self, uri: str, headers: dict[str, str]) -> None:
        """Raise Unauthorized unless the request at ``uri`` is signed by the client."""
        if not any(k.lower() == "authorization" for k in headers):
            raise Unauthorized("no OAuth 1.0a Authorization header")
        with self.lock:
            self.validator.reason = ""
            valid, request = self.endpoint.validate_request(uri, "GET", None, headers)
            reason = self.validator.reason
        if valid:
            return
        if request is None:
            raise Unauthorized("the Authorization header is not an OAuth 1.0a header")
        if reason:
            raise Unauthorized(reason)
        stamp = getattr(request, "timestamp", None) or ""
        if stamp.isdigit() and abs(self.now() - int(stamp)) > TIMESTAMP_LIFETIME:
            raise Unauthorized(f"the timestamp {stamp} is not within {TIMESTAMP_LIFETIME} s of now")
        if request.validator_log.get("signature") is False:
            raise Unauthorized("the signature does not match (wrong secret?)")
        raise Unauthorized("missing or invalid OAuth parameters")


@dataclass
class Token:
    scopes: frozenset[str]
    expires: datetime


class OAuth2Tokens:
    """The token endpoint and the bearer tokens it gave."""

    def __init__(
        self,
        client_id: str,
        secret: str,
        scopes: tuple[str, ...],
        clock: Callable[[], datetime],
        lifetime: int = TOKEN_LIFETIME,
    ) -> None:
        self.client_id = client_id
        self.secret = secret
        self.allowed = frozenset(scopes)
        self.clock = clock
        self.lifetime = lifetime
        self.tokens: dict[str, Token] = {}
        self.lock = threading.Lock()

    def _client(self, headers: dict[str, str], form: dict[str, str]) -> tuple[str, str]:
        header = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if header.lower().startswith("basic "):
            try:
                pair = base64.b64decode(header[6:].strip()).decode("utf-8")
            except ValueError:
                return "", ""
            client_id, _, secret = pair.partition(":")
            return client_id, secret
        return form.get("client_id", ""), form.get("client_secret", "")

    def issue(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        """Answer ``POST /token``: (status, JSON body) as RFC 6749 section 5 says."""
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        client_id, secret = self._client(headers, form)
        if client_id != self.client_id or not secrets.compare_digest(secret, self.secret):
            return 401, {"error": "invalid_client", "error_description": "unknown client"}
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        asked = frozenset(form.get("scope", "").split())
        granted = (asked & self.allowed) if asked else self.allowed
        if not granted:
            return 400, {"error": "invalid_scope", "error_description": "no scope granted"}
        token = secrets.token_urlsafe(24)
        with self.lock:
            expires = self.clock() + timedelta(seconds=self.lifetime)
            self.tokens[token] = Token(granted, expires)
        body_out = {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.lifetime,
            "scope": " ".join(sorted(granted)),
        }
        return 200, body_out

    def check(self, headers: dict[str, str], collection: str) -> None:
        """Raise Unauthorized / Forbidden unless a live token with the scope is presented."""
        header = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if not header.lower().startswith("bearer "):
            raise Unauthorized("no bearer token")
        with self.lock:
            token = self.tokens.get(header[7:].strip())
        if token is None:
            raise Unauthorized("unknown bearer token")
        if self.clock() >= token.expires:
            raise Unauthorized("the bearer token has expired")
        needed = (DEMOGRAPHICS_SCOPE,) if collection == "demographics" else (CORE_SCOPE, FULL_SCOPE)
        if not token.scopes & set(needed):
            raise Forbidden(f"the token lacks the scope {needed[0]}")
