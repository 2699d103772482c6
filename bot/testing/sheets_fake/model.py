"""The in-memory spreadsheet model: spreadsheets, sheets, cells and the store that owns them."""

from __future__ import annotations

import random
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import errors

CellValue = str | float | bool | None
Rect = tuple[int, int, int, int]

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
ROW_PIXELS = 21
COL_PIXELS = 100


@dataclass
class Cell:
    """One cell: its stored value or formula, format, note and validation rule."""

    value: CellValue = None
    formula: str | None = None
    fmt: dict[str, Any] | None = None
    note: str | None = None
    validation: dict[str, Any] | None = None

    def has_value(self) -> bool:
        """True when the cell holds a value or a formula."""
        return self.value is not None or self.formula is not None

    def is_blank(self) -> bool:
        """True when nothing at all is stored."""
        return not self.has_value() and not self.fmt and not self.note and not self.validation

    def copy(self) -> Cell:
        """A deep-enough copy (format dicts are copied)."""
        return Cell(
            self.value,
            self.formula,
            _deep(self.fmt),
            self.note,
            _deep(self.validation),
        )


@dataclass
class Sheet:
    """A grid tab: properties plus sparse cells and the objects anchored on it."""

    props: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[dict[str, Any]] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)
    basic_filter: dict[str, Any] | None = None
    cond_formats: list[dict[str, Any]] = field(default_factory=list)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    row_groups: list[dict[str, Any]] = field(default_factory=list)
    col_groups: list[dict[str, Any]] = field(default_factory=list)
    version: int = field(default=0, compare=False, repr=False)
    rendered: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    rendered_at: int = field(default=-1, compare=False, repr=False)

    def changed(self) -> None:
        """Note a change of cells or structure: values rendered for reads are dropped."""
        self.version += 1

    @property
    def sheet_id(self) -> int:
        """The numeric sheetId (gid)."""
        return int(self.props["sheetId"])

    @property
    def title(self) -> str:
        """The tab title."""
        return str(self.props["title"])

    @property
    def grid(self) -> dict[str, Any]:
        """The mutable gridProperties dict."""
        return self.props.setdefault("gridProperties", {})

    @property
    def rows(self) -> int:
        """Current rowCount."""
        return int(self.grid.get("rowCount", 0))

    @property
    def cols(self) -> int:
        """Current columnCount."""
        return int(self.grid.get("columnCount", 0))

    def cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col), created if absent."""
        return self.cells.setdefault((row, col), Cell())

    def peek(self, row: int, col: int) -> Cell | None:
        """The cell at (row, col) if anything is stored there."""
        return self.cells.get((row, col))

    def prune(self) -> None:
        """Drop cells that hold nothing."""
        for key in [k for k, c in self.cells.items() if c.is_blank()]:
            del self.cells[key]

    def full_rect(self) -> Rect:
        """The whole grid as (r0, r1, c0, c1)."""
        return 0, self.rows, 0, self.cols


@dataclass
class Spreadsheet:
    """A spreadsheet (a Drive file): properties, tabs, named ranges and sharing."""

    spreadsheet_id: str
    props: dict[str, Any]
    sheets: list[Sheet]
    owner: str
    created: float
    modified: float
    readers: set[str] | None = None
    named_ranges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The spreadsheet (file) title."""
        return str(self.props["title"])

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        """The sheet with this sheetId, if any."""
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        """The sheet with this title (Google compares titles case-insensitively)."""
        exact = next((s for s in self.sheets if s.title == title), None)
        return exact or next((s for s in self.sheets if s.title.lower() == title.lower()), None)

    def first_sheet(self) -> Sheet:
        """The first tab by index."""
        return self.sheets[0]

    def reindex(self) -> None:
        """Renumber ``index`` after reordering."""
        for i, sheet in enumerate(self.sheets):
            sheet.props["index"] = i

    def can_read(self, email: str) -> bool:
        """Whether this user may open the spreadsheet."""
        return self.readers is None or email == self.owner or email in self.readers


