"""The fake Schoology verifies two-legged OAuth 1.0a as Schoology's Authentication page
describes: the documented PLAINTEXT header and HMAC-SHA1 are accepted; a wrong secret, an
unknown key, a stale or out-of-sequence timestamp, a reused nonce, a bearer token, OAuth in the
query or a signature method Schoology does not name are refused with 401, counted and logged,
and nothing is applied."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_QUERY, Client
from requests_oauthlib import OAuth1

from bot.clock import FixedClock
from bot.lms.schoology.auth import PLAINTEXT, Credentials
from bot.testing.fake_schoology import REALM, WINDOW, FakeSchoologyServer
from bot.testing.fake_schoology.oauth import REPLAY
from tests.fakes.schoology_fixtures import KEY, SECRET, Signed, lms_store, schoology

__all__ = ["lms_store", "schoology"]
NOW = 1_800_000_000
ROOT = Path(__file__).resolve().parents[2]


def documented_header(nonce: str, timestamp: int, secret: str = SECRET, key: str = KEY) -> str:
    """The header of the Authentication page's two-legged PLAINTEXT example."""
    return (
        f'OAuth realm="{REALM}", oauth_consumer_key="{key}", oauth_token="", '
        f'oauth_nonce="{nonce}", oauth_timestamp="{timestamp}", '
        f'oauth_signature_method="PLAINTEXT", oauth_version="1.0", '
        f'oauth_signature="{secret}%26"'
    )


def authorization(response: requests.Response) -> str:
    """The Authorization header a response's request carried, as text."""
    value = response.request.headers["Authorization"]
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


def raw_get(fake: FakeSchoologyServer, path: str, header: str) -> requests.Response:
    return requests.get(fake.url + path, headers={"Authorization": header}, timeout=10)


@pytest.fixture
def frozen(lms_store: Path) -> FakeSchoologyServer:
    """The fake with its clock held at NOW (the timestamps' reference)."""
    return FakeSchoologyServer(lms_store, KEY, SECRET, rate_limits=False, wall_clock=lambda: NOW)


def at(seconds: int) -> FixedClock:
    return FixedClock(datetime.fromtimestamp(seconds, UTC))


def changes(fake: FakeSchoologyServer) -> list[object]:
    return list(requests.get(fake.url + "/_fake/changes", timeout=10).json())


def test_the_documented_plaintext_header_is_accepted_once(frozen: FakeSchoologyServer) -> None:
    with frozen:
        header = documented_header("kllo9940pd9333jh", NOW)
        assert raw_get(frozen, "/v1/users", header).status_code == 200
        again = raw_get(frozen, "/v1/users", header)
        assert again.status_code == 401
        assert again.text == REPLAY
        assert again.headers["Content-Type"].startswith("text/plain")
        assert again.headers["WWW-Authenticate"] == 'OAuth realm="Schoology API"'


def test_hmac_sha1_covers_the_method_the_url_and_its_query(
    schoology: FakeSchoologyServer,
) -> None:
    api = Signed(schoology)
    signed = api.get("/v1/users", params={"limit": 5, "role_ids": "1,2"})
    assert signed.status_code == 200 and signed.json()["total"] == "4"
    header = authorization(signed)
    assert 'oauth_signature_method="HMAC-SHA1"' in header and 'oauth_token=""' in header
    tampered = requests.get(
        schoology.url + "/v1/users?limit=6&role_ids=1%2C2",
        headers={"Authorization": header},
        timeout=10,
    )
    assert tampered.status_code == 401 and tampered.text == "Invalid signature."
    as_post = requests.post(
        schoology.url + "/v1/users?limit=5&role_ids=1%2C2",
        headers={"Authorization": header},
        timeout=10,
    )
    assert as_post.status_code == 401 and as_post.text == "Invalid signature."


def test_a_library_that_leaves_out_the_empty_token_is_accepted(
    schoology: FakeSchoologyServer,
) -> None:
    plain = requests.get(
        schoology.url + "/v1/roles", auth=OAuth1(KEY, client_secret=SECRET), timeout=10
    )
    assert "oauth_token" not in authorization(plain)
    assert plain.status_code == 200


def test_a_wrong_secret_is_refused_and_nothing_is_applied(schoology: FakeSchoologyServer) -> None:
    for method in ("HMAC-SHA1", PLAINTEXT):
        api = Signed(schoology, Credentials(KEY, "not-the-secret"), method)
        user = {"school_uid": "S9", "name_first": "Al", "name_last": "X", "role_id": 1}
        refused = api.post("/v1/users", user | {"username": "al"})
        assert refused.status_code == 401
        assert refused.text == "Invalid signature."
    assert changes(schoology) == []
    assert Signed(schoology).get("/v1/users", params={"school_uids": "S9"}).json()["total"] == "0"


