"""Renaissance: the preview fills the Matches tab, staff decide there, the import's
per-student log reaches the Log tab once (seed 003)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from bot.cli import main
from bot.commands.create import make_demo
from bot.templates import load_template
from bot.workbook.xlsx import XlsxWorkbook


def test_matches_are_written_reviewed_and_the_import_log_lands_once(tmp_path: Path) -> None:
    """ "Review the matches ... the import log has SourceImportStatus and ScoreImportStatus per
    student" (seed 003): the Matches tab is where staff review; the Log keeps every student."""
    config = str(make_demo(tmp_path / "d", 40, False, date(2026, 11, 22), "renaissance-transfer"))
    workbook = XlsxWorkbook(tmp_path / "d" / "rollover.xlsx", load_template())
    assert main(["run", "--once", "--config", config]) == 0
    matches = workbook.read().frames["Matches"]
    assert len(matches) == 4
    assert set(matches["Proposed match"]) >= {"new student"}
    matched = matches[matches["Proposed match"] != "new student"]["Transfer"].tolist()[0]

    book = load_workbook(workbook.path)
    sheet = book["Matches"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == matched:
            row[4].value = "new student"
    book.save(workbook.path)

    # The plan binds to the staff's Decisions: the bot plans the changed one before the admin
    # approves (an approval given for the earlier plan would be void).
    assert main(["check", "--config", config]) == 0
    assert main(["approve", "S-005", "--as", "admin@demo-district.org", "--config", config]) == 0
    assert main(["run", "--once", "--config", config]) == 0
    assert main(["run", "--once", "--config", config]) == 0
    snap = workbook.read()
    steps = snap.frames["Checklist"].set_index("Step ID")
    assert steps.loc["S-005", "Status"] == "Done"
    matches = snap.frames["Matches"].set_index("Transfer")
    assert len(matches) == 4
    assert matches.loc[matched, "Decision"] == "new student"
    log = snap.frames["Log"]
    students = log[(log["Action"] == "import transfer") & (log["Record"] != log["Record"].iloc[0])]
    per_student = students[students["Outcome"].str.startswith("Imported")]
    assert len(per_student) == 4
    assert per_student["Record"].is_unique
    assert all("ScoreImportStatus" in m for m in per_student["Message"])