class Store:
    """All spreadsheets, the id generators and the clock; guarded by one lock."""

    def __init__(self, clock: Callable[[], float] | None = None, seed: int | None = None) -> None:
        self.lock = threading.RLock()
        self.clock: Callable[[], float] = clock or time.time
        self.rng = random.Random(seed)
        self.spreadsheets: dict[str, Spreadsheet] = {}

    def changed(self) -> None:
        """Every sheet may have changed (a structural request, a Drive call, the live model
        handed out): values rendered for reads are dropped everywhere."""
        for book in self.spreadsheets.values():
            for sheet in book.sheets:
                sheet.changed()

    def new_file_id(self) -> str:
        """A 44-character Drive-like id."""
        alphabet = string.ascii_letters + string.digits + "-_"
        while True:
            candidate = "1" + "".join(self.rng.choice(alphabet) for _ in range(43))
            if candidate not in self.spreadsheets:
                return candidate

    def new_int_id(self) -> int:
        """A random positive 31-bit id, like Google's sheet and object ids."""
        return self.rng.randint(1, 2**31 - 1)

    def get(self, spreadsheet_id: str) -> Spreadsheet:
        """The spreadsheet, or Google's 404."""
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise errors.not_found()
        return book

    def create(
        self,
        title: str,
        *,
        owner: str,
        spreadsheet_id: str | None = None,
        sheet_specs: list[dict[str, Any]] | None = None,
        created: float | None = None,
        modified: float | None = None,
    ) -> Spreadsheet:
        """Create a spreadsheet with one default ``Sheet1`` (or the given sheets)."""
        now = self.clock()
        book_id = spreadsheet_id or self.new_file_id()
        book = Spreadsheet(
            spreadsheet_id=book_id,
            props={
                "title": title,
                "locale": "en_US",
                "autoRecalc": "ON_CHANGE",
                "timeZone": "Etc/GMT",
            },
            sheets=[],
            owner=owner,
            created=created if created is not None else now,
            modified=modified if modified is not None else now,
        )
        for spec in sheet_specs or [{}]:
            book.sheets.append(self.make_sheet(book, spec.get("properties", {})))
        book.reindex()
        self.spreadsheets[book_id] = book
        return book

    def make_sheet(self, book: Spreadsheet, requested: dict[str, Any]) -> Sheet:
        """A new sheet from requested properties, with Google's defaults filled in."""
        sheet_id = requested.get("sheetId")
        if sheet_id is None:
            sheet_id = 0 if not book.sheets else self.new_int_id()
            while book.sheet_by_id(sheet_id) is not None:
                sheet_id = self.new_int_id()
        title = requested.get("title") or self._free_title(book)
        grid = dict(requested.get("gridProperties") or {})
        grid.setdefault("rowCount", DEFAULT_ROWS)
        grid.setdefault("columnCount", DEFAULT_COLS)
        props: dict[str, Any] = {
            "sheetId": int(sheet_id),
            "title": title,
            "index": len(book.sheets),
            "sheetType": requested.get("sheetType", "GRID"),
            "gridProperties": {k: v for k, v in grid.items() if v},
        }
        for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
            if requested.get(key):
                props[key] = _deep(requested[key])
        return Sheet(props=props)

    @staticmethod
    def _free_title(book: Spreadsheet) -> str:
        n = len(book.sheets) + 1
        while book.sheet_by_title(f"Sheet{n}") is not None:
            n += 1
        return f"Sheet{n}"

    def touch(self, book: Spreadsheet) -> None:
        """Record a modification (Drive's modifiedTime)."""
        book.modified = max(self.clock(), book.modified)


def _deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return value


def deep_copy(value: Any) -> Any:
    """Copy nested dicts/lists of JSON values."""
    return _deep(value)
