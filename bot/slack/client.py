"""The Slack Web API client: slack_sdk's WebClient with retries for 429, 5xx and lost
connections, pointed at Slack or at a local API (``[slack] endpoint``)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    BackoffRetryIntervalCalculator,
    ConnectionErrorRetryHandler,
    FixedValueRetryIntervalCalculator,
    RateLimitErrorRetryHandler,
    RetryHandler,
    RetryIntervalCalculator,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

SLACK_API = "https://slack.com/api/"


def retry_handlers(retry_seconds: float | None = None, retries: int = 3) -> list[RetryHandler]:
    """Rate limits (waiting Retry-After), connection errors and 500 / 503 answers.
    ``retry_seconds`` fixes the wait between 5xx / connection retries (default: backoff)."""
    interval: RetryIntervalCalculator = (
        BackoffRetryIntervalCalculator(backoff_factor=0.5)
        if retry_seconds is None
        else FixedValueRetryIntervalCalculator(fixed_internal=retry_seconds)
    )
    return [
        RateLimitErrorRetryHandler(max_retry_count=retries),
        ConnectionErrorRetryHandler(max_retry_count=retries, interval_calculator=interval),
        ServerErrorRetryHandler(max_retry_count=retries, interval_calculator=interval),
    ]


def make_client(
    token: str, endpoint: str = "", retry_seconds: float | None = None, retries: int = 3
) -> WebClient:
    """A WebClient for ``token``; ``endpoint`` replaces https://slack.com/api/."""
    base = endpoint.strip() or SLACK_API
    if not base.endswith("/"):
        base += "/"
    return WebClient(
        token=token,
        base_url=base,
        timeout=30,
        retry_handlers=retry_handlers(retry_seconds, retries),
    )
