"""Two-legged OAuth 1.0a as Schoology checks it: the fake's ``Authenticator``.

Every request must carry ``Authorization: OAuth realm="Schoology API", oauth_consumer_key=...,
oauth_token="", oauth_nonce=..., oauth_timestamp=..., oauth_signature_method=...,
oauth_version="1.0", oauth_signature=...`` (Schoology's *Authentication* page). The checks, in
order, each refusal a 401 with a plain-text reason:

* an OAuth header at all (Schoology takes no bearer tokens and no OAuth parameters in the query);
* a known consumer key;
* a signature method Schoology names: ``HMAC-SHA1`` or ``PLAINTEXT``;
* a timestamp within ``WINDOW`` seconds of the fake's clock, either way;
* the signature (oauthlib recomputes it from the method, the URL with its query, the OAuth
  parameters and a form-encoded body; a JSON body is not signed in OAuth 1.0a);
* the timestamp in sequence: not older than the newest one seen from the key by more than
  ``WINDOW`` ("you cannot use a past timestamp after using a future one", with the skew a
  server must allow to requests signed at once and sent in parallel);
* a nonce not used before with that timestamp ("Duplicate timestamp/nonce combination,
  possible replay attack.  Request rejected.", Schoology's words). Nonces are remembered for
  ``WINDOW`` seconds: an older timestamp is refused anyway.

A refused request is counted by reason and logged (never the secret or the signature); a
signature that fails to verify does not use up its nonce.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint
from oauthlib.oauth1.rfc5849.utils import parse_authorization_header, unescape

from bot.testing.fake_lms.auth import AuthRequest
from bot.testing.fake_lms.http import ApiError

REALM = "Schoology API"
METHODS = ("HMAC-SHA1", "PLAINTEXT")
WINDOW = 300
"""Seconds a timestamp may be from the fake's clock (Schoology's documentation names none)."""
KEPT = 100
"""How many refusals ``report()`` lists (all are counted)."""
REPLAY = "Duplicate timestamp/nonce combination, possible replay attack.  Request rejected."
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    time: float
    method: str
    path: str
    consumer_key: str
    reason: str
    message: str


class _Validator(RequestValidator):
    """oauthlib's questions; the timestamp and the nonce are the verifier's own checks."""

    enforce_ssl = False
    timestamp_lifetime = 10**10
    allowed_signature_methods = METHODS

    def __init__(self, secrets: Mapping[str, str]) -> None:
        super().__init__()
        self.secrets = dict(secrets)

    @property
    def dummy_client(self) -> str:
        return "unknown-consumer"

    def check_client_key(self, client_key: str) -> bool:
        return bool(client_key)

    def check_nonce(self, nonce: str) -> bool:
        return bool(nonce)

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key in self.secrets

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return self.secrets.get(client_key, "")

    def validate_timestamp_and_nonce(self, *args: Any, **kwargs: Any) -> bool:
        return True


class Refused(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class SchoologyOAuth:
    """Verifies each request's two-legged OAuth 1.0a signature against ``secrets``
    (consumer key -> consumer secret); ``clock`` gives the fake's time in seconds."""

    challenge = f'OAuth realm="{REALM}"'

    def __init__(self, secrets: Mapping[str, str], clock: Callable[[], float] = time.time) -> None:
        self.secrets = dict(secrets)
        self.clock = clock
        self.endpoint = SignatureOnlyEndpoint(_Validator(self.secrets))
        self.lock = threading.Lock()
        self.seen: dict[str, dict[tuple[str, str], int]] = {}
        self.newest: dict[str, int] = {}
        self.accepted = 0
        self.counts: Counter[str] = Counter()
        self.refusals: deque[Refusal] = deque(maxlen=KEPT)

    def identify(self, request: AuthRequest) -> str | None:
        """The consumer key of a correctly signed request; else a 401 ``ApiError``."""
        try:
            key = self._verify(request)
        except Refused as refused:
            self._refuse(request, refused)
            raise ApiError(
                401,
                refused.message,
                {
                    "WWW-Authenticate": self.challenge,
                    "Content-Type": "text/plain; charset=utf-8",
                },
            ) from None
        with self.lock:
            self.accepted += 1
        return key

    def _verify(self, request: AuthRequest) -> str:
        header = request.header("Authorization").strip()
        if not header.lower().startswith("oauth "):
            raise Refused(
                "no_oauth",
                "No OAuth Authorization header: sign each request with two-legged OAuth 1.0a "
                f'(Authorization: OAuth realm="{REALM}", oauth_consumer_key=...).',
            )
        params = _params(header)
        if params is None:
            raise Refused("malformed", "The OAuth Authorization header is malformed.")
        key = params.get("oauth_consumer_key", "")
        if key not in self.secrets:
            raise Refused("unknown_key", f"Invalid consumer key {key!r}.")
        if params.get("oauth_token"):
            raise Refused(
                "token",
                'Two-legged requests carry an empty token (oauth_token=""); this server '
                "issues no access tokens.",
            )
        method = params.get("oauth_signature_method", "")
        if method not in METHODS:
            raise Refused(
                "signature_method",
                f"Unsupported signature method {method!r}: use HMAC-SHA1 or PLAINTEXT.",
            )
        stamp = params.get("oauth_timestamp", "")
        if not stamp.isdigit():
            raise Refused("malformed", f"Invalid timestamp {stamp!r}.")
        now = int(self.clock())
        if abs(now - int(stamp)) > WINDOW:
            raise Refused(
                "stale_timestamp",
                f"Timestamp {stamp} is {abs(now - int(stamp))} seconds "
                f"{'behind' if int(stamp) < now else 'ahead of'} the server's clock ({now}); a "
                f"request must be signed within {WINDOW} seconds. Request rejected.",
            )
        valid, checked = self.endpoint.validate_request(
            self._url(request),
            request.method,
            request.body.decode("utf-8", "replace"),
            request.headers,
        )
        if not valid:
            if checked is None or checked.validator_log.get("signature") is not False:
                raise Refused("malformed", "Missing or invalid OAuth parameters.")
            raise Refused("signature", "Invalid signature.")
        self._nonce(key, int(stamp), params.get("oauth_nonce", ""))
        return key

    def _url(self, request: AuthRequest) -> str:
        """The URL as the client addressed it (its Host header), which it signed."""
        split = urlsplit(request.url)
        host = request.header("Host") or split.netloc
        target = split.path + (f"?{split.query}" if split.query else "")
        return f"{split.scheme}://{host}{target}"

    def _nonce(self, key: str, stamp: int, nonce: str) -> None:
        with self.lock:
            newest = self.newest.get(key, stamp)
            if stamp < newest - WINDOW:
                raise Refused(
                    "out_of_sequence",
                    f"Timestamp is out of sequence: {stamp} after {newest}. Request rejected.",
                )
            seen = self.seen.setdefault(key, {})
            if (str(stamp), nonce) in seen:
                raise Refused("replayed_nonce", REPLAY)
            seen[(str(stamp), nonce)] = stamp
            self.newest[key] = max(newest, stamp)
            low = int(self.clock()) - WINDOW
            for old in [k for k, at in seen.items() if at < low]:
                del seen[old]

    def _refuse(self, request: AuthRequest, refused: Refused) -> None:
        key = (_params(request.header("Authorization").strip()) or {}).get("oauth_consumer_key", "")
        path = urlsplit(request.url).path
        record = Refusal(self.clock(), request.method, path, key, refused.reason, refused.message)
        with self.lock:
            self.counts[refused.reason] += 1
            self.refusals.append(record)
        log.warning("401 %s %s (consumer key %r): %s", request.method, path, key, refused.message)

    def report(self) -> dict[str, Any]:
        """What ``GET /_fake/auth`` answers: requests accepted, refusals by reason, the last
        refusals."""
        with self.lock:
            return {
                "window_seconds": WINDOW,
                "signature_methods": list(METHODS),
                "accepted": self.accepted,
                "refused": dict(self.counts),
                "refusals": [asdict(r) for r in self.refusals],
            }


def _params(header: str) -> dict[str, str] | None:
    """The OAuth header's parameters, decoded; ``None`` when it is not one."""
    try:
        return {k: unescape(v) for k, v in parse_authorization_header(header)}
    except ValueError:
        return None
