"""Who is calling: a pluggable check per system.

The server asks its system's :class:`Authenticator` about every API request and answers 401
when it names no caller. :class:`TokenAuth` accepts ``Authorization: Bearer <token>`` and,
for Schoology's header form, ``Authorization: OAuth ... oauth_consumer_key="<token>" ...``
without checking the signature. The verifier of Schoology's OAuth 1.0a signatures
(``bot.testing.fake_schoology.oauth``) is another ``Authenticator``: it gets the method, the
full URL, the headers and the body it needs, and raises its own 401 with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote

OAUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class AuthRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return ""


class Authenticator(Protocol):
    challenge: str
    """The ``WWW-Authenticate`` value of a 401 answer."""

    def identify(self, request: AuthRequest) -> str | None:
        """The caller's name, or ``None`` when the request is not authenticated (the server
        answers its system's 401). It may instead raise an ``ApiError``: its own refusal,
        answered as it is (a status, a body, headers such as ``WWW-Authenticate``)."""


class TokenAuth:
    """Any of ``tokens`` as a bearer token, or as the OAuth consumer key."""

    challenge = 'Bearer realm="fake LMS"'

    def __init__(self, tokens: Collection[str]) -> None:
        self.tokens = frozenset(tokens)

    def identify(self, request: AuthRequest) -> str | None:
        value = request.header("Authorization").strip()
        scheme, _, rest = value.partition(" ")
        if scheme.lower() == "bearer":
            token = rest.strip()
        elif scheme.lower() == "oauth":
            token = unquote(oauth_params(rest).get("oauth_consumer_key", ""))
        else:
            return None
        return token if token in self.tokens else None


def oauth_params(header: str) -> dict[str, str]:
    """The ``name="value"`` pairs of an OAuth ``Authorization`` header (values as sent)."""
    return dict(OAUTH_PARAM.findall(header))
