"""Several districts in one config file (``[[districts]]``), served by one process.

Top-level sections are every district's defaults; each ``[[districts]]`` entry gives its
``name`` and ``timezone`` and may override any section key by key::

    [slack]
    mode = "socket"

    [[districts]]
    name = "North ISD"
    timezone = "America/Chicago"
    workbook = { backend = "gsheets", spreadsheet_id = "1AbC..." }
    slack = { channel = "rollover-north" }
    approvals = { admins = ["it@north.example.org"] }

A district that does not name its files gets its own: ``<slug>.xlsx``, ``<slug>-lms.sqlite``
and ``<slug>-state.sqlite`` beside the config, so no two districts share one by accident.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from bot.config.keys import refuse_unknown_in_district
from bot.errors import ConfigError

DISTRICT_KEYS = ("name", "timezone")
OWN_FILES = (("workbook", "path", "{}.xlsx"), ("lms", "path", "{}-lms.sqlite"))
OWN_STATE = ("state", "path", "{}-state.sqlite")


class OwnFiles(Protocol):
    """What tells districts apart: a ``bot.config.Config`` (which imports this module)."""

    @property
    def district(self) -> str: ...

    @property
    def workbook_key(self) -> str: ...

    @property
    def lms_path(self) -> Path: ...

    @property
    def state_path(self) -> Path: ...


C = TypeVar("C", bound=OwnFiles)


def slug(name: str) -> str:
    """``North ISD`` → ``north-isd``."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "district"


def _merged(defaults: dict[str, object], entry: dict[str, object], index: int) -> dict[str, object]:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"districts[{index}].name must name the district")
    refuse_unknown_in_district(entry, name, DISTRICT_KEYS)
    merged: dict[str, object] = {
        k: dict(v) if isinstance(v, dict) else v for k, v in defaults.items()
    }
    district = dict(_section(merged, "district", index))
    for key in DISTRICT_KEYS:
        if key in entry:
            district[key] = entry[key]
    merged["district"] = district
    for key, value in entry.items():
        if key in DISTRICT_KEYS:
            continue
        if not isinstance(value, dict):
            raise ConfigError(f"districts[{index}] ({name}).{key} must be a table")
        merged[key] = {**_section(merged, key, index), **value}
    own = slug(name)
    for section, key, pattern in (*OWN_FILES, OWN_STATE):
        table = dict(_section(merged, section, index))
        if key not in _section(entry, section, index):
            if section == "state" and "url" in table:
                continue
            table[key] = pattern.format(own)
        merged[section] = table
    return merged


def _section(data: dict[str, object], name: str, index: int) -> dict[str, object]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"districts[{index}].{name} must be a table")
    return value


def parse_districts(
    data: dict[str, object],
    base_dir: Path,
    source: Path | None,
    parse_one: Callable[[dict[str, object], Path, Path | None], C],
) -> list[C]:
    """One Config (``parse_one``'s) per ``[[districts]]`` entry; errors name the district."""
    entries = data["districts"]
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, dict) for e in entries)
    ):
        raise ConfigError("[[districts]] must be one or more tables")
    defaults = {k: v for k, v in data.items() if k != "districts"}
    configs: list[C] = []
    for index, entry in enumerate(entries):
        merged = _merged(defaults, entry, index)
        try:
            configs.append(parse_one(merged, base_dir, source))
        except ConfigError as exc:
            raise ConfigError(f"district {entry['name']!r}: {exc}") from None
    _distinct(configs)
    return configs


def _distinct(configs: Sequence[OwnFiles]) -> None:
    """Two districts never share a name, a workbook, an LMS or a state store."""
    seen: dict[tuple[str, str], str] = {}
    for config in configs:
        url = str(getattr(config, "state_url", ""))
        schema = str(getattr(config, "state_schema", "")) or slug(config.district)
        owned = [
            ("name", slug(config.district)),
            ("workbook", config.workbook_key),
            ("LMS", str(config.lms_path)),
            ("state store", f"{url} schema {schema}" if url else str(config.state_path)),
        ]
        for what, value in owned:
            other = seen.setdefault((what, value), config.district)
            if other != config.district:
                raise ConfigError(
                    f"districts {other!r} and {config.district!r} share one {what} ({value})"
                )
