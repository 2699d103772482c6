"""Wiring runs one way between the packages of ``bot/``: the schedule uses Slack, Slack never
uses the schedule; what runs a district (``bot/run``) uses neither; the ``Services`` type
imports no implementation."""

from __future__ import annotations

from tests.imports import import_graph


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
    assert uses("bot.run", ("bot.slack", "bot.schedule", "bot.notify")) == []


def test_the_graph_sees_imports_of_every_kind() -> None:
    graph = import_graph()
    assert "bot.testing.fake_slack" not in graph
    assert "bot.core.approvals" in graph["bot.abc"]
    assert "bot.state.postgres" in graph["bot.state"]
    assert "bot.lms.mock.lms" in graph["bot.lms.mock"]
    assert "bot.slack.serve" in graph["bot.schedule.service"]
