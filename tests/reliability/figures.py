"""The reliability suite's figures, counted by the tests from what they observed (the mock
LMS's tables, the fakes' request records, processes' exit signals), printed once at the end;
the crash points and faults of the LMS over HTTP (the fake LMS) are also counted apart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields

MINIMUMS = {"crash_points": 100, "faults": 1000, "bad_inputs": 2000, "tampering": 10}


@dataclass
class Figures:
    crash_points: int = 0
    faults: int = 0
    http_crash_points: int = 0
    http_faults: int = 0
    bad_inputs: int = 0
    http_bad_inputs: int = 0
    tampering: int = 0
    lost: int = 0
    doubled: int = 0
    ran: bool = False

    def line(self) -> str:
        return (
            f"reliability: {self.crash_points} crash points ({self.http_crash_points} over HTTP), "
            f"{self.faults} faults injected ({self.http_faults} over HTTP), "
            f"{self.bad_inputs} bad inputs tried ({self.http_bad_inputs} over HTTP), "
            f"{self.tampering} tampering attempts, "
            f"{self.lost} records lost, {self.doubled} records applied twice"
        )

    def short_of_minimums(self) -> list[str]:
        return [
            f"{name.replace('_', ' ')}: {getattr(self, name):,} < {least:,}"
            for name, least in MINIMUMS.items()
            if getattr(self, name) < least
        ]

    def reset(self) -> None:
        for spec in fields(self):
            setattr(self, spec.name, spec.default)


FIGURES = Figures()


def count_http(crash_points: int = 0, faults: int = 0) -> None:
    """Crash points and faults of the LMS over HTTP: counted in the totals and apart."""
    FIGURES.crash_points += crash_points
    FIGURES.http_crash_points += crash_points
    FIGURES.faults += faults
    FIGURES.http_faults += faults


def count_outcomes(
    planned: list[str], applied: list[str], failed: list[str], changes: Counter[str]
) -> tuple[int, int]:
    """Records lost (planned, neither applied nor reported failed) and applied twice (more
    than one change of the record in the mock LMS, which applies every call it receives);
    adds both to FIGURES."""
    accounted = set(applied) | set(failed)
    lost = sum(1 for record in set(planned) if record not in accounted)
    doubled = sum(1 for n in changes.values() if n > 1)
    FIGURES.lost += lost
    FIGURES.doubled += doubled
    return lost, doubled
