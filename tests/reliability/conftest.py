"""The reliability suite's fixtures (its figures line is printed by ``summary.py``, whose hooks
the top conftest loads)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.testing.fake_sheets import FakeSheetsServer


@pytest.fixture(scope="session")
def sheets() -> Iterator[FakeSheetsServer]:
    """The local fake of the Google Sheets API, shared by the suite's districts."""
    with FakeSheetsServer() as server:
        yield server
