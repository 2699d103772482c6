"""A cycle's tabs are read when first asked for, several in one pass, each once."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from bot.structures import Snapshot
from bot.templates import WorkbookTemplate
from bot.workbook.tab_frames import TabFrames
from bot.workbook.xlsx import XlsxWorkbook
from bot.workbook.xlsx_layout import create_workbook


class RecordingXlsx(XlsxWorkbook):
    """The local workbook, noting which tabs each read asked for."""

    def __init__(self, path: Path, template: WorkbookTemplate) -> None:
        super().__init__(path, template)
        self.reads: list[list[str]] = []

    def read(self, tabs: Collection[str] | None = None) -> Snapshot:
        self.reads.append(sorted(tabs or []))
        return super().read(tabs)


def test_tabs_are_read_once_when_first_asked_for(
    tmp_path: Path, template: WorkbookTemplate
) -> None:
    path = tmp_path / "w.xlsx"
    tabs = {"Checklist": [{"Step ID": "S-001"}], "Students": [{"Student ID": "007"}]}
    create_workbook(path, template, tabs)
    workbook = RecordingXlsx(path, template)
    frames = TabFrames(workbook, workbook.read(["Checklist"]).frames)
    frames.load(["Checklist", "Calendar", "Matches"])
    assert frames["Students"]["Student ID"].tolist() == ["007"]
    assert frames.get("Students") is frames["Students"]
    assert "Calendar" in frames and "No such tab" not in frames
    assert frames.get("No such tab") is None
    frames.load(["Students", "Calendar", "No such tab"])
    assert workbook.reads == [
        ["Checklist"],
        ["Calendar", "Matches"],
        ["Students"],
        ["No such tab"],
    ]
