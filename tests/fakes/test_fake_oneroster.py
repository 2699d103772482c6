"""The fake OneRoster service against what the REST binding says: record shapes, paging
(limit, offset, X-Total-Count, Link), filter, OAuth 1.0a signatures (a wrong secret, a stale
timestamp, a reused nonce: 401), OAuth 2 client credentials and scopes, imsx_StatusInfo
errors, and ``/_fake/requests``. Requests are real HTTP, signed with requests-oauthlib."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import requests
from oauthlib.oauth1 import Client
from requests_oauthlib import OAuth1

from bot.roster.rest.auth import CORE_SCOPE, DEMOGRAPHICS_SCOPE
from bot.testing.oneroster_fake import FakeOneRoster, Paging
from tests.fakes.oneroster_spec import V12, status_info
from tests.shared_data import shared_path

CLIENT, SECRET = "district-app", "s3cret-value"
SAMPLE_COUNTS = {
    "orgs": 2,
    "academicSessions": 3,
    "courses": 2,
    "classes": 2,
    "users": 10,
    "enrollments": 24,
    "demographics": 8,
}


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def sample() -> Path:
    return shared_path("oneroster-1.1-sample")


@pytest.fixture
def v11(sample: Path) -> Iterator[FakeOneRoster]:
    with FakeOneRoster(sample, "1.1", CLIENT, SECRET, paging=Paging(max_limit=4)) as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def v12(sample: Path, clock: Clock) -> Iterator[FakeOneRoster]:
    with FakeOneRoster(sample, "1.2", CLIENT, SECRET, clock=clock) as fake:
        yield fake


def signed(secret: str = SECRET) -> OAuth1:
    return OAuth1(CLIENT, client_secret=secret)


def token(fake: FakeOneRoster, scope: str = f"{CORE_SCOPE} {DEMOGRAPHICS_SCOPE}") -> str:
    answer = requests.post(
        fake.token_url,
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(CLIENT, SECRET),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def test_collections_have_the_binding_shapes(v12: FakeOneRoster) -> None:
    headers = bearer(token(v12))
    for name, schema in V12.items():
        answer = requests.get(f"{v12.base_url}/{name}", headers=headers, timeout=10)
        assert answer.status_code == 200
        body = answer.json()
        assert list(body) == [name]
        assert len(body[name]) == SAMPLE_COUNTS[name]
        for record in body[name]:
            jsonschema.validate(record, schema)


def test_a_user_carries_its_roles_and_references(v11: FakeOneRoster, v12: FakeOneRoster) -> None:
    old = requests.get(f"{v11.base_url}/users/604863", auth=signed(), timeout=10).json()["user"]
    assert (old["role"], old["enabledUser"], old["grades"]) == ("student", "true", ["09"])
    assert old["orgs"] == [
        {"href": f"{v11.base_url}/orgs/255901001", "sourcedId": "255901001", "type": "org"}
    ]
    assert old["userIds"] == [{"type": "Local", "identifier": "863"}]
    new = requests.get(f"{v12.base_url}/users/604863", headers=bearer(token(v12)), timeout=10)
    user = new.json()["user"]
    assert user["roles"] == [
        {
            "roleType": "primary",
            "role": "student",
            "org": {
                "href": f"{v12.base_url}/orgs/255901001",
                "sourcedId": "255901001",
                "type": "org",
            },
        }
    ]
    assert user["primaryOrg"]["sourcedId"] == "255901001"
    assert "role" not in user and "orgs" not in user


def test_paging_limit_offset_total_and_links(v11: FakeOneRoster) -> None:
    url = f"{v11.base_url}/enrollments"
    first = requests.get(url, params={"limit": 3, "offset": 3}, auth=signed(), timeout=10)
    assert first.headers["X-Total-Count"] == "24"
    assert len(first.json()["enrollments"]) == 3
    links = first.links
    assert links["next"]["url"] == f"{url}?limit=3&offset=6"
    assert links["prev"]["url"] == f"{url}?limit=3&offset=0"
    assert links["first"]["url"] == f"{url}?limit=3&offset=0"
    assert links["last"]["url"] == f"{url}?limit=3&offset=21"
    capped = requests.get(url, params={"limit": 5000}, auth=signed(), timeout=10)
    assert len(capped.json()["enrollments"]) == 4  # max_limit=4
    last = requests.get(url, params={"limit": 4, "offset": 20}, auth=signed(), timeout=10)
    assert "next" not in last.links and len(last.json()["enrollments"]) == 4
    default = requests.get(f"{v11.base_url}/users", auth=signed(), timeout=10)
    assert len(default.json()["users"]) == 4  # the default 100, capped


@pytest.mark.parametrize(
    ("limit", "offset"), [("0", "0"), ("abc", "0"), ("10", "-1")], ids=["zero", "text", "neg"]
)
def test_bad_paging_is_a_400_status_info(v11: FakeOneRoster, limit: str, offset: str) -> None:
    answer = requests.get(
        f"{v11.base_url}/users",
        params={"limit": limit, "offset": offset},
        auth=signed(),
        timeout=10,
    )
    assert answer.status_code == 400
    jsonschema.validate(answer.json(), status_info("imsx_codeMinor"))
    field = answer.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldValue"] == "invaliddata"


def test_filter_on_date_last_modified_and_role(v12: FakeOneRoster, clock: Clock) -> None:
    headers = bearer(token(v12))
    since = clock().strftime("%Y-%m-%dT%H:%M:%SZ")
    clock.at += timedelta(minutes=30)
    v12.roster.change("users", "604874", givenName="Kyle-James")
    answer = requests.get(
        f"{v12.base_url}/users",
        params={"filter": f"dateLastModified>'{since}'"},
        headers=headers,
        timeout=10,
    )
    assert [u["sourcedId"] for u in answer.json()["users"]] == ["604874"]
    assert answer.headers["X-Total-Count"] == "1"
    assert answer.json()["users"][0]["dateLastModified"] == "2026-11-02T08:30:00.000Z"
    teachers = requests.get(
        f"{v12.base_url}/enrollments",
        params={"filter": "role='teacher' AND class.sourcedId='25590100102Trad220ALG112011'"},
        headers=headers,
        timeout=10,
    )
    assert {e["user"]["sourcedId"] for e in teachers.json()["enrollments"]} == {"207270"}


@pytest.mark.parametrize(
    "expression",
    [
        "givenName='a' AND familyName='b' AND role='c'",
        "givenName='a' AND familyName='b' OR role='c'",
        "shoeSize>'9'",
        "givenName=a",
    ],
    ids=["three", "mixed", "unknown-field", "unquoted"],
)
def test_a_filter_the_binding_does_not_allow_is_refused(
    v12: FakeOneRoster, expression: str
) -> None:
    answer = requests.get(
        f"{v12.base_url}/users",
        params={"filter": expression},
        headers=bearer(token(v12)),
        timeout=10,
    )
    assert answer.status_code == 400
    jsonschema.validate(answer.json(), status_info("imsx_CodeMinor"))
    field = answer.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldValue"] == "invalid_filter_field"


def test_oauth1_refuses_a_wrong_secret_and_an_unsigned_request(v11: FakeOneRoster) -> None:
    url = f"{v11.base_url}/orgs"
    assert requests.get(url, auth=signed(), timeout=10).status_code == 200
    wrong = requests.get(url, auth=signed("not-the-secret"), timeout=10)
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("OAuth")
    assert "signature does not match" in wrong.json()["imsx_description"]
    field = wrong.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldValue"] == "unauthorisedrequest"
    assert requests.get(url, timeout=10).status_code == 401
    other = requests.get(url, auth=OAuth1("someone-else", client_secret=SECRET), timeout=10)
    assert other.status_code == 401 and "unknown consumer key" in other.text


def _crafted(url: str, nonce: str, timestamp: str) -> dict[str, str]:
    client = Client(CLIENT, client_secret=SECRET, nonce=nonce, timestamp=timestamp)
    _, headers, _ = client.sign(url, http_method="GET")
    return dict(headers)


def test_oauth1_refuses_a_reused_nonce_and_a_stale_timestamp(v11: FakeOneRoster) -> None:
    url = f"{v11.base_url}/orgs?limit=2"
    now = str(int(time.time()))
    once = _crafted(url, "nonce-0001-aaaa-bbbb-cccc", now)
    assert requests.get(url, headers=once, timeout=10).status_code == 200
    again = requests.get(url, headers=once, timeout=10)
    assert again.status_code == 401 and "nonce was used before" in again.text
    stale = _crafted(url, "nonce-0002-aaaa-bbbb-cccc", str(int(time.time()) - 3600))
    old = requests.get(url, headers=stale, timeout=10)
    assert old.status_code == 401 and "timestamp" in old.json()["imsx_description"]


def test_oauth2_token_endpoint(v12: FakeOneRoster) -> None:
    good = requests.post(
        v12.token_url,
        data={"grant_type": "client_credentials", "scope": CORE_SCOPE},
        auth=(CLIENT, SECRET),
        timeout=10,
    )
    assert good.status_code == 200
    body = good.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("bearer", 3600, CORE_SCOPE)
    wrong = requests.post(
        v12.token_url, data={"grant_type": "client_credentials"}, auth=(CLIENT, "x"), timeout=10
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    grant = requests.post(v12.token_url, data={"grant_type": "password"}, auth=(CLIENT, SECRET))
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"


def test_bearer_tokens_expire_and_scopes_are_enforced(v12: FakeOneRoster, clock: Clock) -> None:
    core = bearer(token(v12, CORE_SCOPE))
    assert requests.get(f"{v12.base_url}/users", headers=core, timeout=10).status_code == 200
    refused = requests.get(f"{v12.base_url}/demographics", headers=core, timeout=10)
    assert refused.status_code == 403
    assert DEMOGRAPHICS_SCOPE in refused.json()["imsx_description"]
    demo_only = bearer(token(v12, DEMOGRAPHICS_SCOPE))
    assert requests.get(f"{v12.base_url}/orgs", headers=demo_only, timeout=10).status_code == 403
    clock.at += timedelta(seconds=3600)
    expired = requests.get(f"{v12.base_url}/users", headers=core, timeout=10)
    assert expired.status_code == 401 and "expired" in expired.text
    assert requests.get(f"{v12.base_url}/users", timeout=10).status_code == 401


def test_unknown_records_and_endpoints_are_404(v12: FakeOneRoster) -> None:
    headers = bearer(token(v12))
    missing = requests.get(f"{v12.base_url}/users/nobody", headers=headers, timeout=10)
    assert missing.status_code == 404
    field = missing.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldValue"] == "unknownobject"
    other = requests.get(f"{v12.url}/ims/oneroster/v1p1/users", headers=headers, timeout=10)
    assert other.status_code == 404


def test_requests_are_recorded_one_entry_each(v11: FakeOneRoster) -> None:
    requests.get(f"{v11.base_url}/users?limit=2", auth=signed(), timeout=10)
    requests.get(f"{v11.base_url}/users?limit=2&offset=2", auth=signed("bad"), timeout=10)
    recorded = requests.get(f"{v11.url}/_fake/requests", timeout=10).json()
    assert [(r["path"], r["query"], r["status"], r["auth"]) for r in recorded] == [
        ("/ims/oneroster/v1p1/users", {"limit": ["2"]}, 200, "oauth1"),
        ("/ims/oneroster/v1p1/users", {"limit": ["2"], "offset": ["2"]}, 401, "oauth1"),
    ]
    assert requests.post(f"{v11.url}/_fake/reset", timeout=10).status_code == 200
    assert v11.requests == []


def test_injected_faults(v11: FakeOneRoster) -> None:
    v11.fail_next(1, 429, retry_after=7, only="users")
    v11.break_next(1, "key", only="users")
    url = f"{v11.base_url}/users"
    busy = requests.get(url, auth=signed(), timeout=10)
    assert (busy.status_code, busy.headers["Retry-After"]) == (429, "7")
    assert "users" not in requests.get(url, auth=signed(), timeout=10).json()
    assert requests.get(url, auth=signed(), timeout=10).status_code == 200


def test_the_command_serves_a_bundle(sample: Path) -> None:
    command = [sys.executable, "-m", "bot.testing.fake_oneroster", "--bundle", str(sample)]
    command += ["--version", "1.1", "--client-id", CLIENT, "--client-secret", SECRET]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            answer = requests.get(f"{url}/ims/oneroster/v1p1/orgs", auth=signed(), timeout=10)
            assert [o["name"] for o in answer.json()["orgs"]] == [
                "Grand Bend ISD",
                "Grand Bend High School",
            ]
        finally:
            process.terminate()


def test_the_command_refuses_a_bundle_that_is_not_oneroster(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.testing.fake_oneroster import main

    assert main(["--bundle", str(shared_path("sds-100-users"))]) == 2
    assert "not a OneRoster bundle" in capsys.readouterr().err
