"""Every command that can take long says how far it got (issue 13, item 14): here stderr is not
a terminal, so each prints plain lines, at most one per tenth of each piece of work. The
thresholds for "long" are lowered so that a small district shows them; the lines are
checked, never timings."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot import progress
from bot.cli import main
from bot.commands.create import make_demo
from bot.config import Config, load_config

ADMIN = "admin@demo-district.org"
TENTHS = re.compile(r"^(?P<what>.+): (?P<done>[\d,]+) of (?P<total>[\d,]+) \w+ \((?P<pct>\d+)%\)$")


def cli(config: Config, *args: str) -> int:
    return main([*args, "--config", str(config.source)])


def counted(err: str, what: str) -> list[tuple[int, int]]:
    """(done, total) of each line about ``what``."""
    found = []
    for line in err.splitlines():
        match = TENTHS.match(line)
        if match and match["what"] == what:
            found.append(
                (int(match["done"].replace(",", "")), int(match["total"].replace(",", "")))
            )
    return found


@pytest.fixture
def everything_is_long(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small district's work counts as long work."""
    monkeypatch.setitem(progress.SHOW_FROM, "row", 100)
    monkeypatch.setitem(progress.SHOW_FROM, "student", 10)
    monkeypatch.setattr(progress, "BIG_BYTES", 1)


def test_run_once_counts_the_records_of_a_long_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(str(make_demo(tmp_path / "d", 200, False, date(2026, 11, 22))))
    assert cli(config, "check") == 0
    assert cli(config, "approve", "S-001", "--as", ADMIN) == 0
    capsys.readouterr()
    assert cli(config, "run", "--once") == 0
    lines = counted(capsys.readouterr().err, "S-001 complete")
    assert len(lines) == 10
    total = lines[-1][1]
    assert total >= 50 and lines[-1] == (total, total)
    assert [done * 10 // total for done, _ in lines] == list(range(1, 11))


def test_the_demo_says_what_it_builds_and_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], everything_is_long: None
) -> None:
    assert main(["demo", "--dir", str(tmp_path / "d"), "--students", "60"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Building a sample district of 60 students..."
    filling = counted("\n".join(err), "Filling rollover.xlsx")
    assert len(filling) == 10 and filling[-1][0] == filling[-1][1]
    assert any(line.startswith("Saving rollover.xlsx (") for line in err)
    assert "Seeding the mock LMS (Edgenuity)..." in err
    assert counted("\n".join(err), "Reading rollover.xlsx")
    assert any(line.startswith("Writing to rollover.xlsx (") for line in err)
    assert len(err) <= 60  # a line per tenth of each piece of work, not a flood


def test_import_and_export_of_a_roster_say_how_far_they_got(
    demo_config: Config,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    everything_is_long: None,
) -> None:
    bundle = tmp_path / "bundle"
    assert cli(demo_config, "export-roster", "--format", "oneroster-1.2", "--to", str(bundle)) == 0
    err = capsys.readouterr().err
    reading = counted(err, "Reading rollover.xlsx")
    assert len(reading) == 10 and reading[-1][0] == reading[-1][1]
    assert re.search(r"^Writing the bundle \([\d,]+ rows\)\.\.\.$", err, re.MULTILINE)

    assert cli(demo_config, "import-roster", str(bundle)) == 0
    err = capsys.readouterr().err
    assert re.search(rf"^Reading {re.escape(str(bundle))} \([\d.]+ MB\)\.\.\.$", err, re.MULTILINE)
    assert re.search(r"^Opening rollover.xlsx \([\d.]+ MB\)\.\.\.$", err, re.MULTILINE)
    tabs = counted(err, "Reading the roster tabs")
    assert len(tabs) == 10 and tabs[-1][0] == tabs[-1][1]
    assert "Comparing the bundle with the workbook..." in err.splitlines()
