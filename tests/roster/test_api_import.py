"""``import-roster --api`` against the fake OneRoster service: the same workbook as importing
the bundle itself, in pages; delta pulls; version and address; scopes."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from bot.commands.create import make_empty
from bot.districts.new import NewDistrict
from bot.roster.rest.auth import CORE_SCOPE, DEMOGRAPHICS_SCOPE
from bot.roster.rest.fields import collections
from bot.testing.oneroster_fake import FakeOneRoster, Paging
from tests.roster.bundles import frames, run, workbook_bytes
from tests.roster.oneroster_api import (
    CLIENT,
    SECRET,
    TABS,
    Clock,
    api_import,
    offsets,
    pulls,
)

PAGE = 5
SAMPLE = "oneroster-1.1-sample"
CASES = [
    (SAMPLE, "1.1"),
    (SAMPLE, "1.2"),
    ("sds-100-users", "1.1"),
    ("sds-100-users", "1.2"),
    ("sds-v2.1", "1.1"),
    ("sds-v2.1", "1.2"),
]


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEROSTER_CLIENT_SECRET", SECRET)


def _fresh(tmp_path: Path, name: str) -> Path:
    """A new district like the ``config_path`` fixture's: the same playbook and dates."""
    district = NewDistrict(
        "Test", ["edgenuity-mid-year"], date(2026, 12, 22), "US", today=date(2026, 11, 22)
    )
    return make_empty(tmp_path / name, district, force=False, timezone="America/Chicago")