def test_an_unknown_consumer_key_is_refused(schoology: FakeSchoologyServer) -> None:
    refused = Signed(schoology, Credentials("someone-else", SECRET)).get("/v1/users")
    assert refused.status_code == 401
    assert refused.text == "Invalid consumer key 'someone-else'."


@pytest.mark.parametrize("off", [-WINDOW - 1, WINDOW + 1, -600, 600])
def test_a_timestamp_outside_the_window_is_refused(frozen: FakeSchoologyServer, off: int) -> None:
    with frozen:
        refused = Signed(frozen, clock=at(NOW + off)).get("/v1/users")
        assert refused.status_code == 401
        way = "behind" if off < 0 else "ahead of"
        assert refused.text == (
            f"Timestamp {NOW + off} is {abs(off)} seconds {way} the server's clock ({NOW}); "
            f"a request must be signed within {WINDOW} seconds. Request rejected."
        )


@pytest.mark.parametrize("off", [-WINDOW, WINDOW])
def test_a_timestamp_at_the_edge_of_the_window_is_accepted(
    frozen: FakeSchoologyServer, off: int
) -> None:
    with frozen:
        assert Signed(frozen, clock=at(NOW + off)).get("/v1/users").status_code == 200


def test_a_timestamp_far_behind_the_newest_is_out_of_sequence(
    frozen: FakeSchoologyServer,
) -> None:
    with frozen:
        assert Signed(frozen, clock=at(NOW + 200)).get("/v1/roles").status_code == 200
        assert Signed(frozen, clock=at(NOW - 50)).get("/v1/roles").status_code == 200
        late = Signed(frozen, clock=at(NOW - 200)).get("/v1/roles")
        assert late.status_code == 401
        assert late.text == (
            f"Timestamp is out of sequence: {NOW - 200} after {NOW + 200}. Request rejected."
        )


def test_requests_signed_at_once_and_sent_in_parallel_are_all_accepted(
    schoology: FakeSchoologyServer,
) -> None:
    api = Signed(schoology)
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda _: api.get("/v1/roles").status_code, range(40)))
    assert codes == [200] * 40
    assert requests.get(schoology.url + "/_fake/auth", timeout=10).json()["accepted"] == 40


def sign(secret: str, nonce: str, stamp: int, url: str) -> str:
    client = Client(
        KEY, secret, signature_method=PLAINTEXT, realm=REALM, nonce=nonce, timestamp=str(stamp)
    )
    _, headers, _ = client.sign(url)
    return str(headers["Authorization"])


def test_a_forged_request_does_not_use_up_the_nonce(frozen: FakeSchoologyServer) -> None:
    with frozen:
        url = frozen.url + "/v1/roles"
        assert raw_get(frozen, "/v1/roles", sign("guess", "n-1", NOW, url)).status_code == 401
        assert raw_get(frozen, "/v1/roles", sign(SECRET, "n-1", NOW, url)).status_code == 200
        replayed = raw_get(frozen, "/v1/roles", sign(SECRET, "n-1", NOW, url))
        assert replayed.status_code == 401 and replayed.text == REPLAY
        assert raw_get(frozen, "/v1/roles", sign(SECRET, "n-1", NOW + 1, url)).status_code == 200


def test_what_schoology_does_not_take_is_refused(schoology: FakeSchoologyServer) -> None:
    url = schoology.url + "/v1/roles"
    bearer = requests.get(url, headers={"Authorization": f"Bearer {KEY}"}, timeout=10)
    assert bearer.status_code == 401 and bearer.text.startswith("No OAuth Authorization header")
    assert requests.get(url, timeout=10).status_code == 401
    in_query = requests.get(
        url, auth=OAuth1(KEY, SECRET, signature_type=SIGNATURE_TYPE_QUERY), timeout=10
    )
    assert in_query.status_code == 401
    sha256 = requests.get(
        url, auth=OAuth1(KEY, SECRET, signature_method=SIGNATURE_HMAC_SHA256), timeout=10
    )
    assert sha256.status_code == 401
    assert sha256.text == "Unsupported signature method 'HMAC-SHA256': use HMAC-SHA1 or PLAINTEXT."
    three_legged = requests.get(url, auth=OAuth1(KEY, SECRET, "a-token", "its-secret"), timeout=10)
    assert three_legged.status_code == 401 and 'oauth_token=""' in three_legged.text


