"""The fake LMS server: authentication, routing errors, ``/_fake/requests`` and
``/_fake/changes``, restarts on the same store and port, the command line, and each
system's reference page naming every endpoint served."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests

from bot.commands.create import make_demo
from bot.lms.mock.store import MockStore
from bot.testing.fake_lms import FakeLMSServer
from bot.testing.fake_lms.auth import AuthRequest
from bot.testing.fake_lms.server import build_systems
from tests.fakes.lms_fixtures import Api, changes, control, fake_lms, lms_store, outcomes

__all__ = ["fake_lms", "lms_store"]
ROOT = Path(__file__).resolve().parents[2]


def test_a_request_without_the_token_is_a_401(fake_lms: FakeLMSServer) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic eDp5"}):
        answer = requests.get(
            fake_lms.base("edgenuity") + "/v1/students", headers=headers, timeout=10
        )
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert "send Authorization: Bearer <token>" in answer.json()["error"]["message"]


def test_a_token_given_to_the_server_is_accepted(lms_store: Path) -> None:
    with FakeLMSServer(lms_store, tokens=("district-token",)) as fake:
        assert Api(fake, "twig", token="district-token").get("/v1/students").status_code == 200
        assert Api(fake, "twig").get("/v1/students").status_code == 401


class SignedBody:
    """An authenticator that wants the body's length in a header: it sees the whole request."""

    challenge = 'Signed realm="test"'

    def __init__(self) -> None:
        self.seen: list[AuthRequest] = []

    def identify(self, request: AuthRequest) -> str | None:
        self.seen.append(request)
        return "signer" if request.header("X-Length") == str(len(request.body)) else None


def test_a_system_takes_another_authenticator(fake_lms: FakeLMSServer) -> None:
    signer = SignedBody()
    fake_lms.auth["schoology"] = signer
    url = fake_lms.base("schoology") + "/v1/multiget?x=1"
    body = b'{"request": ["/v1/users/1"]}'
    refused = requests.post(url, data=body, headers={"X-Length": "3"}, timeout=10)
    assert (
        refused.status_code == 401 and refused.headers["WWW-Authenticate"] == 'Signed realm="test"'
    )
    assert (
        requests.post(url, data=body, headers={"X-Length": str(len(body))}, timeout=10).status_code
        == 200
    )
    assert (signer.seen[-1].method, signer.seen[-1].url, signer.seen[-1].body) == (
        "POST",
        url,
        body,
    )
    assert Api(fake_lms, "edgenuity").get("/v1/students").status_code == 200


def test_unknown_paths_methods_and_bodies_are_named(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "edgenuity")
    nowhere = requests.get(fake_lms.url + "/canvas/v1/users", timeout=10)
    assert (
        nowhere.status_code == 404
        and "the systems are /edgenuity" in nowhere.json()["error"]["message"]
    )
    missing = api.get("/v1/unicorns")
    assert missing.status_code == 404
    assert (
        missing.json()["error"]["message"]
        == "no endpoint GET /edgenuity/v1/unicorns in the Edgenuity API"
    )
    wrong = api.delete("/v1/students")
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "GET, POST"
    garbled = api.call(
        "POST",
        "/v1/students:archive",
        data="{not json",
        headers={"Content-Type": "application/json"},
    )
    assert garbled.status_code == 400 and garbled.json()["error"]["code"] == "invalid_json"
    listed = api.call("POST", "/v1/students:archive", json=["S1"])
    assert (
        listed.status_code == 400
        and listed.json()["error"]["message"] == "the request body must be a JSON object"
    )


