"""An instance that loses its lease (it stalled past the expiry and another took over) stops
acting: no cycle, no digest, and a running cycle is told to stop after its record in flight."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from bot.config import Config
from bot.state.sqlite import SqliteState
from tests.schedule.clocked import manual_service, run_due


def test_a_stalled_instance_that_lost_the_lease_stops_acting(demo_config: Config) -> None:
    start = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("America/Chicago"))
    name = f"workbook:{demo_config.workbook_key}"
    with (
        time_machine.travel(start, tick=False) as traveller,
        manual_service([demo_config], holder="first") as service,
    ):
        (district,) = service.districts
        assert district.runner is not None and district.runner.count == 1
        assert not district.halt.is_set()

        later = start + timedelta(seconds=demo_config.schedule.lease_seconds + 1)
        traveller.move_to(later)
        other = SqliteState(demo_config.state_path)
        taken = other.acquire_lease(name, "second", later, 90)
        other.close()
        assert taken.holder == "second"

        traveller.move_to(later + timedelta(seconds=30))
        run_due(service)
        assert district.keeper is not None and not district.keeper.held
        assert district.halt.is_set()
        assert district.runner.count == 1
    state = SqliteState(demo_config.state_path)
    lease = state.lease(name)
    state.close()
    assert lease is not None and lease.holder == "second"
