"""Values of a CSV file made fit for the workbook as the file is read, so that a dry run sees
exactly what the real import writes and the write cannot fail half way.

* IDs (``sourcedId``, ``...SourcedId(s)``, ``... SIS ID``) are trimmed: the columns that
  reference a record exactly as its key column.
* A line break inside a value is a line feed, as a cell gives it back.
* Characters an xlsx cell cannot hold (NUL, vertical tab and other controls, U+FFFF) are
  removed, with a note naming the file, row and column; a vertical tab or form feed becomes a
  space.

Values longer than a cell are handled once mapped to the tabs: ``bot.roster.long_values``.
"""

from __future__ import annotations

import pandas as pd

from bot.roster.errors import Findings
from bot.workbook.cell_limit import UNWRITABLE

MAX_SHOWN = 20
SPACES = {"\x0b": " ", "\x0c": " "}


def is_id_column(name: str) -> bool:
    """A bundle column holding an ID or a list of IDs (OneRoster and SDS spellings)."""
    return name.casefold().endswith(("sourcedid", "sourcedids")) or name.endswith("SIS ID")


def trim_ids(frame: pd.DataFrame, columns: list[str]) -> None:
    """Strip the spaces around every ID, in place."""
    for column in columns:
        if is_id_column(column):
            frame[column] = frame[column].str.strip()


def unify_line_breaks(frame: pd.DataFrame, columns: list[str]) -> None:
    """A line break inside a value as a line feed, in place: a cell gives a carriage return
    back as one, so that is what a re-import must compare."""
    for column in columns:
        frame[column] = frame[column].str.replace("\r\n?", "\n", regex=True)


def _cleaned(value: str) -> str:
    return UNWRITABLE.sub(lambda m: SPACES.get(m.group(), ""), value)


def _what_changed(value: str) -> str:
    found = sorted(set(UNWRITABLE.findall(value)))
    removed = ", ".join(f"U+{ord(c):04X}" for c in found if c not in SPACES)
    spaced = ", ".join(f"U+{ord(c):04X}" for c in found if c in SPACES)
    parts = [f"removed {removed}"] if removed else []
    parts += [f"replaced {spaced} by a space"] if spaced else []
    return "; ".join(parts) + " (characters an xlsx cell cannot hold)"


def remove_control_characters(
    frame: pd.DataFrame, file: str, columns: list[str], lines: pd.Series, findings: Findings
) -> None:
    """Remove what an xlsx cell cannot hold from every value of ``columns``, in place
    (``lines``: each row's line in the file, for the notes)."""
    for column in columns:
        bad = frame[column].str.contains(UNWRITABLE)
        count = int(bad.sum())
        if not count:
            continue
        for index, row in frame.loc[bad].head(MAX_SHOWN).iterrows():
            findings.note(
                file,
                int(lines[index]),
                column,
                _what_changed(row[column]),
            )
        if count > MAX_SHOWN:
            findings.note(file, 0, column, f"... and {count - MAX_SHOWN} more values like these")
        frame.loc[bad, column] = frame.loc[bad, column].map(_cleaned)
