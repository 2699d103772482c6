"""What every workbook backend shares: reading a tab's grid into a frame, and finding rows
again at write time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice, zip_longest

import pandas as pd

from bot.core.id_fill import IdFill
from bot.errors import HeaderError
from bot.structures import ROW, WriteBatch
from bot.templates import Tab, normalize_header


def cell_text(value: object) -> str:
    """A cell's value as the text the core reads: IDs keep their zeros, 12.0 reads ``12``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def header_map(tab: Tab, header: Sequence[object]) -> dict[str, int]:
    """Template column name -> 0-based position in the sheet's header row.

    Blank headers between named ones and repeated headers are errors naming the tab; columns
    the template does not know are ignored; missing template columns are reported, except
    optional ones (they are left out of the map and read as blank).
    """
    names = [cell_text(h).strip() for h in header]
    while names and not names[-1]:
        names.pop()
    positions: dict[str, int] = {}
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            raise HeaderError(f"tab {tab.name!r}: header cell {index + 1} is blank")
        folded = normalize_header(name)
        if folded in seen:
            raise HeaderError(
                f"tab {tab.name!r}: header {name!r} appears twice "
                f"(columns {seen[folded] + 1} and {index + 1})"
            )
        seen[folded] = index
        column = tab.column(name)
        if column is not None:
            positions[column.name] = index
    missing = [c for c in tab.required_headers if c not in positions]
    if missing:
        columns = "column" if len(missing) == 1 else "columns"
        raise HeaderError(f"tab {tab.name!r} is missing {columns}: {', '.join(missing)}")
    return positions