def test_requests_are_recorded_one_entry_each(fake_lms: FakeLMSServer) -> None:
    api = Api(fake_lms, "edgenuity")
    api.get("/v1/students", params={"limit": 2})
    api.post("/v1/students:archive", {"ids": ["S4"]})
    requests.get(fake_lms.base("edgenuity") + "/v1/students", timeout=10)
    recorded = control(fake_lms, "GET", "/_fake/requests").json()
    assert [(r["method"], r["path"], r["status"]) for r in recorded] == [
        ("GET", "/edgenuity/v1/students", 200),
        ("POST", "/edgenuity/v1/students:archive", 200),
        ("GET", "/edgenuity/v1/students", 401),
    ]
    assert recorded[0]["query"] == {"limit": ["2"]} and recorded[0]["system"] == "edgenuity"
    assert recorded[1]["body_size"] == len(b'{"ids": ["S4"]}') and recorded[1]["time"] > 0
    assert control(fake_lms, "DELETE", "/_fake/requests").status_code == 200
    assert control(fake_lms, "GET", "/_fake/requests").json() == []


def test_each_change_is_listed_once_with_its_system_kind_record_and_action(
    fake_lms: FakeLMSServer,
) -> None:
    edgenuity, twig = Api(fake_lms, "edgenuity"), Api(fake_lms, "twig")
    edgenuity.post("/v1/students:archive", {"ids": ["S4", "S4", "S5"]})
    twig.post("/v1/rostering:pause", {"rollover_date": "2027-01-04"})
    edgenuity.post("/v1/courses:archive", {"ids": ["C1"]})
    listed = changes(fake_lms)
    assert [(c["system"], c["kind"], c["record"], c["action"]) for c in listed] == [
        ("Edgenuity", "students", "S4", "archive students"),
        ("Edgenuity", "students", "S5", "archive students"),
        ("Twig Science", "settings", "rostering", "pause rostering"),
    ]
    assert (
        listed[0]["before"]["data"]["grade"] == "12" and listed[0]["after"]["status"] == "archived"
    )
    assert [c["seq"] for c in listed] == sorted(c["seq"] for c in listed)
    later = control(fake_lms, "GET", f"/_fake/changes?since={listed[1]['seq']}").json()
    assert [c["record"] for c in later] == ["rostering"]
    assert control(fake_lms, "GET", "/_fake/changes?since=x").status_code == 400


def test_a_restart_serves_the_same_store_on_the_same_port(lms_store: Path) -> None:
    fake = FakeLMSServer(lms_store, rate_limits=False).start()
    try:
        api = Api(fake, "edgenuity")
        url = fake.url
        api.post("/v1/students:archive", {"ids": ["S4"]})
        fake.restart()
        assert fake.url == url
        assert Api(fake, "edgenuity").get("/v1/students/S4").json()["status"] == "archived"
        assert outcomes(Api(fake, "edgenuity").post("/v1/students:archive", {"ids": ["S4"]})) == {
            "S4": "unchanged"
        }
        assert len(changes(fake)) == 1
    finally:
        fake.stop()


def test_the_server_describes_what_it_serves(fake_lms: FakeLMSServer) -> None:
    described = control(fake_lms, "GET", "/").json()
    assert set(described["systems"]) == {
        "edgenuity",
        "schoolstatus",
        "twig",
        "renaissance",
        "schoology",
    }
    schoology = described["systems"]["schoology"]
    assert schoology["base_url"] == fake_lms.base("schoology") and schoology["batch_size"] == 50
    assert schoology["rate_limit"] == "50 requests per 5 seconds"


def test_the_fakes_date_is_set_read_and_given_back_to_its_clock(fake_lms: FakeLMSServer) -> None:
    """The fixture starts the fake on 2026-11-23 (its clock); a test moves the date, the
    vendors' dated answers follow it, and ``DELETE`` gives it back to the clock."""
    assert control(fake_lms, "GET", "/_fake/today").json() == {"today": "2026-11-23", "set": False}
    assert control(fake_lms, "GET", "/").json()["today"] == "2026-11-23"
    moved = control(fake_lms, "POST", "/_fake/today", {"today": "2027-01-01"})
    assert moved.json() == {"today": "2027-01-01", "set": True}
    assert fake_lms.today() == date(2027, 1, 1)
    code = Api(fake_lms, "renaissance").post("/v1/transfer-codes", {"year": "10"}).json()
    assert code["created"] == "2027-01-01", code
    for bad in ({"today": "2027-13-01"}, {"today": 20270101}, {}):
        refused = control(fake_lms, "POST", "/_fake/today", bad)
        assert refused.status_code == 400 and "today must be a date YYYY-MM-DD" in refused.text
    assert fake_lms.today() == date(2027, 1, 1)
    back = control(fake_lms, "DELETE", "/_fake/today")
    assert back.json() == {"today": "2026-11-23", "set": False}


