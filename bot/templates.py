"""The workbook's definition, read from ``sheets_templates/workbook.toml``.

Every other part (local workbook, Google provisioning, parsing, validation, scope, actions,
the cycle, the mock LMS) reads the tabs and columns from here, never from a list of its own:
which tab holds which LMS kind, the key column that is a record's ID, and the LMS field of
each roster column.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.errors import TemplateError

COLUMN_TYPES = frozenset(
    {"id", "text", "int", "number", "date", "datetime", "checkbox", "dropdown", "email"}
)
OWNERS = frozenset({"staff", "bot"})


def normalize_header(name: str) -> str:
    """Headers match case- and space-insensitively: ``' Step  id'`` is ``'step id'``."""
    return re.sub(r"\s+", " ", str(name)).strip().casefold()


@dataclass(frozen=True)
class Column:
    name: str
    owner: str
    type: str
    choices: tuple[str, ...] = ()
    choices_from: str = ""
    help: str = ""
    field: str = ""
    optional: bool = False
    """A sheet without this column still reads (the column is blank)."""

    @property
    def is_bot(self) -> bool:
        return self.owner == "bot"

    @property
    def key(self) -> str:
        return normalize_header(self.name)


@dataclass(frozen=True)
class Tab:
    name: str
    columns: tuple[Column, ...]
    key: str = ""
    kind: str = ""
    roster: bool = False
    append_only: bool = False
    main: bool = False
    help: str = ""
    _by_key: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            self._by_key[column.key] = column

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_headers(self) -> list[str]:
        """The columns every sheet of this tab must have (all but the optional ones)."""
        return [c.name for c in self.columns if not c.optional]

    @property
    def bot_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.is_bot]

    @property
    def fields(self) -> dict[str, str]:
        """Column name -> the LMS field that holds its value, for the columns that have one."""
        return {c.name: c.field for c in self.columns if c.field}

    def column(self, name: str) -> Column | None:
        """The column named ``name`` (case- and space-insensitive), or None."""
        return self._by_key.get(normalize_header(name))


@dataclass(frozen=True)
class WorkbookTemplate:
    tabs: tuple[Tab, ...]
    version: int = 1

    def tab(self, name: str) -> Tab | None:
        wanted = normalize_header(name)
        for tab in self.tabs:
            if normalize_header(tab.name) == wanted or normalize_header(tab.name) == wanted + "s":
                return tab
        return None

    def require(self, name: str) -> Tab:
        tab = self.tab(name)
        if tab is None:
            raise TemplateError(f"the workbook template has no tab {name!r}")
        return tab

    @property
    def roster_tabs(self) -> list[Tab]:
        return [t for t in self.tabs if t.roster]

    def tab_of_kind(self, kind: str) -> Tab | None:
        """The roster tab whose rows are LMS records of ``kind``, or None."""
        return next((t for t in self.tabs if kind and t.kind == kind), None)

    @property
    def main_tab(self) -> Tab:
        """The tab a cycle starts from (the Checklist)."""
        tab = next((t for t in self.tabs if t.main), None)
        if tab is None:
            raise TemplateError("the workbook template marks no tab main")
        return tab


def templates_dir() -> Path:
    """``sheets_templates/`` beside the ``bot`` package (a source checkout or editable install)."""
    return Path(__file__).resolve().parent.parent / "sheets_templates"


def _column(tab: str, raw: dict[str, object]) -> Column:
    name = str(raw.get("name", "")).strip()
    owner = str(raw.get("owner", ""))
    ctype = str(raw.get("type", ""))
    if not name:
        raise TemplateError(f"tab {tab!r}: a column has no name")
    if owner not in OWNERS:
        raise TemplateError(f"tab {tab!r}, column {name!r}: owner must be staff or bot")
    if ctype not in COLUMN_TYPES:
        raise TemplateError(f"tab {tab!r}, column {name!r}: unknown type {ctype!r}")
    choices = raw.get("choices", [])
    if not isinstance(choices, list):
        raise TemplateError(f"tab {tab!r}, column {name!r}: choices must be a list")
    return Column(
        name=name,
        owner=owner,
        type=ctype,
        choices=tuple(str(c) for c in choices),
        choices_from=str(raw.get("choices_from", "")),
        help=str(raw.get("help", "")),
        field=str(raw.get("field", "")),
        optional=bool(raw.get("optional", False)),
    )


def parse_template(data: dict[str, object]) -> WorkbookTemplate:
    tabs: list[Tab] = []
    raw_tabs = data.get("tabs")
    if not isinstance(raw_tabs, list) or not raw_tabs:
        raise TemplateError("the workbook template defines no tabs")
    seen: set[str] = set()
    for raw in raw_tabs:
        name = str(raw.get("name", "")).strip()
        if not name or normalize_header(name) in seen:
            raise TemplateError(f"tab name {name!r} is blank or repeated")
        seen.add(normalize_header(name))
        columns = tuple(_column(name, c) for c in raw.get("columns", []))
        keys = [c.key for c in columns]
        if len(set(keys)) != len(keys):
            raise TemplateError(f"tab {name!r} repeats a column")
        key = str(raw.get("key", ""))
        if key and normalize_header(key) not in keys:
            raise TemplateError(f"tab {name!r}: key column {key!r} is not one of its columns")
        tab = Tab(
            name=name,
            columns=columns,
            key=key,
            kind=str(raw.get("kind", "")),
            roster=bool(raw.get("roster", False)),
            append_only=bool(raw.get("append_only", False)),
            main=bool(raw.get("main", False)),
            help=str(raw.get("help", "")),
        )
        _check_kind(tab, tabs)
        tabs.append(tab)
    if sum(t.main for t in tabs) > 1:
        raise TemplateError("the workbook template marks more than one tab main")
    return WorkbookTemplate(tabs=tuple(tabs), version=int(str(data.get("version", 1))))


def _check_kind(tab: Tab, earlier: list[Tab]) -> None:
    """A roster tab names its LMS kind and its key column; a kind belongs to one tab."""
    if tab.roster and not (tab.kind and tab.key):
        raise TemplateError(f"roster tab {tab.name!r} needs a kind and a key")
    if tab.kind and not tab.roster:
        raise TemplateError(f"tab {tab.name!r} has a kind but is not a roster tab")
    other = next((t for t in earlier if tab.kind and t.kind == tab.kind), None)
    if other is not None:
        raise TemplateError(f"tabs {other.name!r} and {tab.name!r} both hold kind {tab.kind!r}")
    fields = [c.field for c in tab.columns if c.field]
    if fields and not tab.roster:
        raise TemplateError(f"tab {tab.name!r} gives LMS fields but is not a roster tab")
    if len(set(fields)) != len(fields):
        raise TemplateError(f"tab {tab.name!r} gives one LMS field to two columns")


@cache
def load_template(path: Path | None = None) -> WorkbookTemplate:
    """Load (once) the workbook definition."""
    path = path or templates_dir() / "workbook.toml"
    try:
        with path.open("rb") as handle:
            return parse_template(tomllib.load(handle))
    except FileNotFoundError as exc:
        raise TemplateError(f"workbook template not found at {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: {exc}") from exc
