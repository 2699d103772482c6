"""`actions`: the catalogue of every action the bot knows, by system."""

from __future__ import annotations

import argparse

from bot.actions import registry
from bot.commands.table import table
from bot.core.catalogue import MANUAL, ActionSpec
from bot.core.wording import count, listed
from bot.errors import RolloverError

WIDTHS = (28, 12, 11, 11, 40, 80)


def _params(spec: ActionSpec) -> str:
    parts = [f"{p.name}{'*' if p.required else ''}" for p in spec.params]
    return ", ".join(parts) or "-"


def render_actions(system: str | None = None) -> str:
    """One row per action: name, system, destructive or not, scope tab, parameters, help."""
    catalogue = registry().catalogue
    wanted = _system(system) if system else None
    specs = [s for s in catalogue if wanted is None or s.system == wanted]
    rows = [
        [
            s.name,
            s.system,
            "destructive" if s.destructive else "-",
            s.tab or "(none)",
            _params(s),
            s.help,
        ]
        for s in specs
    ]
    headers = ("Action", "System", "Destructive", "Scope tab", "Parameters (* required)", "Help")
    systems = len({s.system for s in specs})
    manual = catalogue.get(wanted or "", MANUAL)
    people = (
        f"\nAction manual (any system, or System blank): a person's task, instruction in Notes; "
        f"ticking Run says it is done. Parameters: {_params(manual)}."
        if manual is not None
        else ""
    )
    dated = [s.name for s in specs if s.run_on]
    runs_on = (
        "\nActions with a date of their own (Run on, when the step leaves it blank): "
        + ", ".join(f"{s.name} ({s.run_on})" for s in specs if s.run_on)
        + "."
        if dated
        else ""
    )
    total = f"{count(len(specs), 'action')} across {count(systems, 'system')}"
    return table(headers, rows, WIDTHS) + f"\n\n{total}." + people + runs_on


def _system(text: str) -> str:
    """The one system ``text`` names or begins (any case); an error names the candidates."""
    catalogue = registry().catalogue
    found = catalogue.systems_like(text)
    if len(found) == 1:
        return found[0]
    if found:
        raise RolloverError(
            f"--system {text!r} could be {listed(found, len(found), 'or')}: give more of the name"
        )
    raise RolloverError(f"unknown system {text!r} (one of: {', '.join(catalogue.systems())})")


def _actions(args: argparse.Namespace) -> int:
    print(render_actions(args.system))
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = commands.add_parser(
        "actions",
        help="list every action: system, destructive or not, scope tab, parameters, help",
        description="Print the action catalogue the Checklist's System and Action columns use.",
    )
    actions.add_argument("--system", metavar="NAME", help="only this system's actions")
    actions.set_defaults(handler=_actions)
