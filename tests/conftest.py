"""Shared fixtures: the template, a demo district directory, services on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.commands.create import make_demo
from bot.config import Config, load_config
from bot.notify.console import ConsoleNotifier
from bot.services import Services
from bot.templates import WorkbookTemplate, load_template
from bot.wiring import build_services
from tests.reliability.summary import (  # the reliability figures' hooks, xdist's controller too
    pytest_configure,
    pytest_deselected,
    pytest_runtest_logreport,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)

__all__ = [
    "pytest_configure",
    "pytest_deselected",
    "pytest_runtest_logreport",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
]

DEMO_DAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def template() -> WorkbookTemplate:
    return load_template()


@pytest.fixture
def demo_config(tmp_path: Path) -> Config:
    """A small demo district (60 students) in a temporary directory, no cycle run yet."""
    path = make_demo(tmp_path / "demo", students=60, force=False, today=DEMO_DAY)
    return load_config(str(path))


@pytest.fixture
def services(demo_config: Config) -> Iterator[Services]:
    svc = build_services(demo_config, ConsoleNotifier(quiet=True))
    yield svc
    svc.close()


def pytest_report_header() -> str:
    """Say once, at the top, whether the shared reference data is there."""
    from tests.shared_data import MISSING, SHARED_DATA

    return f"shared data: {SHARED_DATA}" if SHARED_DATA.is_dir() else f"WARNING: {MISSING}"
