"""SIGTERM while a step runs: the record in flight finishes, the step stays Running with its
progress, the lease is released, the process exits 0, and the next cycle finishes the rest."""

from __future__ import annotations

import signal
from collections import Counter

from bot.cli import main
from bot.config import Config
from bot.lms.mock import MockLMS
from bot.state.sqlite import SqliteState
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook
from tests.schedule.processes import Served
from tests.schedule.test_two_instances import SCHEDULE, planned


def completed(config: Config) -> Counter[str]:
    lms = MockLMS(config.lms_path)
    try:
        done = [h for h in lms.store.history("Edgenuity") if h[2] == "complete enrollments"]
    finally:
        lms.close()
    return Counter(h[1] for h in done)


def test_sigterm_mid_step_finishes_the_record_in_flight_and_exits_0(demo_config: Config) -> None:
    assert demo_config.source is not None
    source = demo_config.source
    assert main(["check", "--config", str(source)]) == 0
    assert (
        main(["approve", "S-001", "--as", "admin@demo-district.org", "--config", str(source)]) == 0
    )
    slow = source.with_name("slow.toml")
    slow.write_text(
        source.read_text(encoding="utf-8") + SCHEDULE + "\n[lms.faults]\nlatency_seconds = 0.02\n",
        encoding="utf-8",
    )
    served = Served(slow, "serve")
    try:
        served.expect("S-001 complete: ")
        served.process.send_signal(signal.SIGTERM)
        assert served.finish() == 0
    finally:
        served.kill()
    assert "released the lease" in served.log()

    applied = completed(demo_config)
    total = len(planned(demo_config))
    assert 0 < sum(applied.values()) < total
    state = SqliteState(demo_config.state_path)
    try:
        ledger = Counter(o.record_id for o in state.outcomes("S-001") if o.outcome == "applied")
        assert ledger == applied
        assert state.lease(f"workbook:{demo_config.workbook_key}") is None
    finally:
        state.close()
    steps = XlsxWorkbook(demo_config.workbook_path, load_template()).read().frames["Checklist"]
    row = steps.set_index("Step ID").loc["S-001"]
    assert row["Status"] == "Running"
    assert row["Result"] == (
        f"Stopped at shutdown after {sum(applied.values()):,} of {total:,} records; "
        "the next cycle carries on."
    )

    assert main(["run", "--once", "--config", str(source)]) == 0
    after = completed(demo_config)
    assert sorted(after) == sorted(planned(demo_config))
    assert set(after.values()) == {1}
    steps = XlsxWorkbook(demo_config.workbook_path, load_template()).read().frames["Checklist"]
    assert steps.set_index("Step ID").loc["S-001", "Status"] == "Done"
