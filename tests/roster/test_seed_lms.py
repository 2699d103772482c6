"""--seed-lms fills an empty mock LMS from the imported tabs and never overwrites one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from bot.lms.mock import MockLMS
from tests.roster.bundles import oneroster, run, write


def _students(config_path: Path) -> int:
    lms = MockLMS(load_config(str(config_path)).lms_path)
    try:
        return len(lms.records("Edgenuity", "students"))
    finally:
        lms.close()


def test_seed_only_an_empty_lms(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = write(tmp_path / "a", dict(oneroster(6)))
    assert run("import-roster", bundle, "--seed-lms", "--dry-run", "--config", config_path) == 0
    assert "Mock LMS" not in capsys.readouterr().out
    assert _students(config_path) == 0
    assert run("import-roster", bundle, "--seed-lms", "--config", config_path) == 0
    assert "Mock LMS seeded with 15 records" in capsys.readouterr().out  # 6+1+1+1+6
    assert _students(config_path) == 6
    more = write(tmp_path / "b", dict(oneroster(7)))
    assert run("import-roster", more, "--seed-lms", "--config", config_path) == 0
    assert "Mock LMS not seeded" in capsys.readouterr().out
    assert _students(config_path) == 6
