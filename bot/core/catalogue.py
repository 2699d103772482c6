"""What an action is, as data: the catalogue the validator, planner and `actions` command read.

The code that executes an action lives in ``bot/actions/<system>.py`` and registers its spec
here by name; the core only ever sees the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.templates import normalize_header

ParamCheck = Callable[[dict[str, object], date], list[Problem]]


@dataclass(frozen=True)
class ActionSpec:
    system: str
    name: str
    verb: str
    noun: str
    tab: str | None
    destructive: bool
    help: str
    params: tuple[ParamSpec, ...] = ()
    after: tuple[str, ...] = ()
    after_reason: str = ""
    param_check: ParamCheck | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return action_key(self.system, self.name)


def action_key(system: str, name: str) -> tuple[str, str]:
    return normalize_header(system), normalize_header(name)


class Catalogue:
    """Action specs by (system, name); names match case- and space-insensitively."""

    def __init__(self) -> None:
        self._specs: dict[tuple[str, str], ActionSpec] = {}

    def add(self, spec: ActionSpec) -> None:
        if spec.key in self._specs:
            raise ValueError(f"action {spec.name!r} of {spec.system} is registered twice")
        self._specs[spec.key] = spec

    def get(self, system: str, name: str) -> ActionSpec | None:
        return self._specs.get(action_key(system, name))

    def systems(self) -> list[str]:
        return sorted({s.system for s in self._specs.values()})

    def names(self, system: str) -> list[str]:
        wanted = normalize_header(system)
        return [s.name for s in self._specs.values() if normalize_header(s.system) == wanted]

    def system_named(self, text: str) -> str | None:
        wanted = normalize_header(text)
        for system in self.systems():
            if normalize_header(system) == wanted:
                return system
        return None

    def systems_like(self, text: str) -> list[str]:
        """The system ``text`` names exactly, else every system whose name starts with it;
        case and spaces do not matter (``twig`` is Twig Science)."""
        exact = self.system_named(text)
        if exact is not None:
            return [exact]
        wanted = normalize_header(text).replace(" ", "")
        if not wanted:
            return []
        return [
            s for s in self.systems() if normalize_header(s).replace(" ", "").startswith(wanted)
        ]

    def __iter__(self) -> Iterator[ActionSpec]:
        return iter(sorted(self._specs.values(), key=lambda s: (s.system, s.name)))

    def __len__(self) -> int:
        return len(self._specs)
