"""Log rows are appended once: a retried write adds nothing, and two outcomes that read the
same (a record failing twice within one second) are both kept."""

from __future__ import annotations

from bot.templates import WorkbookTemplate
from bot.workbook.base import new_log_rows

FAILED = {"Time": "2026-11-23 09:00:00", "Step": "S-001", "Action": "complete enrollments"}
FAILED |= {"Record": "E-1", "Outcome": "failed", "Message": "timeout", "By": "rollover-bot"}
APPLIED = FAILED | {"Record": "E-2", "Outcome": "applied", "Message": "completed"}


def line(row: dict[str, str], headers: list[str]) -> list[str]:
    return [row.get(h, "") for h in headers]


def test_identical_outcomes_are_each_one_row_and_a_retry_adds_none(
    template: WorkbookTemplate,
) -> None:
    tab = template.require("Log")
    headers = list(tab.headers)
    batch = [FAILED, dict(FAILED), APPLIED]

    first = new_log_rows(tab, [headers], batch)
    assert first == [line(FAILED, headers), line(FAILED, headers), line(APPLIED, headers)]
    assert new_log_rows(tab, [headers, *first], batch) == []

    half_written = [headers, line(FAILED, headers)]
    assert new_log_rows(tab, half_written, batch) == [
        line(FAILED, headers),
        line(APPLIED, headers),
    ]
