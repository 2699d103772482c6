"""What every format's reader hands on: one frame per roster tab, in workbook columns."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from bot.roster.csvfile import LINE, Table
from bot.roster.errors import Findings
from bot.roster.values import look_up

SOURCE = "_file"
BULK = "bulk"
DELTA = "delta"
EXTENSION = "metadata.rollover."
KEEP = "_keep:"
"""A hidden column ``_keep:<column>`` marks (``keep``) the rows whose ``<column>`` this source
does not give: a delta that changes a user but not their demographics says nothing of their
Birth date, so the workbook keeps it (a new row gets a blank)."""
KEEP_MARK = "keep"
TEACHING_ROLES = frozenset({"teacher", "professor", "lecturer", "instructor", "adjunct"})
NOT_STAFF = frozenset({"student", "parent", "guardian", "relative"})


@dataclass
class TabData:
    """Rows for one tab: its key column, the columns the format maps, ``_file`` and ``_line``."""

    frame: pd.DataFrame
    mode: str = BULK

    @property
    def columns(self) -> list[str]:
        """The workbook columns the source gives (hidden ``_`` columns left out)."""
        return [c for c in self.frame.columns if not c.startswith("_")]


@dataclass
class RosterData:
    format: str
    tabs: dict[str, TabData] = field(default_factory=dict)


def tab_frame(table: Table, rows: pd.Series, columns: dict[str, pd.Series | str]) -> pd.DataFrame:
    """A tab's frame from the ``rows`` of ``table`` (a mask), each column a series or a constant."""
    source = table.frame.loc[rows]
    data: dict[str, pd.Series | str] = {}
    for name, value in columns.items():
        data[name] = value.loc[rows] if isinstance(value, pd.Series) else value
    frame = pd.DataFrame(data, index=source.index)
    for name in frame.columns:
        frame[name] = frame[name].fillna("").astype(str)
    frame[SOURCE] = table.file
    frame[LINE] = source[LINE]
    return frame.reset_index(drop=True)


def kept_where(not_given: pd.Series) -> pd.Series:
    """The ``_keep:`` column for a mask of rows whose value the source does not give."""
    return not_given.map({True: KEEP_MARK, False: ""}).astype(str)


def names_for(
    ids: pd.Series,
    lookup: pd.Series | None,
    table: Table,
    column: str,
    what: str,
    findings: Findings,
) -> pd.Series:
    """Replace each ID by its name from ``lookup`` (ID -> name); an unknown ID stays as is."""
    if lookup is None:
        return ids
    names = ids.map(lookup)
    unknown = names.isna() & (ids.str.strip() != "")
    if unknown.any():
        shown = table.frame.loc[unknown[unknown].index]
        for _, row in shown.head(10).iterrows():
            findings.note(
                table.file,
                int(row[LINE]),
                column,
                f"{what} {ids[row.name]!r} is not in the bundle; the ID is used as its name",
            )
        if int(unknown.sum()) > 10:
            findings.note(table.file, 0, column, f"... and {int(unknown.sum()) - 10} more")
    return names.fillna(ids).astype(str)


def joined_names(ids: pd.Series, lookup: pd.Series | None) -> pd.Series:
    """A list field (``"a,b"``) as its names joined by ``"; "`` (unknown IDs kept)."""
    if lookup is None:
        return ids
    exploded = ids.str.split(",").explode().fillna("").str.strip()
    named = look_up(exploded, lookup, exploded)
    named = named[named != ""]
    return named.groupby(level=0).agg("; ".join).reindex(ids.index, fill_value="").astype(str)


def extension(table: Table, name: str, native: pd.Series) -> pd.Series:
    """``native`` overridden by the export's own ``metadata.rollover.<name>`` where filled."""
    column = EXTENSION + name
    if not table.has(column):
        return native
    carried = table.frame[column].str.strip()
    return native.mask(carried != "", carried)


def carried(table: Table, name: str, native: pd.Series) -> pd.Series:
    """``native`` replaced by the export's own ``metadata.rollover.<name>`` when the file has
    that column: the workbook's value exactly, blank included."""
    column = EXTENSION + name
    return table.frame[column] if table.has(column) else native


def first_teachers(
    classes: pd.Series, teachers: pd.Series, primary: pd.Series | None = None
) -> pd.Series:
    """Class ID -> its teacher: the primary one if marked, else the first listed."""
    frame = pd.DataFrame({"class": classes, "teacher": teachers})
    if primary is not None:
        frame["rank"] = (primary.str.strip().str.casefold() != "true").astype(int)
        frame = frame.sort_values("rank", kind="stable")
    return frame.drop_duplicates("class").set_index("class")["teacher"]
