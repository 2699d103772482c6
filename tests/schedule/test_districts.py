"""Several districts in one config and one process: each with its own files and time zone,
chosen with --district, and a failure in one never stops the others."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.cli import main
from bot.commands.create import make_demo
from bot.config import load_config, load_configs
from bot.errors import ConfigError
from bot.state.sqlite import SqliteState
from tests.conftest import DEMO_DAY
from tests.schedule.clocked import manual_service, run_due

HEAD = """
[approvals]
admins = ["admin@demo-district.org"]

[schedule]
poll_seconds = 3600
jitter_seconds = 0
"""


def district(name: str, folder: str, zone: str = "America/Chicago") -> str:
    return f"""
[[districts]]
name = "{name}"
timezone = "{zone}"
workbook = {{ path = "{folder}/rollover.xlsx" }}
lms = {{ path = "{folder}/lms.sqlite" }}
state = {{ path = "{folder}/state.sqlite" }}
"""


@pytest.fixture
def two(tmp_path: Path) -> Path:
    for folder in ("north", "south"):
        make_demo(tmp_path / folder, students=30, force=False, today=DEMO_DAY)
    config = tmp_path / "districts.toml"
    config.write_text(
        HEAD + district("North ISD", "north") + district("South ISD", "south", "America/New_York"),
        encoding="utf-8",
    )
    return config


def test_each_district_gets_the_defaults_and_its_own_settings(two: Path) -> None:
    north, south = load_configs(str(two))
    assert (north.district, north.timezone, south.timezone) == (
        "North ISD",
        "America/Chicago",
        "America/New_York",
    )
    assert north.workbook_path == (two.parent / "north" / "rollover.xlsx").resolve()
    assert north.admins == south.admins == ("admin@demo-district.org",)
    assert north.schedule.poll_seconds == south.schedule.poll_seconds == 3600
    assert load_config(str(two), "south-isd") == south
    with pytest.raises(ConfigError, match=r"lists 2 districts \(North ISD, South ISD\)"):
        load_config(str(two))
    with pytest.raises(ConfigError, match="no district 'East'"):
        load_config(str(two), "East")


def test_a_district_without_its_own_files_gets_files_named_after_it(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[districts]]\nname = "East Side ISD"\n', encoding="utf-8")
    (east,) = load_configs(str(config))
    assert east.workbook_path.name == "east-side-isd.xlsx"
    assert east.state_path.name == "east-side-isd-state.sqlite"
    assert east.lms_path.name == "east-side-isd-lms.sqlite"


def test_two_districts_may_not_share_a_workbook_or_state(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(district("A", "same") + district("B", "same"), encoding="utf-8")
    with pytest.raises(ConfigError, match="districts 'A' and 'B' share one workbook"):
        load_configs(str(config))
    config.write_text(district("A", "a") + '[[districts]]\ntimezone = "UTC"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"districts\[1\]\.name must name the district"):
        load_configs(str(config))
    config.write_text(district("A", "a").replace("America/Chicago", "Mars/Base"))
    with pytest.raises(ConfigError, match=r"district 'A': district\.timezone: unknown time zone"):
        load_configs(str(config))


def cycles(path: Path) -> int:
    state = SqliteState(path)
    try:
        return len(state.cycles(100))
    finally:
        state.close()


def test_a_failing_district_never_stops_the_others(two: Path) -> None:
    """South's workbook is damaged, then fixed: North cycles all along; South recovers."""
    south_book = two.parent / "south" / "rollover.xlsx"
    good = south_book.read_bytes()
    south_book.write_bytes(b"not a workbook")
    configs = load_configs(str(two))
    start = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("America/Chicago"))
    with (
        time_machine.travel(start, tick=False) as traveller,
        manual_service(configs) as service,
    ):
        north, south = service.districts
        assert north.runner is not None and north.runner.last is not None
        assert south.runner is not None and south.runner.last is None
        assert (
            cycles(two.parent / "north" / "state.sqlite"),
            cycles(two.parent / "south" / "state.sqlite"),
        ) == (1, 0)

        south_book.write_bytes(good)
        traveller.move_to(datetime(2026, 11, 23, 10, 0, 1, tzinfo=ZoneInfo("America/Chicago")))
        run_due(service)
        assert south.runner.last is not None
        assert (
            cycles(two.parent / "north" / "state.sqlite"),
            cycles(two.parent / "south" / "state.sqlite"),
        ) == (2, 1)


def test_a_district_that_cannot_start_is_retried_at_its_next_poll(two: Path) -> None:
    configs = load_configs(str(two))
    missing = two.parent / "south" / "gone"
    south = configs[1]
    configs[1] = replace(south, state_path=missing / "state.sqlite")
    start = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("America/Chicago"))
    with (
        time_machine.travel(start, tick=False) as traveller,
        manual_service(configs) as service,
    ):
        north, broken = service.districts
        assert north.runner is not None and north.runner.count == 1
        assert broken.runner is None and "cannot start" in broken.error
        missing.mkdir()
        traveller.move_to(datetime(2026, 11, 23, 10, 0, 1, tzinfo=ZoneInfo("America/Chicago")))
        run_due(service)
        assert broken.runner is not None and broken.runner.count == 1 and broken.error == ""


def test_status_shows_every_district(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sunday = datetime(2026, 11, 22, 12, tzinfo=ZoneInfo("America/Chicago"))
    with time_machine.travel(sunday, tick=False):
        assert main(["check", "--config", str(two), "--district", "North ISD"]) == 0
        capsys.readouterr()
        assert main(["status", "--config", str(two)]) == 0
    out = capsys.readouterr().out
    north, south = out.split("\n\n")
    assert north.startswith("North ISD: workbook ")
    assert "Lease: free (no instance is serving this workbook)" in north
    assert "Next: cycle when an instance holds the lease; digests Mon Nov 23 07:30" in north
    assert "Outbox: none (console mode)" in north
    assert "Awaiting approval" in north and "Last cycles:" in north
    assert south.startswith("South ISD: workbook ") and "No cycle has run yet." in south


def test_status_names_the_lease_holder_and_the_next_cycle(
    two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (north, _) = load_configs(str(two))
    start = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("America/Chicago"))
    with time_machine.travel(start, tick=False):
        with manual_service([north], holder="host-a:4242:abc123"):
            assert main(["status", "--config", str(two), "--district", "north-isd"]) == 0
        out = capsys.readouterr().out
        assert "Lease: held by host-a:4242:abc123 until 2026-11-23 09:01:30 CST" in out
        assert "Next: cycle about 10:00:00; digests Tue Nov 24 07:30 CST" in out
        assert main(["status", "--config", str(two), "--district", "north-isd"]) == 0
        assert "Lease: free" in capsys.readouterr().out
