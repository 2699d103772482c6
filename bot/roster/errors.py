"""Roster problems: each names the file, row and column it is about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.errors import RolloverError

MAX_SHOWN = 25


@dataclass(frozen=True)
class Problem:
    """One finding in a bundle. ``row`` counts lines as a spreadsheet does: the header is 1."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


def render(problems: list[Problem], limit: int = MAX_SHOWN) -> str:
    lines = [f"  {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more")
    return "\n".join(lines)


class RosterError(RolloverError):
    """A bundle refused (bad file, header, row) or an import refused (the safety guard)."""

    def __init__(self, summary: str, problems: list[Problem] | None = None) -> None:
        self.problems = list(problems or [])
        text = summary if not self.problems else f"{summary}\n{render(self.problems)}"
        super().__init__(text)


@dataclass
class Findings:
    """Errors refuse the bundle; notes are reported but the import goes ahead. ``locate``
    rewrites where a problem is (a row of a file pulled from an API is a record there)."""

    errors: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    locate: Callable[[Problem], Problem] | None = None

    def _problem(self, file: str, row: int, column: str, message: str) -> Problem:
        problem = Problem(file, row, column, message)
        return self.locate(problem) if self.locate is not None else problem

    def error(self, file: str, row: int, column: str, message: str) -> None:
        self.errors.append(self._problem(file, row, column, message))

    def note(self, file: str, row: int, column: str, message: str) -> None:
        self.notes.append(self._problem(file, row, column, message))

    def raise_if_errors(self, source: str) -> None:
        if self.errors:
            count = len(self.errors)
            raise RosterError(
                f"{source}: refused, {count} problem{'s' if count != 1 else ''} "
                "(the workbook was not changed)",
                self.errors,
            )
