"""A problem found while reading or validating a step: which column, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.column}: {self.reason}"


class ProblemError(ValueError):
    """Raised by parsers; carries the Problem that validation reports."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.problem = Problem(column, reason)


def describe(problems: Iterable[Problem]) -> str:
    return "; ".join(str(p) for p in problems)
