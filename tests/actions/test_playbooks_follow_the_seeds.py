"""Every step of each vendor's procedure (``../shared/seeds``) is in its playbook, in the
vendor's order, people's steps included (as ``manual`` with the instruction in Notes).

The seeds' steps are in ``tests/seed_steps.py``, written by reading the seeds. A seed step
found in the playbook must come at or after the one before it (two seed steps may share a
row: "complete ... and disable")."""

from __future__ import annotations

import pytest

from bot.actions import registry
from bot.districts.playbooks import read_playbook
from tests.seed_steps import EXTRA, SEEDS, find


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_step_of_the_seed_is_in_its_playbook_in_order(name: str) -> None:
    system, seed = SEEDS[name]
    rows = read_playbook(name)
    assert {r["System"] for r in rows} == {system}
    last = 0
    covered: set[str] = set()
    for step in seed:
        action, phrase = step[0], step[1]
        ordered = len(step) == 2
        found = find(rows, action, phrase, last if ordered else 0)
        assert found >= 0, f"{name}: no {action!r} step saying {phrase!r} at or after row {last}"
        covered.add(rows[found]["Step ID"])
        if ordered:
            last = found
    extra = [r["Step ID"] for r in rows if r["Step ID"] not in covered]
    assert extra == EXTRA.get(name, []), "playbook rows that no seed step stands for"


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_peoples_steps_are_manual_with_their_instruction(name: str) -> None:
    catalogue = registry().catalogue
    rows = read_playbook(name)
    manual = [r for r in rows if r["Action"] == "manual"]
    assert manual, f"{name} has no people's step"
    for row in manual:
        spec = catalogue.get(row["System"], row["Action"])
        assert spec is not None and spec.manual
        assert len(row["Notes"]) > 30 and not row["Scope"]
