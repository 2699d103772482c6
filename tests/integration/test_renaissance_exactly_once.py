"""Renaissance's transfer, tried from the CLI on a demo district as a coordinator would: an
approval binds to the Matches Decisions (issue 15, item 7), holds from one day to the next, and
a code or an import that landed before a crash is found, not made again (issue 15, item 10)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from bot.config import Config
from bot.districts.demo_playbooks import OTHER_SITE, TRANSFER_CODE
from bot.lms.mock import MockLMS
from bot.state.sqlite import SqliteState
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook
from tests.conftest import DEMO_DAY
from tests.integration.test_messages import ADMIN, cli, playbook_demo
from tests.integration.test_whole_loop import checklist, set_staff_cell

SYS = "Renaissance"
KILL = """
import sys
from datetime import datetime

import time_machine

from bot.cli import main

with time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=False):
    sys.exit(main(["run", "--once", "--config", sys.argv[2]]))
"""


def morning(config: Config, day: date = DEMO_DAY) -> datetime:
    """9:00 on ``day`` in the district (the demo's transfer code was made three days before
    DEMO_DAY, so it is usable)."""
    return datetime.combine(day, time(9), ZoneInfo(config.timezone))


def history(config: Config, action: str) -> list[tuple[str, str, str, str, str, str]]:
    """The mock Renaissance's changes made by ``action``."""
    lms = MockLMS(config.lms_path)
    try:
        return [h for h in lms.store.history(SYS) if h[2] == action]
    finally:
        lms.close()


def records(config: Config, kind: str) -> list[dict[str, str]]:
    lms = MockLMS(config.lms_path)
    try:
        return [
            {k: str(v) for k, v in r.items()} for r in lms.records(SYS, kind).to_dict("records")
        ]
    finally:
        lms.close()


def swap_matches(config: Config) -> dict[str, str]:
    """Staff change two Decisions on the Matches tab: each matched incoming student goes to
    the other's proposed student. Returns incoming student -> the student chosen."""
    book = load_workbook(config.workbook_path)
    sheet = book["Matches"]
    matched = [r for r in sheet.iter_rows(min_row=2) if r[2].value != "new student"]
    assert len(matched) == 2
    (first, second) = matched
    chosen = {
        str(first[0].value).split(":", 1)[1]: str(second[2].value),
        str(second[0].value).split(":", 1)[1]: str(first[2].value),
    }
    first[4].value, second[4].value = second[2].value, first[2].value
    book.save(config.workbook_path)
    return chosen


def imported_into(config: Config) -> dict[str, str]:
    """Incoming student -> the student the import put them in, from the Log tab's import log."""
    log = XlsxWorkbook(config.workbook_path, load_template()).read().frames["Log"]
    rows = log[(log["Action"] == "import transfer") & log["Outcome"].str.startswith("Imported")]
    found = {}
    for record, message in zip(rows["Record"], rows["Message"], strict=True):
        ids = next(p for p in message.split("; ") if p.startswith("ID "))
        found[record] = ids.split(" -> ")[1]
    return found


def test_changed_decisions_void_the_approval_and_the_import_follows_the_new_ones(
    tmp_path: Path,
) -> None:
    """Issue 15, item 7: approved, then two Decisions changed on the Matches tab. The approval
    is void, nothing is imported; approved again, the import merges as the Decisions say."""
    config = playbook_demo(tmp_path, "renaissance-transfer")
    with time_machine.travel(morning(config), tick=False):
        assert cli(config, "run", "--once") == 0
        assert checklist(config)["S-005"]["Status"] == "Awaiting approval"
        assert cli(config, "approve", "S-005", "--as", ADMIN) == 0
        chosen = swap_matches(config)
        assert cli(config, "run", "--once") == 0

        step = checklist(config)["S-005"]
        assert step["Status"] == "Awaiting approval"
        assert step["Approval"].startswith("Void: ")
        assert (
            f"staff changed 2 matches: {', '.join(f'{s}: {d}' for s, d in chosen.items())}"
            in (step["Plan"])
        )
        assert history(config, "import transfer") == []
        (transfer,) = records(config, "transfers")
        assert transfer["status"] == "previewed"

        assert cli(config, "approve", "S-005", "--as", ADMIN) == 0
        assert cli(config, "run", "--once") == 0
    step = checklist(config)["S-005"]
    assert step["Status"] == "Done"
    assert step["Approval"].startswith(f"Approved by {ADMIN}")
    assert len(history(config, "import transfer")) == 1
    merged = imported_into(config)
    assert {s: merged[s] for s in chosen} == chosen


