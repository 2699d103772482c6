"""The reliability suite's figures line, printed at the end of any session that ran one of its
tests; the session fails when a record was lost or applied twice, and, when the whole suite
ran and passed, when a figure is below its minimum.

The hooks live in the top conftest (``tests/conftest.py`` imports them) so that they run in
pytest-xdist's controller too: each worker counts its own figures and hands them over when it
finishes (``workeroutput``); the controller adds them up and prints one line."""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.figures import FIGURES

HERE = Path(__file__).parent
_selection = {"narrowed": False, "failed": False}
_root: list[Path] = []
"""The session's root directory (a report names its test relative to it)."""


def _ours(nodeid: str, root: Path) -> bool:
    """A test of the reliability suite (the hooks see every test of the session)."""
    return HERE in Path(root, nodeid.split("::")[0]).parents


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    FIGURES.reset()
    _root[:] = [config.rootpath]
    narrowed = bool(
        config.option.keyword or config.option.markexpr or getattr(config.option, "lf", False)
    )
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if "::" in arg or HERE in path.parents:
            narrowed = True
    _selection.update(narrowed=narrowed, failed=False)


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(_ours(item.nodeid, item.config.rootpath) for item in items):
        _selection["narrowed"] = True


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not _root or not _ours(report.nodeid, _root[0]):
        return
    if report.when == "call":
        FIGURES.ran = True
    if report.failed:
        _selection["failed"] = True


def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist's controller: a worker finished; add its figures to the session's."""
    counted = getattr(node, "workeroutput", {}).get("reliability")
    if not counted:
        return
    for spec in fields(FIGURES):
        if spec.name == "ran":
            FIGURES.ran = FIGURES.ran or bool(counted["ran"])
        else:
            setattr(FIGURES, spec.name, getattr(FIGURES, spec.name) + int(counted[spec.name]))
    if counted.get("narrowed"):
        _selection["narrowed"] = True


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
    if _is_worker(session.config):
        output = session.config.workeroutput  # type: ignore[attr-defined]
        output["reliability"] = {**asdict(FIGURES), "narrowed": _selection["narrowed"]}
        return
    if FIGURES.ran and _problems() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES.ran or _is_worker(terminalreporter.config):
        return
    terminalreporter.write_line(FIGURES.line())
    for problem in _problems():
        terminalreporter.write_line(f"reliability FAILED: {problem}", red=True)
