"""Values longer than a cell (Excel's 32,767 characters), found once a bundle is mapped to
the roster tabs (a Name joins two fields, a Term several titles).

A value too long is cut to fit, with a note naming the record and the column; the cut value is
what the workbook holds and what a re-import compares, so importing the same bundle again
changes nothing. An ID that long is refused: an ID cannot be cut.
"""

from __future__ import annotations

from bot.roster.csvfile import LINE
from bot.roster.errors import Findings
from bot.roster.frames import SOURCE, RosterData
from bot.workbook.cell_limit import CELL_LIMIT, fit

MAX_SHOWN = 20
SHOWN_ID = 40


def _short(value: str) -> str:
    return value if len(value) <= SHOWN_ID else f"{value[:SHOWN_ID]}..."


def fit_cells(data: RosterData, keys: dict[str, str], findings: Findings) -> None:
    """Cut values longer than a cell (noted), refuse IDs that long (errors), in place.
    ``keys`` gives each tab's key column, to name the record."""
    for tab, tab_data in data.tabs.items():
        frame = tab_data.frame
        key = keys[tab]
        for column in tab_data.columns:
            long = frame[column].str.len() > CELL_LIMIT
            count = int(long.sum())
            if not count:
                continue
            identifier = column.endswith(" ID")
            for _, row in frame.loc[long].head(MAX_SHOWN).iterrows():
                size = len(row[column])
                where = (str(row[SOURCE]), int(row[LINE]), f"{tab}.{column}")
                if identifier:
                    findings.error(
                        *where,
                        f"an ID of {size:,} characters ({_short(row[column])}): more than a "
                        f"cell holds ({CELL_LIMIT:,}), and an ID cannot be cut; fix it in the "
                        "SIS and export again",
                    )
                else:
                    findings.note(
                        *where,
                        f"the {column} of {key} {_short(row[key])} is {size:,} characters, "
                        f"more than a cell holds ({CELL_LIMIT:,}): cut to fit",
                    )
            if count > MAX_SHOWN:
                findings.note(
                    str(frame[SOURCE].iloc[0]),
                    0,
                    f"{tab}.{column}",
                    f"... and {count - MAX_SHOWN} more values like these",
                )
            if not identifier:
                frame.loc[long, column] = frame.loc[long, column].map(fit)