def test_an_approval_given_today_still_holds_tomorrow(tmp_path: Path) -> None:
    """The plan binds to what the import does, not to the day it is planned: approved in the
    afternoon, run the next morning, the import runs under that approval."""
    config = playbook_demo(tmp_path, "renaissance-transfer")
    with time_machine.travel(morning(config), tick=False):
        assert cli(config, "run", "--once") == 0
        assert cli(config, "approve", "S-005", "--as", ADMIN) == 0
    with time_machine.travel(morning(config, DEMO_DAY + timedelta(days=1)), tick=False):
        assert cli(config, "run", "--once") == 0
    step = checklist(config)["S-005"]
    assert step["Status"] == "Done", step
    assert step["Approval"].startswith(f"Approved by {ADMIN}")
    assert len(history(config, "import transfer")) == 1


def run_killed(config: Config, at: datetime, after_apply: bool) -> int:
    """``run --once`` at ``at`` in a process killed (SIGKILL) during its first LMS call."""
    assert config.source is not None
    faulty = config.source.with_name("faulty.toml")
    faulty.write_text(
        config.source.read_text()
        + f"\n[lms.faults]\nkill_at_call = 1\nkill_after_apply = {str(after_apply).lower()}\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", KILL, at.isoformat(), str(faulty)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode


@pytest.mark.parametrize("after_apply", [True, False])
def test_a_code_made_before_a_crash_is_found_in_the_code_list_not_made_again(
    tmp_path: Path, after_apply: bool
) -> None:
    """Generating a code is not idempotent (each call makes a new one): killed during the
    call, the next run finds the code the vendor made, or makes it if the vendor had not."""
    config = playbook_demo(tmp_path, "renaissance-transfer")
    at = morning(config)
    with time_machine.travel(at, tick=False):
        assert cli(config, "run", "--once") == 0
    set_staff_cell(config, "S-009", "Parameters", "year=9")
    assert run_killed(config, at, after_apply) == -signal.SIGKILL
    with time_machine.travel(at, tick=False):
        assert cli(config, "run", "--once") == 0
        assert cli(config, "run", "--once") == 0

    mine = [
        c for c in records(config, "codes") if c["site"] == "District site" and c["year"] == "9"
    ]
    assert len(mine) == 1
    assert len(history(config, "generate transfer code")) == 2  # student's code, then year 9
    step = checklist(config)["S-009"]
    assert step["Status"] == "Done"
    assert mine[0]["id"] in step["Result"]
    state = SqliteState(config.state_path)
    try:
        applied = [o for o in state.outcomes("S-009") if o.outcome == "applied"]
        assert Counter(o.record_id for o in applied)["District site: year 9"] == 1
    finally:
        state.close()


@pytest.mark.parametrize("after_apply", [True, False])
def test_an_import_that_landed_before_a_crash_is_not_imported_again(
    tmp_path: Path, after_apply: bool
) -> None:
    """An import merges students: killed during the call, the next run reads the vendor's
    completed imports and imports only if the transfer is not among them."""
    config = playbook_demo(tmp_path, "renaissance-transfer")
    at = morning(config)
    with time_machine.travel(at, tick=False):
        assert cli(config, "run", "--once") == 0
        assert cli(config, "approve", "S-005", "--as", ADMIN) == 0
    assert run_killed(config, at, after_apply) == -signal.SIGKILL
    assert len(history(config, "import transfer")) == (1 if after_apply else 0)
    with time_machine.travel(at, tick=False):
        assert cli(config, "run", "--once") == 0
        assert cli(config, "run", "--once") == 0

    assert len(history(config, "import transfer")) == 1
    step = checklist(config)["S-005"]
    assert step["Status"] == "Done", step
    assert step["Approval"].startswith(f"Approved by {ADMIN}")
    (transfer,) = records(config, "transfers")
    assert transfer["status"].startswith("imported")
    incoming = [s for s in records(config, "students") if s["site"] == OTHER_SITE]
    assert len(imported_into(config)) == len(incoming) == 4
    log = XlsxWorkbook(config.workbook_path, load_template()).read().frames["Log"]
    import_rows = log[(log["Step"] == "S-005") & (log["Record"] == TRANSFER_CODE)]
    assert len(import_rows) == 1
