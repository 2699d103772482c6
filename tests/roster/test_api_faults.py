"""``import-roster --api`` when things go wrong: a wrong secret, a busy or failing server, a
broken page, a wrong address, bad input. Each gives a clear error (exit 2), the workbook stays
as it was, and no pull is remembered; a passing fault is retried and the import completes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.roster.rest import http
from bot.testing.oneroster_fake import FakeOneRoster
from tests.roster.bundles import frames, run, workbook_bytes
from tests.roster.oneroster_api import CLIENT, SECRET, api_import, pulls

SAMPLE = "oneroster-1.1-sample"


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEROSTER_CLIENT_SECRET", SECRET)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retries' waits, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(http, "sleep", recorded.append)
    return recorded


@pytest.fixture(params=["1.1", "1.2"])
def fake(request: pytest.FixtureRequest, shared_data: Path) -> Iterator[FakeOneRoster]:
    with FakeOneRoster(shared_data / SAMPLE, request.param, CLIENT, SECRET) as served:
        yield served


def _unchanged(config_path: Path, before: bytes) -> None:
    assert workbook_bytes(config_path) == before
    assert pulls(config_path) == {}


def test_a_wrong_secret_names_the_variable_and_changes_nothing(
    fake: FakeOneRoster,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ONEROSTER_CLIENT_SECRET", "an-old-secret-9")
    before = workbook_bytes(config_path)
    assert api_import(config_path, fake, "--version", fake.version) == 2
    out, err = capsys.readouterr()
    assert "refused the credentials (401 Unauthorized" in err
    variable = "check that ONEROSTER_CLIENT_SECRET holds the client secret issued"
    assert f"{variable} with --client-id {CLIENT}" in err
    assert "the workbook was not changed" in err
    assert "an-old-secret-9" not in out + err and SECRET not in out + err
    assert "Traceback" not in err
    _unchanged(config_path, before)


def test_a_busy_server_is_waited_for_as_it_asks(
    fake: FakeOneRoster, config_path: Path, waits: list[float]
) -> None:
    fake.fail_next(2, 429, retry_after=7, only="users")
    assert api_import(config_path, fake, "--version", fake.version, "--page-size", "4") == 0
    assert waits == [7.0, 7.0]
    users = [r.status for r in fake.api_requests() if r.path.endswith("/users")]
    assert users == [429, 429, 200, 200, 200]
    assert len(frames(config_path)["Students"]) == 8


def test_a_wait_longer_than_the_bot_waits_stops_the_pull(
    fake: FakeOneRoster,
    config_path: Path,
    waits: list[float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = workbook_bytes(config_path)
    fake.fail_next(1, 429, retry_after=3600, only="enrollments")
    assert api_import(config_path, fake, "--version", fake.version) == 2
    err = capsys.readouterr().err
    assert "the server is busy (429 Too Many Requests" in err
    assert "asks to wait 3,600 s, longer than the bot waits (120 s): try again later" in err
    assert waits == []
    _unchanged(config_path, before)


def test_server_errors_are_retried_a_bounded_number_of_times(
    fake: FakeOneRoster,
    config_path: Path,
    waits: list[float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = workbook_bytes(config_path)
    fake.fail_next(5, 500, only="enrollments")
    assert api_import(config_path, fake, "--version", fake.version) == 2
    err = capsys.readouterr().err
    assert "/enrollments failed (500 Internal Server Error: injected failure 500), 5 times" in err
    assert "try again later; the workbook was not changed" in err
    assert waits == [1.0, 2.0, 4.0, 8.0]
    _unchanged(config_path, before)


def test_a_passing_server_error_is_retried(
    fake: FakeOneRoster, config_path: Path, waits: list[float]
) -> None:
    fake.fail_next(3, 503)
    assert api_import(config_path, fake, "--version", fake.version) == 0
    assert waits == [1.0, 2.0, 4.0]
    assert len(frames(config_path)["Enrollments"]) == 20


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("json", "(the enrollments page at offset 5) is not JSON"),
        ("key", '(the enrollments page at offset 5) has no "enrollments" list'),
        ("record", "(the enrollments page at offset 5), record 1 has no sourcedId"),
    ],
)
def test_a_broken_page_is_named_and_changes_nothing(
    how: str,
    said: str,
    fake: FakeOneRoster,
    config_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = workbook_bytes(config_path)
    assert api_import(config_path, fake, "--version", fake.version, "--page-size", "5") == 0
    assert len(frames(config_path)["Enrollments"]) == 20
    imported = workbook_bytes(config_path)
    remembered = pulls(config_path)
    assert imported != before and remembered
    fake.roster.change("users", "604863", givenName="Maria")
    capsys.readouterr()
    fake.break_next(1, how, only="enrollments", after=1)
    assert api_import(config_path, fake, "--version", fake.version, "--page-size", "5") == 2
    err = capsys.readouterr().err
    assert said in err and "the workbook was not changed" in err
    assert workbook_bytes(config_path) == imported
    assert pulls(config_path) == remembered


def test_a_wrong_address_is_named(
    shared_data: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook_bytes(config_path)
    with FakeOneRoster(shared_data / SAMPLE, "1.2", CLIENT, SECRET) as fake:
        root = f"{fake.url}/sis"
        assert (
            run("import-roster", "--api", root, "--client-id", CLIENT, "--config", config_path) == 2
        )
        err = capsys.readouterr().err
        assert f"no OneRoster service at {root}" in err and "both answered 404 Not Found" in err
        v11 = f"{fake.url}/ims/oneroster/v1p1"
        assert (
            run("import-roster", "--api", v11, "--client-id", CLIENT, "--config", config_path) == 2
        )
        err = capsys.readouterr().err
        assert f"GET {v11}/orgs was not found (404 Not Found" in err
        assert f"check --api {v11}" in err
    _unchanged(config_path, before)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--api", "http://sis.example.org"], "would cross the network unencrypted"),
        (["--api", "sis.example.org"], "is not a web address"),
        (
            ["--api", "https://sis.example.org/ims/oneroster/v1p1", "--version", "1.2"],
            "--version says 1.2",
        ),
        (
            ["--api", "https://127.0.0.1:9", "--since", "yesterday"],
            "--since 'yesterday': expected a date",
        ),
        (["--api", "https://127.0.0.1:9", "--page-size", "0"], "--page-size must be from 1"),
    ],
    ids=["http", "no-scheme", "two-versions", "since", "page-size"],
)
def test_bad_input_is_refused_before_any_request(
    argv: list[str], said: str, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook_bytes(config_path)
    assert run("import-roster", *argv, "--client-id", CLIENT, "--config", config_path) == 2
    assert said in capsys.readouterr().err
    _unchanged(config_path, before)


def test_the_secret_and_the_client_id_are_required(
    shared_data: Path,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api: list[str | Path] = [
        "import-roster",
        "--api",
        "https://sis.example.org",
        "--config",
        config_path,
    ]
    assert run(*api) == 2
    assert "--api needs --client-id ID" in capsys.readouterr().err
    monkeypatch.delenv("ONEROSTER_CLIENT_SECRET")
    assert run(*api, "--client-id", CLIENT) == 2
    assert "ONEROSTER_CLIENT_SECRET is not set" in capsys.readouterr().err
    assert run("import-roster", shared_data / SAMPLE, *api[1:]) == 2
    assert "either a bundle PATH" in capsys.readouterr().err
    assert run("import-roster", "--config", config_path) == 2
    assert "give the bundle to import" in capsys.readouterr().err


def test_a_record_of_the_wrong_shape_is_named(
    fake: FakeOneRoster, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook_bytes(config_path)
    fake.roster.change("users", "604874", givenName={"first": "Kyle"})
    assert api_import(config_path, fake, "--version", fake.version) == 2
    err = capsys.readouterr().err
    assert (
        f"{fake.base_url}/users, record 2 (sourcedId 604874): givenName is dict "
        "{'first': 'Kyle'}, not text; the workbook was not changed"
    ) in err
    _unchanged(config_path, before)
