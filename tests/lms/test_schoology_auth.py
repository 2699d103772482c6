"""The bot's Schoology signer against the fake Schoology: the header Schoology's Authentication
page shows; GET, POST and PUT with a query and a JSON body accepted with either signature
method; a wrong secret, an unknown key, a replayed request and a clock ten minutes off refused
with an error that says what to fix; the secret in no repr, message or log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth1

from bot.abc import Clock
from bot.clock import FixedClock, SystemClock
from bot.errors import ConfigError
from bot.lms.mock.store import MockStore
from bot.lms.schoology.auth import (
    HMAC_SHA1,
    KEY_VARIABLE,
    PLAINTEXT,
    REALM,
    SECRET_VARIABLE,
    Credentials,
    SchoologyAuthError,
    SchoologyClient,
    credentials_from_env,
    raise_for_refusal,
    refusal,
    signer,
)
from bot.testing.fake_schoology import FakeSchoologyServer

KEY, SECRET = "bot-consumer-key", "bot-consumer-secret"
GOOD = Credentials(KEY, SECRET)
METHODS = (HMAC_SHA1, PLAINTEXT)


class Skewed(Clock):
    """This machine's clock, ``off`` from the true time."""

    def __init__(self, off: timedelta) -> None:
        self.off = off

    def now(self) -> datetime:
        return SystemClock("UTC").now() + self.off


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeSchoologyServer]:
    path = tmp_path / "lms.sqlite"
    store = MockStore(path)
    with store.transaction():
        store.put("Schoology", "schools", "North High", "active", {"name": "North High"})
        store.put(
            "Schoology",
            "educators",
            "T1",
            "active",
            {"name": "Ada Admin", "email": "ada@example.org", "role": "System Admin"},
        )
        store.put("Schoology", "students", "S1", "active", {"first_name": "Ana", "last_name": "L"})
    store.close()
    with FakeSchoologyServer(path, KEY, SECRET, rate_limits=False) as server:
        yield server


def session(
    credentials: Credentials = GOOD, method: str = HMAC_SHA1, clock: Clock | None = None
) -> requests.Session:
    http = requests.Session()
    http.auth = signer(credentials, method, clock)
    return http


def changes(fake: FakeSchoologyServer) -> list[dict[str, object]]:
    return list(requests.get(fake.url + "/_fake/changes", timeout=10).json())


def test_the_credentials_come_from_the_two_variables() -> None:
    found = credentials_from_env({KEY_VARIABLE: " k1 ", SECRET_VARIABLE: "s1\n"})
    assert found == Credentials("k1", "s1")
    assert "s1" not in repr(found)
    with pytest.raises(ConfigError) as no_key:
        credentials_from_env({SECRET_VARIABLE: "s1"})
    assert str(no_key.value).startswith(
        "SCHOOLOGY_CONSUMER_KEY is not set: put the consumer key of the bot's Schoology API "
        "credentials in it (School Management > Integration > API in Schoology"
    )
    with pytest.raises(ConfigError) as no_secret:
        credentials_from_env({KEY_VARIABLE: "k1", SECRET_VARIABLE: "  "})
    assert str(no_secret.value).startswith(
        "SCHOOLOGY_CONSUMER_SECRET is not set: put the consumer secret issued with the "
        "consumer key k1 in it"
    )
    with pytest.raises(ConfigError, match="'RSA-SHA1' is not one Schoology takes"):
        signer(GOOD, "RSA-SHA1")


def test_the_header_is_the_one_schoologys_authentication_page_shows() -> None:
    client = SchoologyClient(
        "dpf43f3p2l4k3l03",
        "kd94hf93k423kf44",
        signature_method=PLAINTEXT,
        realm=REALM,
        nonce="kllo9940pd9333jh",
        clock=FixedClock(datetime.fromtimestamp(1200376800, UTC)),
    )
    _, headers, _ = client.sign("https://api.schoology.com/v1/users")
    assert headers["Authorization"] == (
        'OAuth realm="Schoology API", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="", '
        'oauth_nonce="kllo9940pd9333jh", oauth_timestamp="1200376800", '
        'oauth_signature_method="PLAINTEXT", oauth_version="1.0", '
        'oauth_signature="kd94hf93k423kf44%26"'
    )


