"""Progress of long work: a bar with counts on a terminal, a line at each tenth elsewhere, never
a flood (issue 13, item 14). The lines are checked, never timings."""

from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console

from bot import progress
from bot.progress import Display, Progress


def test_a_line_at_each_tenth_with_counts(capsys: pytest.CaptureFixture[str]) -> None:
    with progress.session(Display.LINES):
        work = Progress("S-007 archive students", 2_981)
        for _ in range(2_981):
            work.advance()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10
    assert lines[0] == "S-007 archive students: 299 of 2,981 records (10%)"
    assert lines[4] == "S-007 archive students: 1,491 of 2,981 records (50%)"
    assert lines[-1] == "S-007 archive students: 2,981 of 2,981 records (100%)"


def test_small_work_says_nothing_in_a_log(capsys: pytest.CaptureFixture[str]) -> None:
    with progress.session(Display.LINES):
        with Progress("S-012 pause imports", 1) as work:
            work.advance()
        with Progress("Reading rollover.xlsx", 5_000, "row") as reading:
            list(reading.track(range(5_000)))
        with progress.phase("Saving rollover.xlsx", big=False):
            pass
    assert capsys.readouterr().err == ""


def test_counted_chunks_still_end_at_the_total(capsys: pytest.CaptureFixture[str]) -> None:
    with progress.session(Display.LINES):
        with Progress("Reading rollover.xlsx", 45_001, "row") as reading:
            assert sum(1 for _ in reading.track(range(45_001), every=500)) == 45_001
        with progress.phase("Saving rollover.xlsx (45,001 rows)"):
            pass
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11
    assert lines[-2] == "Reading rollover.xlsx: 45,001 of 45,001 rows (100%)"
    assert lines[-1] == "Saving rollover.xlsx (45,001 rows)..."


def test_the_service_logs_its_lines(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO, logger="bot.progress")
    with progress.session(Display.LOG):
        work = Progress("S-001 complete", 433)
        for done in range(1, 434):
            work.update(done)
    said = [r.getMessage() for r in caplog.records if r.name == "bot.progress"]
    assert len(said) == 10 and said[-1] == "S-001 complete: 433 of 433 records (100%)"
    assert capsys.readouterr().err == ""


def test_a_terminal_gets_a_bar_with_counts_and_an_estimate() -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=120)
    now = [0.0]
    with progress.session(Display.BAR, console=terminal, clock=lambda: now[0]):
        work = Progress("S-007 archive students", 2_981)
        now[0] = 5.0
        work.update(750)
        now[0] = 10.0
        work.update(1_500)
        drawn = screen.getvalue()
        with progress.phase("Saving rollover.xlsx"):
            pass
        work.update(2_981)
    assert "S-007 archive students" in drawn
    assert "1,500 of 2,981 records" in drawn
    assert "0:10, ~0:10 left" in drawn  # 1,481 more at 150 a second


def test_auto_is_lines_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with progress.session(Display.AUTO):
        assert progress.shown_as() is Display.LINES