def frames_from_grids(
    tabs: Sequence[tuple[Tab, Sequence[Sequence[object]]]],
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Each tab's frame, or (not for the main tab, the Checklist) the reason its header row
    is unusable."""
    frames: dict[str, pd.DataFrame] = {}
    broken: dict[str, str] = {}
    for tab, grid in tabs:
        try:
            frames[tab.name] = frame_from_grid(tab, grid)
        except HeaderError as exc:
            if tab.main:
                raise
            broken[tab.name] = str(exc)
    return frames, broken


def frame_from_grid(tab: Tab, grid: Sequence[Sequence[object]]) -> pd.DataFrame:
    """A tab's rows (header first) as a frame of text with the sheet row number in ``_row``.

    Blank rows are left out. Rows of text (what Google Sheets sends) go to pandas as they are;
    only rows holding other values (numbers, dates, blanks from a local file) are converted
    cell by cell."""
    if not grid:
        raise HeaderError(f"tab {tab.name!r} has no header row")
    positions = header_map(tab, grid[0])
    kept: list[Sequence[object]] = []
    rows: list[int] = []
    for number, row in enumerate(islice(grid, 1, None), start=2):
        try:
            line = "".join(row)  # type: ignore[arg-type]
        except TypeError:
            row = [v if v.__class__ is str else cell_text(v) for v in row]
            line = "".join(row)  # type: ignore[arg-type]
        if line and not line.isspace():
            kept.append(row)
            rows.append(number)
    columns = list(zip_longest(*kept, fillvalue=""))
    blank = ("",) * len(kept)
    frame = pd.DataFrame(
        {
            name: columns[positions[name]]
            if name in positions and positions[name] < len(columns)
            else blank
            for name in tab.headers
        },
        dtype=object,
    )
    frame[ROW] = rows
    return frame


def row_key(tab: Tab, text: str) -> str:
    """A row's key as writes compare it: trimmed; record IDs exactly (``abc1`` is not
    ``ABC1``), Step IDs in any case (the Checklist reads ``s-1`` as ``S-1``)."""
    key = text.strip()
    return key.upper() if tab.main else key


@dataclass(frozen=True)
class Placement:
    row: int
    column: int
    value: str
    fills_id: bool = False


def place_writes(
    tab: Tab, grid: Sequence[Sequence[object]], batch: WriteBatch
) -> tuple[list[Placement], list[str]]:
    """Where each write of ``batch`` for ``tab`` lands in ``grid`` as it is now (1-based).

    Rows are found by their key column; a key no longer present is dropped and reported.
    Only bot columns are written, except a blank key the bot fills (``batch.id_fills``).
    """
    positions = header_map(tab, grid[0])
    by_key: dict[str, list[int]] = {}
    if tab.key:
        key_index = positions[tab.column(tab.key).name]  # type: ignore[union-attr]
        for number, row in enumerate(grid[1:], start=2):
            key = row_key(tab, cell_text(row[key_index])) if key_index < len(row) else ""
            if key:
                by_key.setdefault(key, []).append(number)
    placements: list[Placement] = []
    dropped: list[str] = []
    fills = [f for f in batch.id_fills if f.tab == tab.name]
    if fills:
        placements += _place_id_fills(tab, grid, positions, fills, dropped)
        for p in placements:
            by_key.setdefault(row_key(tab, p.value), []).append(p.row)
    for cell in (c for c in batch.cells if c.tab == tab.name):
        column = tab.column(cell.column)
        if column is None or not column.is_bot:
            raise ValueError(f"refusing to write staff column {cell.column!r} of {tab.name}")
        rows = by_key.get(row_key(tab, cell.key))
        if not rows:
            dropped.append(f"{tab.name} {cell.key}: row not found for {cell.column}")
            continue
        placements += [Placement(r, positions[column.name] + 1, cell.value) for r in rows]
    return placements, dropped


def _place_id_fills(
    tab: Tab,
    grid: Sequence[Sequence[object]],
    positions: dict[str, int],
    fills: list[IdFill],
    dropped: list[str],
) -> list[Placement]:
    """Where each fill lands: see ``IdFill``. A row takes one fill at most."""
    key_index = positions[tab.column(tab.key).name]  # type: ignore[union-attr]
    blanks: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(grid[1:], start=2):
        texts = [cell_text(v) for v in row]
        if key_index < len(texts) and texts[key_index].strip():
            continue
        values = {name: texts[i].strip() if i < len(texts) else "" for name, i in positions.items()}
        blanks.append((number, values))
    placements: list[Placement] = []
    for fill in fills:
        matches = [n for n, v in blanks if all(v.get(c, "") == x for c, x in fill.match)]
        if not matches:
            dropped.append(f"{tab.name} row for new {fill.value}: row changed before write")
            continue
        number = fill.row if fill.row in matches else matches[0]
        blanks = [(n, v) for n, v in blanks if n != number]
        placements.append(Placement(number, key_index + 1, fill.value, fills_id=True))
    return placements


def last_used_row(grid: Sequence[Sequence[object]]) -> int:
    """The number of the last row holding anything (1 for a header-only tab)."""
    for number in range(len(grid), 0, -1):
        if any(cell_text(v).strip() for v in grid[number - 1]):
            return number
    return 1


LOG_IDENTITY = ("Time", "Step", "Record", "Outcome")


def new_log_rows(
    tab: Tab, grid: Sequence[Sequence[object]], rows: list[dict[str, str]]
) -> list[list[str]]:
    """Log rows not already in the Log tab (a retried write never doubles the audit trail).

    Counted, not just matched: two outcomes that read the same (one record failing twice in
    one second) are two rows, and each row already in the tab stands for one of them."""
    positions = header_map(tab, grid[0]) if grid else {c: i for i, c in enumerate(tab.headers)}
    present = Counter(
        tuple(cell_text(r[positions[c]]) if positions[c] < len(r) else "" for c in LOG_IDENTITY)
        for r in grid[1:]
    )
    width = max(positions.values()) + 1
    out: list[list[str]] = []
    for row in rows:
        identity = tuple(row.get(c, "") for c in LOG_IDENTITY)
        if present[identity] > 0:
            present[identity] -= 1
            continue
        line = [""] * width
        for name, index in positions.items():
            line[index] = row.get(name, "")
        out.append(line)
    return out


def keyed_rows_to_append(
    tab: Tab, grid: Sequence[Sequence[object]], batch: WriteBatch
) -> list[list[str]]:
    """``batch.new_rows`` for ``tab`` whose key is not in the tab yet, in header order."""
    positions = header_map(tab, grid[0])
    key_index = positions[tab.column(tab.key).name]  # type: ignore[union-attr]
    present = {row_key(tab, cell_text(row[key_index])) for row in grid[1:] if key_index < len(row)}
    width = max(positions.values()) + 1
    out: list[list[str]] = []
    for name, values in batch.new_rows:
        key = row_key(tab, values.get(tab.key, ""))
        if name != tab.name or not key or key in present:
            continue
        present.add(key)
        line = [""] * width
        for column, index in positions.items():
            line[index] = values.get(column, "")
        out.append(line)
    return out
