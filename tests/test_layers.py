"""Wiring runs one way between the packages of ``bot/``: the schedule uses Slack, Slack never
uses the schedule; what runs a district (``bot/run``) uses neither; the ``Services`` type
imports no implementation."""

from __future__ import annotations

from bot.config import Config
from bot.lms import open_lms
from bot.lms.mock import MockLMS
from bot.notify import open_notifier
from bot.notify.console import ConsoleNotifier
from bot.state import open_state
from bot.templates import load_template
from bot.workbook import open_workbook
from bot.workbook.xlsx import XlsxWorkbook
from tests.imports import import_graph

INTERFACES = {"bot.abc", "bot.actions.base", "bot.config", "bot.core.approvals", "bot.templates"}


def uses(package: str, others: tuple[str, ...]) -> list[str]:
    """Each import from a module of ``package`` of a module in ``others``."""
    graph = import_graph()
    return [
        f"{module} imports {target}"
        for module, targets in sorted(graph.items())
        if module == package or module.startswith(package + ".")
        for target in sorted(targets)
        if any(target == other or target.startswith(other + ".") for other in others)
    ]


def test_slack_does_not_import_the_schedule() -> None:
    assert uses("bot.slack", ("bot.schedule",)) == []
    assert uses("bot.schedule", ("bot.slack",)) != []


def test_running_a_district_imports_neither_slack_nor_the_schedule() -> None:
    assert {"bot.run.runner", "bot.run.seen"} <= set(import_graph())
    assert uses("bot.run", ("bot.slack", "bot.schedule", "bot.notify")) == []


def test_the_services_type_imports_no_implementation() -> None:
    assert import_graph()["bot.services"] <= INTERFACES


def test_each_package_opens_its_own_implementation(demo_config: Config) -> None:
    state = open_state(demo_config)
    lms = open_lms(demo_config)
    try:
        notifier = open_notifier(demo_config, state)
        workbook = open_workbook(demo_config, load_template())
        assert isinstance(notifier, ConsoleNotifier)
        assert isinstance(lms, MockLMS) and lms.store.path == str(demo_config.lms_path)
        assert isinstance(workbook, XlsxWorkbook) and workbook.path == demo_config.workbook_path
        assert "Checklist" in workbook.read(["Checklist"]).frames
        wired = import_graph()["bot.wiring"]
        assert {"bot.state", "bot.workbook", "bot.lms", "bot.notify"} <= wired
    finally:
        lms.close()
        state.close()


def test_the_graph_sees_imports_of_every_kind() -> None:
    graph = import_graph()
    assert "bot.testing.fake_slack" not in graph
    assert "bot.core.approvals" in graph["bot.abc"]
    assert "bot.state.postgres" in graph["bot.state"]
    assert "bot.lms.mock.lms" in graph["bot.lms.mock"]
    assert "bot.slack.serve" in graph["bot.schedule.service"]