@pytest.mark.parametrize("system", sorted(build_systems()))
def test_the_reference_page_names_every_endpoint(system: str) -> None:
    served = build_systems()[system]
    page = (ROOT / "docs" / "lms-api" / served.reference).read_text(encoding="utf-8")
    documented = set(re.findall(r"`(GET|POST|PUT|DELETE) (/\S*?)`", page))
    for route in served.router.routes:
        path = re.sub(r"\(\?P<(\w+)>\[\^/\]\+\)", r"{\1}", route.pattern.pattern[1:-1]).replace(
            "\\", ""
        )
        assert (route.method, path) in documented, (
            f"{route.method} {path} is not in {served.reference}"
        )
    assert f"at most {served.batch}" in page
    assert served.limit.describe() in page


class Served:
    """``python -m bot.testing.fake_lms`` in a subprocess: its URL from the first line."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.testing.fake_lms", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        self.url = lines.get(timeout=30).strip()

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=10)


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Path]:
    make_demo(tmp_path / "demo", students=40, force=False, today=date(2026, 11, 23))
    yield tmp_path / "demo" / "lms.sqlite"


def test_the_command_line_serves_a_demo_store_and_a_restart_on_its_port_keeps_it(
    demo_store: Path,
) -> None:
    store = MockStore(demo_store)
    active = int((store.frame("Edgenuity", "students")["status"] == "active").sum())
    store.close()
    served = Served(
        *("--port", "0", "--store", str(demo_store), "--token", "t1", "--latency-ms", "1"),
        *("--today", "2027-01-01"),
    )
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", served.url)
        today = requests.get(served.url + "/_fake/today", timeout=10).json()
        assert today == {"today": "2027-01-01", "set": False}
        headers = {"Authorization": "Bearer t1"}
        students = requests.get(
            served.url + "/edgenuity/v1/students?status=active", headers=headers, timeout=10
        )
        assert students.json()["total"] == active
        first = students.json()["data"][0]["id"]
        archived = requests.post(
            served.url + "/edgenuity/v1/students:archive",
            json={"ids": [first]},
            headers=headers,
            timeout=10,
        )
        assert archived.json()["results"][0]["outcome"] == "applied"
        port = served.url.rsplit(":", 1)[1]
    finally:
        served.stop()
    again = Served("--port", port, "--store", str(demo_store), "--token", "t1")
    try:
        assert again.url == served.url
        found = requests.get(
            again.url + f"/edgenuity/v1/students/{first}", headers=headers, timeout=10
        )
        assert found.json()["status"] == "archived"
        history = requests.get(again.url + "/_fake/changes", timeout=10).json()
        assert [c["record"] for c in history if c["action"] == "archive students"] == [first]
    finally:
        again.stop()


def test_the_command_line_refuses_bad_options_with_exit_2(tmp_path: Path) -> None:
    cases = [
        (["--store", str(tmp_path / "nowhere" / "lms.sqlite")], "does not exist"),
        (["--store", str(tmp_path / "lms.sqlite"), "--latency-ms", "-5"], "must not be negative"),
        (
            ["--store", str(tmp_path / "lms.sqlite"), "--faults", '{"error_rate": 3}'],
            "error_rate must be",
        ),
        (["--store", str(tmp_path / "lms.sqlite"), "--faults", "nope"], "--faults"),
        (["--store", str(tmp_path / "lms.sqlite"), "--today", "2027-02-30"], "is not a date"),
    ]
    for args, message in cases:
        done = subprocess.run(
            [sys.executable, "-m", "bot.testing.fake_lms", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
