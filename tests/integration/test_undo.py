"""Every destructive step snapshots what it changes; `undo` restores every field from it."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.config import Config
from bot.lms.mock import MockLMS
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook


def run(config: Config, *args: str) -> int:
    return main([*args, "--config", str(config.source)])


def test_undo_restores_archived_students_exactly(
    demo_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(demo_config, "check") == 0
    lms = MockLMS(demo_config.lms_path)
    before = lms.records("Edgenuity", "students").set_index("id")
    assert run(demo_config, "approve", "S-007", "--as", "admin@demo-district.org") == 0
    assert run(demo_config, "run", "--once") == 0
    after = lms.records("Edgenuity", "students").set_index("id")
    archived = after.index[after["status"] == "archived"].tolist()
    assert archived

    assert run(demo_config, "undo", "S-007", "--as", "registrar@demo-district.org") == 3
    assert "not an approver" in capsys.readouterr().err
    assert run(demo_config, "undo", "S-007", "--as", "admin@demo-district.org") == 0
    assert f"Restored {len(archived)} of {len(archived)} records" in capsys.readouterr().out
    restored = lms.records("Edgenuity", "students").set_index("id")
    assert restored.sort_index().equals(before.sort_index())

    assert run(demo_config, "run", "--once") == 0
    snap = XlsxWorkbook(demo_config.workbook_path, load_template()).read()
    step = snap.frames["Checklist"].set_index("Step ID").loc["S-007"]
    assert step["Status"] == "Undone" and step["Result"].startswith("Restored ")
    students = snap.frames["Students"].set_index("Student ID")
    assert set(students.loc[archived, "LMS status"]) == {"active"}
    log = snap.frames["Log"]
    assert sorted(log[(log["Step"] == "S-007") & (log["Action"] == "undo")]["Record"]) == sorted(
        archived
    )

    assert run(demo_config, "undo", "S-007", "--as", "admin@demo-district.org") == 0
    assert "Nothing to undo" in capsys.readouterr().out
    lms.close()


def test_undo_needs_a_snapshot(demo_config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(demo_config, "run", "--once") == 0
    assert run(demo_config, "undo", "S-012", "--as", "admin@demo-district.org") == 2
    assert "S-012 changed nothing that can be undone: only a destructive step" in (
        capsys.readouterr().err
    )
