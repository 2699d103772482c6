"""A workbook missing a tab a command needs: a clear error naming the tab, exit 2."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.commands.create import make_empty
from bot.districts.new import NewDistrict
from tests.roster.bundles import oneroster, run, write


def _drop_tab(config_path: Path, name: str) -> None:
    path = config_path.parent / "rollover.xlsx"
    book = load_workbook(path)
    del book[name]
    book.save(path)


def test_status_without_a_checklist_tab(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _drop_tab(config_path, "Checklist")
    assert run("status", "--config", config_path) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "the workbook has no Checklist tab" in captured.out + captured.err


def test_status_of_several_districts_names_the_one_without_a_checklist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("north", "south"):
        make_empty(
            tmp_path / name,
            NewDistrict(
                name, ["edgenuity-mid-year"], date(2026, 12, 22), "US", today=date(2026, 11, 22)
            ),
            force=False,
            timezone="America/Chicago",
        )
    config = tmp_path / "config.toml"
    config.write_text(
        "".join(
            f'[[districts]]\nname = "{name}"\ntimezone = "America/Chicago"\n'
            f'workbook = {{ path = "{name}/rollover.xlsx" }}\n\n'
            for name in ("north", "south")
        ),
        encoding="utf-8",
    )
    _drop_tab(tmp_path / "south" / "config.toml", "Checklist")
    assert run("status", "--config", config) == 2
    out = capsys.readouterr().out
    assert "north: workbook" in out
    assert "south: cannot read its status: the workbook has no Checklist tab" in out


def test_export_without_a_students_tab(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("import-roster", write(tmp_path / "a", dict(oneroster(3))), "--config", config_path)
    _drop_tab(config_path, "Students")
    out = tmp_path / "out"
    assert (
        run("export-roster", "--format", "oneroster-1.1", "--to", out, "--config", config_path) == 2
    )
    assert "the workbook has no Students tab" in capsys.readouterr().err
    assert not out.exists()
