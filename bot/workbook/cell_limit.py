"""What fits in one cell. Every value the bot writes is cut to the smaller of Excel's limit
(32,767 characters) and Google's (50,000): a Result quoting a 50,000-character record ID
must not make the whole write fail, cycle after cycle. Row keys are never cut."""

from __future__ import annotations

import re

from bot.structures import CellWrite, WriteBatch
from bot.templates import WorkbookTemplate

CELL_LIMIT = 32_767
# Characters an xlsx cell cannot hold, as the file's XML cannot carry them: every C0 control
# but tab, line feed and carriage return (openpyxl refuses them), and U+FFFE / U+FFFF (openpyxl
# writes them, and the file can no longer be opened).
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def fit(text: str, limit: int = CELL_LIMIT) -> str:
    """``text``, or its start and how long it was when it does not fit."""
    if len(text) <= limit:
        return text
    note = f"… (cut from {len(text):,} characters)"
    return text[: limit - len(note)] + note


def fit_batch(batch: WriteBatch, template: WorkbookTemplate) -> WriteBatch:
    """``batch`` with every written value fitted (in place; returned for convenience)."""
    batch.cells = [
        c if len(c.value) <= CELL_LIMIT else CellWrite(c.tab, c.key, c.column, fit(c.value))
        for c in batch.cells
    ]
    batch.log_rows = [{k: fit(v) for k, v in row.items()} for row in batch.log_rows]
    keys = {t.name: t.key for t in template.tabs}
    batch.new_rows = [
        (tab, {k: v if k == keys.get(tab) else fit(v) for k, v in row.items()})
        for tab, row in batch.new_rows
    ]
    return batch
