"""The workbook's definition, read from ``sheets_templates/workbook.toml``.

Every other part (local workbook, Google provisioning, parsing, validation, scope) reads the
tabs and columns from here, never from a list of its own.
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
    roster: bool = False
    append_only: bool = False
    help: str = ""
    _by_key: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            self._by_key[column.key] = column

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def bot_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.is_bot]

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
        tabs.append(
            Tab(
                name=name,
                columns=columns,
                key=key,
                roster=bool(raw.get("roster", False)),
                append_only=bool(raw.get("append_only", False)),
                help=str(raw.get("help", "")),
            )
        )
    return WorkbookTemplate(tabs=tuple(tabs), version=int(str(data.get("version", 1))))


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
