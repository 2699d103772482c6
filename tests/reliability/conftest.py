"""The reliability suite's figures line, printed at the end of any session that ran one of its
tests; the session fails when a record was lost or applied twice, and, when the whole suite
ran and passed, when a figure is below its minimum."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.testing.fake_sheets import FakeSheetsServer
from tests.reliability.figures import FIGURES

HERE = Path(__file__).parent
_selection = {"narrowed": False, "failed": False}


def _ours(nodeid: str, config: pytest.Config) -> bool:
    path = Path(config.rootpath, nodeid.split("::")[0])
    return HERE in path.parents


def pytest_configure(config: pytest.Config) -> None:
    FIGURES.reset()
    narrowed = bool(
        config.option.keyword or config.option.markexpr or getattr(config.option, "lf", False)
    )
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if "::" in arg or HERE in path.parents:
            narrowed = True
    _selection.update(narrowed=narrowed, failed=False)


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(_ours(item.nodeid, item.config) for item in items):
        _selection["narrowed"] = True


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        FIGURES.ran = True
    if report.failed:
        _selection["failed"] = True


def _problems() -> list[str]:
    problems = []
    if FIGURES.lost or FIGURES.doubled:
        problems.append(
            f"{FIGURES.lost} record(s) lost and {FIGURES.doubled} applied twice (both must be 0)"
        )
    if not _selection["narrowed"] and not _selection["failed"]:
        problems += [f"below the minimum: {s}" for s in FIGURES.short_of_minimums()]
    return problems


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if FIGURES.ran and _problems() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES.ran:
        return
    terminalreporter.write_line(FIGURES.line())
    for problem in _problems():
        terminalreporter.write_line(f"reliability FAILED: {problem}", red=True)


@pytest.fixture(scope="session")
def sheets() -> Iterator[FakeSheetsServer]:
    """The local fake of the Google Sheets API, shared by the suite's districts."""
    with FakeSheetsServer() as server:
        yield server
