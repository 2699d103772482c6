"""Credentials for a OneRoster API: OAuth 1.0a for 1.1, OAuth 2 client credentials for 1.2.

1.1: every request is signed (two-legged OAuth 1.0a, HMAC-SHA1, in the Authorization header)
with the client ID as consumer key and the client secret; the secret itself is never sent.
1.2: the bot asks the provider's token endpoint for a bearer token (grant type
client_credentials, the client ID and secret in HTTP Basic authentication as the 1EdTech
Security Framework says, and the roster scopes), then sends ``Authorization: Bearer`` with
each request, and asks again when the token is about to expire. The secret is read from the
environment by the command and kept here only; no message or log line shows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_AUTH_HEADER
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error
from requests.auth import AuthBase, HTTPBasicAuth
from requests_oauthlib import OAuth1

from bot.roster.rest.errors import UNCHANGED, OneRosterError
from bot.roster.rest.http import Transport, describe

SECRET_VARIABLE = "ONEROSTER_CLIENT_SECRET"
SCOPE_ROOT = "https://purl.imsglobal.org/spec/or/v1p2/scope/"
CORE_SCOPE = SCOPE_ROOT + "roster-core.readonly"
FULL_SCOPE = SCOPE_ROOT + "roster.readonly"
DEMOGRAPHICS_SCOPE = SCOPE_ROOT + "roster-demographics.readonly"
REQUESTED = (CORE_SCOPE, DEMOGRAPHICS_SCOPE)
EARLY = 60.0
"""Seconds before a token's expiry at which the bot asks for a new one."""


@dataclass(frozen=True)
class Credentials:
    client_id: str
    secret: str = field(repr=False)


def signed(credentials: Credentials) -> AuthBase:
    """OAuth 1.0a (HMAC-SHA1, two-legged) for OneRoster 1.1."""
    return OAuth1(
        credentials.client_id,
        client_secret=credentials.secret,
        signature_method=SIGNATURE_HMAC_SHA1,
        signature_type=SIGNATURE_TYPE_AUTH_HEADER,
    )


def wrong_secret(client_id: str, said: str, how: str = "") -> str:
    return (
        f"the OneRoster API refused the credentials ({said}): check that {SECRET_VARIABLE} "
        f"holds the client secret issued with --client-id {client_id}"
        + (f" ({how})" if how else "")
        + f"; {UNCHANGED}"
    )


class ClientCredentials(AuthBase):
    """OAuth 2 client credentials for OneRoster 1.2: a bearer token, fetched when needed."""

    def __init__(
        self,
        credentials: Credentials,
        token_url: str,
        transport: Transport,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.credentials = credentials
        self.token_url = token_url
        self.transport = transport
        self.clock = clock
        self.client = BackendApplicationClient(client_id=credentials.client_id)
        self.token = ""
        self.expires = 0.0
        self.granted: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"ClientCredentials({self.credentials.client_id!r}, {self.token_url!r})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if not self.token or self.clock() >= self.expires - EARLY:
            self.fetch()
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request

    def fetch(self) -> None:
        """Ask the token endpoint for a token with the roster scopes."""
        body = self.client.prepare_request_body(scope=list(REQUESTED))
        response = self.transport.send(
            "POST",
            self.token_url,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            auth=HTTPBasicAuth(self.credentials.client_id, self.credentials.secret),
        )
        self._refused(response)
        try:
            token = self.client.parse_request_body_response(response.text, scope=list(REQUESTED))
        except Warning as changed:
            token = changed.token  # type: ignore[attr-defined]
        except (OAuth2Error, ValueError) as exc:
            raise OneRosterError(
                f"the token endpoint {self.token_url} answered with no usable token ({exc}); "
                f"{UNCHANGED}"
            ) from exc
        kind = str(token.get("token_type", "bearer")).lower()
        if kind != "bearer":
            raise OneRosterError(
                f"the token endpoint {self.token_url} gave a {kind!r} token, not a bearer token "
                f"(OneRoster 1.2 uses bearer tokens); {UNCHANGED}"
            )
        self.token = str(token["access_token"])
        lifetime = float(token.get("expires_in") or 3600)
        self.expires = self.clock() + lifetime
        scope = token.get("scope")
        self.granted = frozenset(
            scope if isinstance(scope, list) else str(scope or " ".join(REQUESTED)).split()
        )

    def _refused(self, response: requests.Response) -> None:
        code = response.status_code
        if 200 <= code < 300:
            return
        said = describe(response)
        client_id = self.credentials.client_id
        if code in (400, 401) and "invalid_scope" in response.text:
            raise OneRosterError(
                f"the token endpoint {self.token_url} granted none of the roster scopes "
                f"({said}): ask the SIS administrator to allow client ID {client_id} "
                f"{CORE_SCOPE}; {UNCHANGED}"
            )
        if code in (400, 401, 403):
            raise OneRosterError(wrong_secret(client_id, f"{said}, at {self.token_url}"))
        if code == 404:
            raise OneRosterError(
                f"no token endpoint at {self.token_url} (404 Not Found): give your provider's "
                f"OAuth 2 token URL with --token-url (its OneRoster documentation names it); "
                f"{UNCHANGED}"
            )
        raise OneRosterError(f"the token endpoint {self.token_url} refused ({said}); {UNCHANGED}")

    def may_read_demographics(self) -> bool:
        return DEMOGRAPHICS_SCOPE in self.granted or not self.granted
