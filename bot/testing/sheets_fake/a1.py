"""A1 notation: parsing request ranges and printing them back the way Google does."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENDPOINT = re.compile(r"^\$?([A-Za-z]{0,3})\$?([0-9]{0,7})$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*[Cc][0-9]*$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class A1Error(ValueError):
    """A range string that cannot be parsed."""


@dataclass(frozen=True)
class Bounds:
    """A rectangle of zero-based, end-exclusive indexes; ``None`` means unbounded."""

    start_row: int | None
    end_row: int | None
    start_col: int | None
    end_col: int | None


@dataclass(frozen=True)
class ParsedRange:
    """A request range split into its sheet title (if any) and its cell part (if any)."""

    sheet: str | None
    cells: str | None


def col_to_index(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n - 1


def index_to_col(index: int) -> str:
    """0 -> ``A``, 26 -> ``AA``."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def split_sheet(text: str) -> ParsedRange:
    """Split ``'My Tab'!A1:B2`` into sheet title and cell part; quotes use ``''`` escapes."""
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    title.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return ParsedRange("".join(title), None)
                if rest.startswith("!"):
                    return ParsedRange("".join(title), rest[1:] or None)
                raise A1Error(text)
            title.append(ch)
            i += 1
        raise A1Error(text)
    if "!" in text:
        sheet, _, cells = text.rpartition("!")
        return ParsedRange(sheet, cells or None)
    return ParsedRange(None, text)


def parse_cells(cells: str) -> Bounds:
    """Parse the cell part: ``A1``, ``A1:C3``, ``A:C``, ``2:5``, ``A2:Z``, ``A1:1``."""
    parts = cells.strip().split(":")
    if len(parts) == 1:
        col, row = _endpoint(parts[0])
        if col is None or row is None:
            raise A1Error(cells)
        return Bounds(row, row + 1, col, col + 1)
    if len(parts) != 2:
        raise A1Error(cells)
    c1, r1 = _endpoint(parts[0])
    c2, r2 = _endpoint(parts[1])
    if (c1 is None and r1 is None) or (c2 is None and r2 is None):
        raise A1Error(cells)
    if (c1 is None and c2 is not None and r2 is None) or (
        r1 is None and r2 is not None and c2 is None
    ):
        raise A1Error(cells)
    rows = _span(r1, r2)
    cols = _span(c1, c2)
    return Bounds(rows[0], rows[1], cols[0], cols[1])


def _endpoint(text: str) -> tuple[int | None, int | None]:
    match = _ENDPOINT.match(text)
    if not match or not (match.group(1) or match.group(2)):
        raise A1Error(text)
    letters, digits = match.groups()
    col = col_to_index(letters) if letters else None
    if digits and int(digits) == 0:
        raise A1Error(text)
    row = int(digits) - 1 if digits else None
    return col, row


def _span(a: int | None, b: int | None) -> tuple[int | None, int | None]:
    if a is not None and b is not None:
        return min(a, b), max(a, b) + 1
    if a is not None:
        return a, None
    if b is not None:
        return 0, b + 1
    return None, None


def quote_title(title: str) -> str:
    """Quote a sheet title when Google would: spaces, punctuation, cell-like names."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def cell_ref(row: int, col: int) -> str:
    """Zero-based (row, col) -> ``B3``."""
    return f"{index_to_col(col)}{row + 1}"


def rect_a1(r0: int, r1: int, c0: int, c1: int) -> str:
    """End-exclusive rectangle -> ``A1:C3`` (or ``A1`` for a single cell)."""
    first = cell_ref(r0, c0)
    last = cell_ref(r1 - 1, c1 - 1)
    return first if first == last else f"{first}:{last}"


def format_range(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    """Canonical ``Sheet1!A1:C3`` as echoed in responses."""
    return f"{quote_title(title)}!{rect_a1(r0, r1, c0, c1)}"
