"""The figures line under pytest-xdist: each worker's figures reach the controller, which adds
them up and fails the session on a record lost or applied twice."""

from __future__ import annotations

from dataclasses import asdict
from types import SimpleNamespace

from tests.reliability.figures import FIGURES, Figures
from tests.reliability.summary import _problems, pytest_testnodedown


def test_each_workers_figures_are_added_to_the_sessions() -> None:
    saved = asdict(FIGURES)
    try:
        FIGURES.reset()
        counted = asdict(Figures(crash_points=3, http_faults=2, lost=1, ran=True))
        worker = SimpleNamespace(workeroutput={"reliability": {**counted, "narrowed": False}})
        pytest_testnodedown(worker, None)
        pytest_testnodedown(worker, None)
        pytest_testnodedown(SimpleNamespace(workeroutput={}), None)  # a worker that ran none
        assert (FIGURES.crash_points, FIGURES.http_faults, FIGURES.lost) == (6, 4, 2)
        assert FIGURES.ran
        assert _problems()[0] == "2 record(s) lost and 0 applied twice (both must be 0)"
    finally:
        for name, value in saved.items():
            setattr(FIGURES, name, value)