@pytest.mark.parametrize("method", METHODS)
def test_signed_gets_and_posts_with_a_query_and_a_json_body_are_accepted(
    fake: FakeSchoologyServer, method: str
) -> None:
    http = session(method=method)
    query: dict[str, str | int] = {"role_ids": "1,4", "limit": 1}
    listed = http.get(fake.url + "/v1/users", params=query, timeout=10)
    assert listed.status_code == 200 and listed.json()["total"] == "2"
    assert len(listed.json()["user"]) == 1
    body: dict[str, Any] = {
        "users": {"user": [{"school_uid": "S2", "name_first": "Ben", "name_last": "O"}]}
    }
    body["users"]["user"][0] |= {"role_id": 1, "username": f"ben-{method.lower()}"}
    created = http.post(
        fake.url + "/v1/users", params={"update_existing": "1"}, json=body, timeout=10
    )
    assert created.status_code == 200, created.text
    assert created.json()["user"][0]["response_code"] == 200
    number = created.json()["user"][0]["id"]
    renamed = http.put(f"{fake.url}/v1/users/{number}", json={"name_last": "Okafor"}, timeout=10)
    assert renamed.status_code == 204
    shown = http.get(f"{fake.url}/v1/users/{number}", timeout=10).json()
    assert shown["name_display"] == "Ben Okafor"
    assert [c["record"] for c in changes(fake)] == ["S2", "S2"]
    raise_for_refusal(renamed, GOOD)


@pytest.mark.parametrize("method", METHODS)
def test_a_wrong_secret_is_refused_naming_the_secrets_variable(
    fake: FakeSchoologyServer, method: str
) -> None:
    wrong = Credentials(KEY, "an-old-secret")
    user: dict[str, str | int] = {
        "school_uid": "S2",
        "name_first": "Ben",
        "name_last": "O",
        "role_id": 1,
    }
    answer = session(wrong, method).post(fake.url + "/v1/users", json=user, timeout=10)
    assert answer.status_code == 401
    with pytest.raises(SchoologyAuthError) as raised:
        raise_for_refusal(answer, wrong)
    message = str(raised.value)
    assert message == (
        "Schoology refused the API credentials (401 Unauthorized: Invalid signature.): check "
        "that SCHOOLOGY_CONSUMER_SECRET holds the consumer secret issued with the consumer key "
        "bot-consumer-key in SCHOOLOGY_CONSUMER_KEY (School Management > Integration > API in "
        "Schoology; request new credentials there if it was lost); nothing was changed"
    )
    assert "an-old-secret" not in message
    assert changes(fake) == []


def test_an_unknown_key_is_refused_naming_the_keys_variable(fake: FakeSchoologyServer) -> None:
    stranger = Credentials("not-our-key", SECRET)
    answer = session(stranger).get(fake.url + "/v1/users", timeout=10)
    message = str(refusal(answer, stranger))
    assert message.startswith("Schoology does not accept the consumer key not-our-key (401")
    assert f"in {KEY_VARIABLE}; nothing was changed" in message


def test_a_replayed_request_is_refused(fake: FakeSchoologyServer) -> None:
    http = session()
    first = http.post(
        fake.url + "/v1/courses", json={"title": "Art", "course_code": "C8"}, timeout=10
    )
    assert first.status_code == 201
    again = http.send(first.request, timeout=10)
    assert again.status_code == 401
    assert str(refusal(again, GOOD)).startswith(
        "Schoology refused a request as a replay (401 Unauthorized: Duplicate timestamp/nonce "
        "combination, possible replay attack. Request rejected.): every request is signed afresh"
    )
    assert [c["record"] for c in changes(fake)] == ["C8"]
    assert http.get(fake.url + "/v1/courses", timeout=10).json()["total"] == "1"


@pytest.mark.parametrize(("off", "way"), [(10, "ahead of"), (-10, "behind")])
def test_a_clock_ten_minutes_off_is_refused_naming_the_clock(
    fake: FakeSchoologyServer, off: int, way: str
) -> None:
    clock = Skewed(timedelta(minutes=off))
    answer = session(clock=clock).get(fake.url + "/v1/users", timeout=10)
    assert answer.status_code == 401
    message = str(refusal(answer, GOOD, clock))
    assert message.startswith("Schoology refused the request's timestamp (401 Unauthorized: ")
    assert f": this computer's clock is about 10 minutes {way} Schoology's (" in message
    assert message.endswith(
        "Set this computer's clock right (turn on automatic network time) and run again; "
        "nothing was changed"
    )


def test_a_secret_the_server_echoes_is_blotted_out() -> None:
    answer = requests.Response()
    answer.status_code, answer.reason = 401, "Unauthorized"
    answer._content = f"Verification of signature failed (secret {SECRET}).".encode()
    message = str(refusal(answer, GOOD))
    assert SECRET not in message and "(secret ****)" in message


def test_the_secret_is_in_no_log_line_even_at_debug(
    fake: FakeSchoologyServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for method in METHODS:
        assert session(method=method).get(fake.url + "/v1/users", timeout=10).status_code == 200
        session(Credentials(KEY, "wrong"), method).get(fake.url + "/v1/users", timeout=10)
    assert SECRET not in caplog.text and "wrong&" not in caplog.text
    auth = signer(GOOD, PLAINTEXT)
    assert isinstance(auth, OAuth1)
    assert SECRET not in repr(auth.client)
