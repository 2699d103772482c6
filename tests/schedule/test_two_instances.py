"""Two `serve` processes on one workbook: one acts, the other waits for the lease; when the
holder is SIGKILLed mid-step, the other takes over (at once: the holder ran on this machine
and its process is gone) and finishes the step without applying any record twice."""

from __future__ import annotations

import signal
from collections import Counter

from bot.cli import main
from bot.config import Config
from bot.lms.mock import MockLMS
from bot.state.sqlite import SqliteState
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook
from tests.schedule.processes import Gate, Served

SCHEDULE = "\n[schedule]\npoll_seconds = 1\njitter_seconds = 0\nlease_seconds = 3\n"


def planned(config: Config) -> list[str]:
    frame = XlsxWorkbook(config.workbook_path, load_template()).read().frames["Enrollments"]
    return frame[frame["Earned credit"] == "yes"]["Enrollment ID"].tolist()


def test_one_instance_acts_and_the_other_takes_over_after_a_sigkill(demo_config: Config) -> None:
    assert demo_config.source is not None
    source = demo_config.source
    assert main(["check", "--config", str(source)]) == 0
    assert (
        main(["approve", "S-001", "--as", "admin@demo-district.org", "--config", str(source)]) == 0
    )
    base = source.read_text(encoding="utf-8") + SCHEDULE
    gate = Gate(source.with_name("gate"))
    dying = source.with_name("first.toml")
    dying.write_text(
        base + f'\n[lms.faults]\npause_at_call = 10\npause_until = "{gate.path}"\n'
        "kill_at_call = 20\n",
        encoding="utf-8",
    )
    second = source.with_name("second.toml")
    second.write_text(base, encoding="utf-8")

    first = Served(dying, "first")
    other: Served | None = None
    try:
        first.expect("took the lease")
        gate.wait_paused(first.process)
        other = Served(second, "second")
        waiting = other.expect("waiting: the lease on")
        holder = first_holder(first)
        assert f"held by {holder}" in waiting
        gate.release()
        assert first.finish() == -signal.SIGKILL
        assert not any("cycle:" in line for line in other.lines)

        taken = other.expect("took over the lease")
        assert f"from {holder}: that process is no longer running" in taken
        other.expect("took the lease")
        other.expect("executed S-001")
        other.process.send_signal(signal.SIGTERM)
        assert other.finish() == 0
    finally:
        first.kill()
        if other is not None:
            other.kill()
    assert "released the lease" in other.log()
    assert other.lines[-1] == "rollover-bot stopped."

    lms = MockLMS(demo_config.lms_path)
    done = [h for h in lms.store.history("Edgenuity") if h[2] == "complete enrollments"]
    lms.close()
    per_record = Counter(h[1] for h in done)
    assert sorted(per_record) == sorted(planned(demo_config))
    assert set(per_record.values()) == {1}
    state = SqliteState(demo_config.state_path)
    try:
        applied = [o.record_id for o in state.outcomes("S-001") if o.outcome == "applied"]
        assert sorted(applied) == sorted(per_record)
        assert state.lease(f"workbook:{demo_config.workbook_key}") is None
    finally:
        state.close()
    steps = XlsxWorkbook(demo_config.workbook_path, load_template()).read().frames["Checklist"]
    assert steps.set_index("Step ID").loc["S-001", "Status"] == "Done"


def first_holder(served: Served) -> str:
    line = next(line for line in served.lines if "took the lease" in line)
    return line.rsplit(" as ", 1)[1]
