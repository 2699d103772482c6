"""Shared helpers for the fake Schoology tests: the fake on the small district of
``lms_fixtures`` and a client whose requests the bot's signer signs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.abc import Clock
from bot.lms.schoology.auth import HMAC_SHA1, Credentials, signer
from bot.testing.fake_schoology import FakeSchoologyServer
from tests.fakes.lms_fixtures import TODAY, lms_store

__all__ = ["CREDENTIALS", "KEY", "SECRET", "Signed", "lms_store", "schoology"]
KEY, SECRET = "fake-consumer-key", "fake-consumer-secret"
CREDENTIALS = Credentials(KEY, SECRET)


@pytest.fixture
def schoology(lms_store: Path) -> Iterator[FakeSchoologyServer]:
    with FakeSchoologyServer(
        lms_store, KEY, SECRET, rate_limits=False, today=lambda: TODAY
    ) as fake:
        yield fake


class Signed:
    """A plain HTTP client of the fake Schoology: paths under its root, each request signed
    by the bot's signer."""

    def __init__(
        self,
        fake: FakeSchoologyServer,
        credentials: Credentials = CREDENTIALS,
        method: str = HMAC_SHA1,
        clock: Clock | None = None,
    ) -> None:
        self.fake = fake
        self.http = requests.Session()
        self.http.auth = signer(credentials, method, clock)

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.http.request(method, self.fake.url + path, timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, json=body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("PUT", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("DELETE", path, **kwargs)
