"""Fixtures for roster import / export: a fresh district directory, the shared bundles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.commands.create import make_empty
from bot.districts.new import NewDistrict
from tests.shared_data import shared_path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository (read only: never copied or edited)."""
    return shared_path()


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """A new district directory: empty roster tabs, config.toml (max_change_percent = 10)."""
    district = NewDistrict(
        "Test", ["edgenuity-mid-year"], date(2026, 12, 22), "US", today=date(2026, 11, 22)
    )
    return make_empty(tmp_path / "district", district, force=False, timezone="America/Chicago")
