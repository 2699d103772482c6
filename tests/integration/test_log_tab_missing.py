"""The Log tab deleted or renamed by staff: a destructive step's outcomes still reach a Log
row, each exactly once, on both backends (issue 13, item 6)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import gspread
import pytest
from google.auth.credentials import AnonymousCredentials
from openpyxl import load_workbook

from bot.commands.create import make_demo
from bot.config import Config, load_config
from bot.cycle import Cycle
from bot.districts.demo import ADMIN
from bot.errors import WorkbookError
from bot.notify.console import ConsoleNotifier
from bot.services import Services
from bot.steps.approve import decide
from bot.testing.fake_sheets import FakeSheetsServer
from bot.wiring import build_services
from bot.workbook.google_http import authorized_session
from tests.integration.test_gsheets_cycle import district_on_sheets

STEP = "S-007"
Edit = Callable[[str], None]
"""What staff do to the Log tab: ``deleted`` or ``renamed``."""


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


def xlsx_district(tmp_path: Path) -> tuple[Config, Edit]:
    config = load_config(str(make_demo(tmp_path / "d", 60, False, date(2026, 11, 22))))

    def edit(how: str) -> None:
        book = load_workbook(config.workbook_path)
        if how == "deleted":
            book.remove(book["Log"])
        else:
            book["Log"].title = "Log (old)"
        book.save(config.workbook_path)

    return config, edit


def sheets_district(tmp_path: Path, fake: FakeSheetsServer) -> tuple[Config, Edit]:
    config = load_config(str(district_on_sheets(fake, tmp_path / "d", 60)))
    client = gspread.Client(
        auth=AnonymousCredentials(), session=authorized_session("anonymous", fake.url)
    )
    book = client.open_by_key(config.spreadsheet_id)

    def edit(how: str) -> None:
        if how == "deleted":
            book.del_worksheet(book.worksheet("Log"))
        else:
            book.worksheet("Log").update_title("Log (old)")

    return config, edit


def log_records(services: Services) -> Counter[tuple[str, str, str]]:
    frame = services.workbook.read(["Log"]).frames["Log"]
    return Counter(zip(frame["Step"], frame["Record"], frame["Outcome"], strict=True))


@pytest.mark.parametrize("backend", ["xlsx", "gsheets"])
@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_a_destructive_step_run_with_no_log_tab_logs_every_outcome_once(
    tmp_path: Path, fake: FakeSheetsServer, backend: str, how: str
) -> None:
    """Was: the Log rows were not written (no Log tab) but the outcomes were marked logged, so
    the archiving of the seniors left no audit row at all. Now the Log is made again and holds
    one row per outcome, also after a second cycle."""
    config, edit = xlsx_district(tmp_path) if backend == "xlsx" else sheets_district(tmp_path, fake)
    services = build_services(config, ConsoleNotifier(quiet=True))
    try:
        Cycle(services).run()
        edit(how)
        decide(services, STEP, ADMIN)
        report = Cycle(services).run()
        assert report.views[STEP].status == "Done"
        assert report.write.tabs_created == ["Log"]
        archived = Counter((STEP, o.record_id, o.outcome) for o in services.state.outcomes(STEP))
        assert len(archived) >= 3 and set(archived.values()) == {1}
        assert services.state.unlogged() == []
        logged_now = log_records(services)
        assert Counter({k: n for k, n in logged_now.items() if k[0] == STEP}) == archived
        Cycle(services).run()
        assert log_records(services) == logged_now
        assert services.state.unlogged() == []
    finally:
        services.close()


def test_outcomes_whose_log_write_failed_stay_unlogged_and_land_once_later(
    tmp_path: Path,
) -> None:
    """A Log whose header staff broke refuses the write (naming the tab): the outcomes stay
    unlogged in the ledger, and once the header is put back they reach the Log once."""
    config, _ = xlsx_district(tmp_path)
    services = build_services(config, ConsoleNotifier(quiet=True))
    try:
        Cycle(services).run()
        decide(services, STEP, ADMIN)
        set_log_header(config, "Record", "Rec")
        with pytest.raises(WorkbookError, match="'Log' is missing column"):
            Cycle(services).run()
        waiting = [o for o in services.state.unlogged() if o.step_id == STEP]
        assert len(waiting) >= 3
        set_log_header(config, "Rec", "Record")
        Cycle(services).run()
        Cycle(services).run()
        assert services.state.unlogged() == []
        logged = log_records(services)
        assert all(logged[(STEP, o.record_id, o.outcome)] == 1 for o in waiting)
    finally:
        services.close()


def set_log_header(config: Config, old: str, new: str) -> None:
    book = load_workbook(config.workbook_path)
    for cell in book["Log"][1]:
        if cell.value == old:
            cell.value = new
    book.save(config.workbook_path)
