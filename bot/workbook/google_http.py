"""HTTP plumbing for the Google Sheets backend: an authorized ``requests`` session that can be
pointed at another endpoint (the local fake, a proxy) instead of Google's hosts.

Typical use::

    session = authorized_session("anonymous", endpoint="http://127.0.0.1:8765")
    client = gspread.Client(auth=AnonymousCredentials(), session=session)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import HTTPAdapter

GOOGLE_PREFIXES: tuple[str, ...] = (
    "https://sheets.googleapis.com",
    "https://www.googleapis.com",
)


def rewrite_url(url: str, endpoint: str, prefixes: tuple[str, ...] = GOOGLE_PREFIXES) -> str:
    """Swap a Google API host prefix for ``endpoint``; other URLs are returned unchanged."""
    base = endpoint.rstrip("/")
    for prefix in prefixes:
        if url == prefix or url.startswith(prefix + "/") or url.startswith(prefix + "?"):
            return base + url[len(prefix) :]
    return url


class EndpointAdapter(HTTPAdapter):
    """A transport adapter that sends Google API requests to another base URL."""

    def __init__(
        self, endpoint: str, prefixes: tuple[str, ...] = GOOGLE_PREFIXES, **kwargs: Any
    ) -> None:
        scheme = urlsplit(endpoint).scheme
        if scheme not in ("http", "https"):
            raise ValueError(f"endpoint must be an http(s) URL, got {endpoint!r}")
        super().__init__(**kwargs)
        self.endpoint = endpoint.rstrip("/")
        self.prefixes = prefixes

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Rewrite the URL, then send as usual."""
        if request.url:
            request.url = rewrite_url(request.url, self.endpoint, self.prefixes)
        return super().send(request, *args, **kwargs)


def point_at(
    session: requests.Session, endpoint: str, prefixes: tuple[str, ...] = GOOGLE_PREFIXES
) -> requests.Session:
    """Mount an :class:`EndpointAdapter` on ``session`` for every Google prefix; returns it."""
    adapter = EndpointAdapter(endpoint, prefixes)
    for prefix in prefixes:
        session.mount(prefix + "/", adapter)
    return session


def authorized_session(
    credentials: Credentials | str, endpoint: str | None = None
) -> AuthorizedSession:
    """An ``AuthorizedSession`` for ``credentials`` (or ``"anonymous"``), optionally redirected
    to ``endpoint`` such as ``http://127.0.0.1:8765``."""
    if isinstance(credentials, str):
        if credentials != "anonymous":
            raise ValueError('credentials must be a google.auth Credentials object or "anonymous"')
        credentials = AnonymousCredentials()
    session = AuthorizedSession(credentials)
    if endpoint:
        point_at(session, endpoint)
    return session
