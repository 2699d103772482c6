"""Where the shared reference data lives: ``../shared/data`` beside the checkout (as in CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MISSING = (
    f"the shared reference data is missing: expected {SHARED_DATA} "
    "(the `shared` folder beside the repository checkout, as in CI)"
)


def shared_path(*parts: str) -> Path:
    """``../shared/data/<parts>``; fails the test, naming the path, when it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(MISSING if not SHARED_DATA.is_dir() else f"{path} is missing")
    return path