def test_refusals_are_counted_logged_and_recorded_without_the_secret(
    schoology: FakeSchoologyServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api = Signed(schoology, Credentials(KEY, "wrong-secret"), PLAINTEXT)
    api.get("/v1/users")
    Signed(schoology, Credentials("nobody", SECRET)).get("/v1/users")
    ok = Signed(schoology).get("/v1/users")
    requests.get(
        schoology.url + "/v1/users", headers={"Authorization": ok.request.headers["Authorization"]}
    )
    report = requests.get(schoology.url + "/_fake/auth", timeout=10).json()
    assert report["accepted"] == 1 and report["window_seconds"] == WINDOW
    assert report["refused"] == {"signature": 1, "unknown_key": 1, "replayed_nonce": 1}
    assert [(r["consumer_key"], r["path"]) for r in report["refusals"]] == [
        (KEY, "/v1/users"),
        ("nobody", "/v1/users"),
        (KEY, "/v1/users"),
    ]
    recorded = requests.get(schoology.url + "/_fake/requests", timeout=10).json()
    assert [r["status"] for r in recorded] == [401, 401, 200, 401]
    warnings = [r.getMessage() for r in caplog.records if r.name.endswith("fake_schoology.oauth")]
    assert len(warnings) == 3 and "401 GET /v1/users (consumer key 'nobody')" in warnings[1]
    everything = caplog.text + str(report) + str(recorded)
    assert SECRET not in everything and "wrong-secret" not in everything


def test_the_fake_serves_schoologys_paths_at_its_root(schoology: FakeSchoologyServer) -> None:
    about = requests.get(schoology.url + "/", timeout=10).json()
    assert list(about["systems"]) == ["schoology"]
    assert about["systems"]["schoology"]["base_url"] == schoology.url
    user = Signed(schoology).get("/v1/users").json()["user"][0]
    created = Signed(schoology).post("/v1/courses", {"title": "Art", "course_code": "C8"}).json()
    assert created["links"]["self"] == f"{schoology.url}/v1/courses/{created['id']}"
    assert isinstance(user["id"], int)


def start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.testing.fake_schoology", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_the_command_serves_a_store_to_signed_requests_only(lms_store: Path) -> None:
    process = start(
        [
            "--port",
            "0",
            "--consumer-key",
            KEY,
            "--consumer-secret",
            SECRET,
            "--store",
            str(lms_store),
        ]
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        auth = OAuth1(KEY, client_secret=SECRET)
        users = requests.get(url + "/v1/users", auth=auth, timeout=10)
        assert users.status_code == 200 and users.json()["total"] == "5"
        wrong = requests.get(url + "/v1/users", auth=OAuth1(KEY, client_secret="x"), timeout=10)
        assert wrong.status_code == 401
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "401 GET /v1/users (consumer key 'fake-consumer-key'): Invalid signature." in err
    assert SECRET not in err


def test_the_command_reads_the_variables_and_serves_a_fresh_store() -> None:
    env = os.environ | {"SCHOOLOGY_CONSUMER_KEY": KEY, "SCHOOLOGY_CONSUMER_SECRET": SECRET}
    process = start(["--port", "0"], env)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        roles = requests.get(url + "/v1/users", auth=OAuth1(KEY, client_secret=SECRET), timeout=10)
        assert roles.status_code == 200 and roles.json()["total"] == "0"
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "serving a fresh, empty store: " in err


def test_the_command_refuses_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("not a database", encoding="utf-8")
    process = start(["--consumer-key", "k", "--consumer-secret", "s", "--store", str(path)])
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert err.strip() == f"error: --store {path} is not a mock LMS store (file is not a database)"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--consumer-secret", "s"],
            "give the consumer key to accept: --consumer-key K (or set SCHOOLOGY_CONSUMER_KEY)",
        ),
        (
            ["--consumer-key", "k"],
            "give the consumer secret to accept: --consumer-secret S "
            "(or set SCHOOLOGY_CONSUMER_SECRET)",
        ),
        (
            ["--consumer-key", "k", "--consumer-secret", "s", "--store", "/no/such/dir/lms.sqlite"],
            "--store /no/such/dir/lms.sqlite: the folder /no/such/dir does not exist",
        ),
        (
            ["--consumer-key", "k", "--consumer-secret", "s", "--faults", "[1]"],
            "--faults: --faults must be a JSON object",
        ),
        (
            ["--consumer-key", "k", "--consumer-secret", "s", "--port", "70000"],
            "--port must be from 0 to 65535, not 70000",
        ),
    ],
)
def test_the_command_refuses_bad_options_with_status_2(args: list[str], said: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHOOLOGY_")}
    process = start(args, env)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and out == ""
    assert err.strip() == f"error: {said}"
