"""Where a OneRoster service is and which version it speaks.

``--api`` is the service's address: its root (``https://sis.example.org``, or with a path
prefix such as ``https://district.example.net/oneroster``) or its versioned base, which the
binding fixes as ``<root>/ims/oneroster/v1p1`` (1.1) and ``<root>/ims/oneroster/rostering/v1p2``
(1.2). A versioned base says the version; else ``--version`` does; else the bot asks both
paths without credentials (``GET .../orgs?limit=1``): a service that is there answers 401 or
200, one that is not 404. Only ``https`` is accepted, save for a server on this machine
(``http://127.0.0.1``, a local fake).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from bot.roster.rest.errors import UNCHANGED, OneRosterError
from bot.roster.rest.fields import V11, V12, VERSIONS

PATHS = {V11: "/ims/oneroster/v1p1", V12: "/ims/oneroster/rostering/v1p2"}
PROBE = "/orgs?limit=1"


@dataclass(frozen=True)
class Service:
    version: str
    root: str

    @property
    def base(self) -> str:
        return self.root + PATHS[self.version]

    def url(self, collection: str, sourced_id: str = "") -> str:
        url = f"{self.base}/{collection}"
        return f"{url}/{quote(sourced_id, safe='')}" if sourced_id else url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def split_url(url: str) -> tuple[str, str | None]:
    """The service root and the version its path names (None if it names none)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise OneRosterError(
            f"--api {url!r} is not a web address: give the OneRoster service's URL, e.g. "
            "https://sis.example.org or https://sis.example.org/ims/oneroster/v1p1"
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise OneRosterError(
            f"--api {url}: the roster and the credentials would cross the network unencrypted; "
            "use the https:// address (http:// is accepted only for a server on this machine)"
        )
    if parts.query or parts.fragment:
        raise OneRosterError(f"--api {url}: give the service's address without ?query or #part")
    path = parts.path.rstrip("/")
    for version, suffix in PATHS.items():
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            return f"{parts.scheme}://{parts.netloc}{path}", version
    return f"{parts.scheme}://{parts.netloc}{path}", None


def find_service(url: str, version: str | None, probe: Callable[[str], int]) -> Service:
    """The service at ``url``; ``probe(url)`` is the status of an unauthenticated GET."""
    if version is not None and version not in VERSIONS:
        raise OneRosterError(f"--version {version!r}: expected 1.1 or 1.2")
    root, named = split_url(url)
    if named is not None:
        if version is not None and version != named:
            raise OneRosterError(
                f"--api {url} is a OneRoster {named} address but --version says {version}: "
                "drop --version or give the service's root address"
            )
        return Service(named, root)
    if version is not None:
        return Service(version, root)
    there = [v for v in VERSIONS if probe(Service(v, root).base + PROBE) != 404]
    if len(there) == 1:
        return Service(there[0], root)
    if not there:
        tried = " and ".join(Service(v, root).base for v in VERSIONS)
        raise OneRosterError(
            f"no OneRoster service at {root}: {tried} both answered 404 Not Found. Check --api "
            f"(the address your SIS gives for its OneRoster API); {UNCHANGED}"
        )
    raise OneRosterError(
        f"{root} answers at both the OneRoster 1.1 and 1.2 addresses: say which to use with "
        "--version 1.1 (OAuth 1.0a key and secret) or --version 1.2 (OAuth 2 client credentials)"
    )