def _same(got: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    for tab in TABS:
        pd.testing.assert_frame_equal(got[tab], expected[tab], obj=tab)


@pytest.mark.parametrize(("bundle", "version"), CASES, ids=[f"{b}-as-{v}" for b, v in CASES])
def test_an_api_pull_gives_the_same_workbook_as_the_bundle(
    bundle: str,
    version: str,
    shared_data: Path,
    config_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("import-roster", shared_data / bundle, "--config", config_path) == 0
    expected = frames(config_path)
    served = shared_data / bundle
    if bundle != SAMPLE:  # an SDS bundle reaches a OneRoster service as our own export
        served = tmp_path / "export"
        fmt = f"oneroster-{version}"
        assert run("export-roster", "--format", fmt, "--to", served, "--config", config_path) == 0
    fresh = _fresh(tmp_path, "fresh")
    with FakeOneRoster(served, version, CLIENT, SECRET) as fake:
        capsys.readouterr()
        assert api_import(fresh, fake, "--version", version, "--page-size", str(PAGE)) == 0
        out, err = capsys.readouterr()
        _same(frames(fresh), expected)
        sizes = {c.name: len(fake.roster.records(c.name)) for c in collections(version)}
        assert len(fake.api_requests()) == sum(max(1, math.ceil(n / PAGE)) for n in sizes.values())
        assert offsets(fake, "users") == [str(n) for n in range(0, sizes["users"], PAGE)]
        assert sizes["users"] > PAGE
        assert {r.status for r in fake.requests} == {200}
        assert f"{fake.base_url}: oneroster-{version} API pull" in out
    assert "Workbook updated." in out
    assert SECRET not in out + err


@pytest.mark.parametrize(
    "paging",
    [
        Paging(links=False),
        Paging(links=False, total_count=False),
        Paging(max_limit=4),
        Paging(max_limit=4, links=False),
    ],
    ids=["count-only", "neither", "capped-with-links", "capped-count-only"],
)
def test_every_way_of_paging_brings_everything(
    paging: Paging, shared_data: Path, config_path: Path, tmp_path: Path
) -> None:
    assert run("import-roster", shared_data / SAMPLE, "--config", config_path) == 0
    fresh = _fresh(tmp_path, "fresh")
    with FakeOneRoster(shared_data / SAMPLE, "1.1", CLIENT, SECRET, paging=paging) as fake:
        assert api_import(fresh, fake, "--version", "1.1", "--page-size", "6") == 0
        got = offsets(fake, "users")
    _same(frames(fresh), frames(config_path))
    step = min(6, paging.max_limit)
    expected = [str(n) for n in range(0, 10, step)]
    assert got == ([*expected, "10"] if not paging.total_count else expected)


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_delta_pull_brings_only_what_changed(
    version: str, shared_data: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Clock()
    with FakeOneRoster(shared_data / SAMPLE, version, CLIENT, SECRET, clock=clock) as fake:
        assert api_import(config_path, fake, "--version", version, "--since", "last") == 0
        out = capsys.readouterr().out
        assert "is recorded for this district: pulled everything." in out
        assert list(pulls(config_path).values()) == [{"pulled": "2026-11-02T08:00:00Z"}]
        before = frames(config_path)
        clock.at += timedelta(minutes=10)
        fake.roster.change("users", "604863", givenName="Maria")
        fake.roster.change("demographics", "604874", birthDate="1997-08-01")
        fake.roster.change(
            "enrollments", "6F4283DC-F831-4437-A9A3-E030C7AF0493", status="tobedeleted"
        )
        fake.reset()
        assert api_import(config_path, fake, "--version", version, "--since", "last") == 0
        out = capsys.readouterr().out
        asked = {r.path.rsplit("/", 1)[-1]: r.query.get("filter") for r in fake.api_requests()}
    changed = ["dateLastModified>'2026-11-02T08:00:00Z'"]
    assert asked == {
        "orgs": None,
        "academicSessions": None,
        "courses": changed,
        "classes": changed,
        "users": changed,
        "enrollments": changed,
        "demographics": changed,
        "604874": None,  # the user of the changed demographics, read to complete them
    }
    assert "Changes since 2026-11-02T08:00:00Z (orgs and academicSessions whole)" in out
    assert "users 2, enrollments 1, demographics 1" in out
    assert "Students     (delta) 0 added, 2 updated, 0 to be deleted, 0 unchanged" in out
    assert "Enrollments  (delta) 0 added, 0 updated, 1 to be deleted" in out
    after = frames(config_path)
    students = after["Students"].set_index("Student ID")
    assert students.at["604863", "First name"] == "Maria"
    assert students.at["604863", "Birth date"] == "1997-05-30"  # its demographics did not change
    assert students.at["604874", "Birth date"] == "1997-08-01"
    enrollments = after["Enrollments"].set_index("Enrollment ID")
    assert enrollments.at["6F4283DC-F831-4437-A9A3-E030C7AF0493", "Status"] == "tobedeleted"
    for tab in ("Educators", "Courses", "Classes"):
        pd.testing.assert_frame_equal(after[tab], before[tab])
    assert list(pulls(config_path).values()) == [{"pulled": "2026-11-02T08:10:00Z"}]


def test_since_a_date_is_midnight_in_the_district(shared_data: Path, config_path: Path) -> None:
    with FakeOneRoster(shared_data / SAMPLE, "1.2", CLIENT, SECRET) as fake:
        assert api_import(config_path, fake, "--version", "1.2", "--since", "2026-11-01") == 0
        filters = {r.query["filter"][0] for r in fake.api_requests() if "filter" in r.query}
    assert filters == {"dateLastModified>'2026-11-01T05:00:00Z'"}  # America/Chicago, CDT


def test_the_version_is_found_when_not_given(shared_data: Path, config_path: Path) -> None:
    with FakeOneRoster(shared_data / SAMPLE, "1.2", CLIENT, SECRET) as fake:
        assert api_import(config_path, fake) == 0
        first = [(r.path, r.status, r.auth) for r in fake.requests[:3]]
    assert first == [
        ("/ims/oneroster/v1p1/orgs", 404, "none"),
        ("/ims/oneroster/rostering/v1p2/orgs", 401, "none"),
        ("/token", 200, "basic"),
    ]
    assert len(frames(config_path)["Students"]) == 8


def test_a_token_without_the_demographics_scope_pulls_no_birth_dates(
    shared_data: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeOneRoster(shared_data / SAMPLE, "1.2", CLIENT, SECRET, scopes=(CORE_SCOPE,))
    with fake:
        assert api_import(config_path, fake, "--version", "1.2") == 0
        asked = {r.path.rsplit("/", 1)[-1] for r in fake.api_requests()}
    assert "demographics" not in asked
    out = capsys.readouterr().out
    assert "demographics: the token has no demographics scope; Birth date not pulled" in out
    students = frames(config_path)["Students"]
    assert len(students) == 8 and set(students["Birth date"]) == {""}


def test_a_token_without_the_roster_scope_is_refused(
    shared_data: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook_bytes(config_path)
    fake = FakeOneRoster(shared_data / SAMPLE, "1.2", CLIENT, SECRET, scopes=(DEMOGRAPHICS_SCOPE,))
    with fake:
        assert api_import(config_path, fake, "--version", "1.2") == 2
    err = capsys.readouterr().err
    assert f"client ID {CLIENT} lacks the OAuth 2 scope {CORE_SCOPE}" in err
    assert "403 Forbidden" in err and "the workbook was not changed" in err
    assert workbook_bytes(config_path) == before


def test_a_bad_value_names_the_record(
    shared_data: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOneRoster(shared_data / SAMPLE, "1.1", CLIENT, SECRET) as fake:
        fake.roster.change("demographics", "604918", birthDate="18/01/1997")
        assert api_import(config_path, fake, "--version", "1.1") == 2
        base = fake.base_url
    err = capsys.readouterr().err
    assert (
        f"{base}/demographics, record 3 (sourcedId 604918), column birthDate: "
        "'18/01/1997' is not a date as YYYY-MM-DD"
    ) in err
    assert pulls(config_path) == {}


def test_a_dry_run_writes_and_remembers_nothing(
    shared_data: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook_bytes(config_path)
    with FakeOneRoster(shared_data / SAMPLE, "1.1", CLIENT, SECRET) as fake:
        assert api_import(config_path, fake, "--version", "1.1", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Students     (bulk) 8 added" in out and "Dry run: the workbook was not changed." in out
    assert workbook_bytes(config_path) == before
    assert pulls(config_path) == {}


def test_a_pull_that_leaves_out_most_students_is_refused(
    shared_data: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOneRoster(shared_data / SAMPLE, "1.1", CLIENT, SECRET) as fake:
        assert api_import(config_path, fake, "--version", "1.1") == 0
        remembered = pulls(config_path)
        before = workbook_bytes(config_path)
        for sourced in ("604863", "604874", "604918", "604927", "604938"):
            fake.roster.drop("users", sourced)
        capsys.readouterr()
        assert api_import(config_path, fake, "--version", "1.1") == 2
    err = capsys.readouterr().err
    assert "leaves out 5 of the workbook's 8 students (62.5%)" in err
    assert workbook_bytes(config_path) == before
    assert pulls(config_path) == remembered
