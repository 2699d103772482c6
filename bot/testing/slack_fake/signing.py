"""Slack request signing (``X-Slack-Signature``)."""

from __future__ import annotations

import hashlib
import hmac


def sign(signing_secret: str, timestamp: str, body: bytes) -> str:
    """``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}`` keyed by the signing secret."""
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    digest = hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(signing_secret: str, timestamp: str, body: bytes) -> dict[str, str]:
    """The two headers Slack adds to every request it sends to an app."""
    return {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": sign(signing_secret, timestamp, body),
    }
