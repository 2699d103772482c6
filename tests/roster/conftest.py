"""Fixtures for roster import / export: a fresh district directory, the shared bundles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.commands.create import make_empty

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository (read only: never copied or edited)."""
    if not SHARED.is_dir():
        pytest.fail(
            f"the shared reference data is missing: expected {SHARED} "
            "(a `shared/data` folder beside the repository checkout)"
        )
    return SHARED


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """A new district directory: empty roster tabs, config.toml (max_change_percent = 10)."""
    return make_empty(tmp_path / "district", "Test", force=False, today=date(2026, 11, 22))
