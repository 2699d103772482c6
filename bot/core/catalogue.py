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
MANUAL = "manual"
MESSAGE = "message"
"""The parameter any step may carry: a message template the bot fills in and shows."""


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
    run_on: str = ""
    """The vendor's date for the action when the step's Run on is blank (``rollover-1bd``)."""

    @property
    def manual(self) -> bool:
        """A person's task (Action ``manual``), never executed against the LMS."""
        return self.name == MANUAL

    @property
    def key(self) -> tuple[str, str]:
        return action_key(self.system, self.name)


def action_key(system: str, name: str) -> tuple[str, str]:
    return normalize_header(system), normalize_header(name)


class Catalogue:
    """Action specs by (system, name); names match case- and space-insensitively.

    Besides the systems' actions, ``manual`` (a person's task) is accepted with any of the
    systems or a blank System (``add_manual``: one spec per system, and one for blank);
    iterating and ``len`` count the systems' actions only. ``messages`` are the names of the
    message templates a step's ``message=`` may give."""

    def __init__(self) -> None:
        self._specs: dict[tuple[str, str], ActionSpec] = {}
        self._manual: dict[str, ActionSpec] = {}
        self.messages: frozenset[str] = frozenset()

    def add(self, spec: ActionSpec) -> None:
        if spec.key in self._specs:
            raise ValueError(f"action {spec.name!r} of {spec.system} is registered twice")
        self._specs[spec.key] = spec

    def add_manual(self, spec: ActionSpec) -> None:
        """The ``manual`` task of ``spec.system`` (blank: a step with no System)."""
        self._manual[normalize_header(spec.system)] = spec

    def get(self, system: str, name: str) -> ActionSpec | None:
        if normalize_header(name) == MANUAL:
            return self._manual.get(normalize_header(system))
        return self._specs.get(action_key(system, name))

    def systems(self) -> list[str]:
        return sorted({s.system for s in self._specs.values()})

    def names(self, system: str) -> list[str]:
        """The system's actions, ``manual`` last when it is accepted."""
        wanted = normalize_header(system)
        names = [s.name for s in self._specs.values() if normalize_header(s.system) == wanted]
        return names + ([MANUAL] if wanted in self._manual else [])

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
