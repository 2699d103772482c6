"""The clock seam and its fake, and places that take the time from a Clock they are given
(the no-wall-clock rule itself is ``tests/test_wall_clock.py``)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.clock import FixedClock, LocalClock, SystemClock
from bot.config import Config, load_config
from bot.roster.export import export_roster
from bot.schedule.calendar_rules import day_rules
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook

CHICAGO = ZoneInfo("America/Chicago")
THANKSGIVING_2031_NOON = datetime(2031, 11, 27, 12, 0, tzinfo=CHICAGO)


def test_a_fixed_clock_stays_until_moved() -> None:
    start = datetime(2031, 5, 4, 10, 0, tzinfo=CHICAGO)
    clock = FixedClock(start)
    assert clock.now() == clock.now() == start
    clock.advance(timedelta(hours=2))
    assert clock.now() == datetime(2031, 5, 4, 12, 0, tzinfo=CHICAGO)
    clock.move_to(datetime(2031, 5, 5, tzinfo=UTC))
    assert clock.now() == datetime(2031, 5, 5, tzinfo=UTC)


def test_a_clock_time_carries_its_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        FixedClock(datetime(2031, 5, 4, 10, 0))


def test_the_real_clocks_read_the_wall_clock_in_their_zone() -> None:
    moment = datetime(2031, 5, 4, 15, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        district = SystemClock("America/Chicago").now()
        local = LocalClock().now()
    assert district == local == moment
    assert district.utcoffset() == timedelta(hours=-5)
    assert local.utcoffset() is not None


def test_an_export_is_stamped_with_the_time_of_the_clock(
    demo_config: Config, tmp_path: Path
) -> None:
    clock = FixedClock(datetime(2031, 5, 4, 10, 0, tzinfo=CHICAGO))
    out = tmp_path / "export"
    export_roster(demo_config, "oneroster-1.2", out, clock=clock)
    with (out / "users.csv").open(encoding="utf-8", newline="") as handle:
        stamps = {row["dateLastModified"] for row in csv.DictReader(handle)}
    assert stamps == {"2031-05-04T15:00:00.000Z"}


def test_the_day_rules_are_those_of_the_day_given(demo_config: Config) -> None:
    """National holidays are known for the years around the district's today: a digest is
    held on one only when the rules are made near it."""
    assert demo_config.source is not None
    with demo_config.source.open("a", encoding="utf-8") as config_file:
        config_file.write('\n[calendar]\ncountry = "US"\n')
    config = load_config(str(demo_config.source))
    workbook = XlsxWorkbook(config.workbook_path, load_template())
    in_2031 = day_rules(config, workbook, date(2031, 3, 1))
    in_2026 = day_rules(config, workbook, date(2026, 11, 22))
    assert not in_2031.digest_allowed(THANKSGIVING_2031_NOON)
    assert in_2026.digest_allowed(THANKSGIVING_2031_NOON)
