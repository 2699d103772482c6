"""The configuration file (TOML): every key, its default, and errors that name the key."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError

DEFAULT_FILE = "config.toml"
ENV_FILE = "ROLLOVER_CONFIG"


@dataclass(frozen=True)
class Config:
    base_dir: Path
    district: str = "Demo District"
    timezone: str = "America/Chicago"
    workbook_backend: str = "xlsx"
    workbook_path: Path = Path("rollover.xlsx")
    spreadsheet_id: str = ""
    credentials: str = ""
    endpoint: str = ""
    lms_backend: str = "mock"
    lms_path: Path = Path("lms.sqlite")
    lms_faults: dict[str, object] = field(default_factory=dict)
    state_path: Path = Path("state.sqlite")
    notifier: str = "console"
    admins: tuple[str, ...] = ()
    two_person_rule: bool = True
    max_change_percent: float = 10.0
    source: Path | None = None


def _table(data: dict[str, object], name: str) -> dict[str, object]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{name}] must be a table")
    return value


def _str(table: dict[str, object], section: str, key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"{section}.{key} must be text, not {value!r}")
    return value


def _choice(table: dict[str, object], section: str, key: str, choices: tuple[str, ...]) -> str:
    value = _str(table, section, key, choices[0])
    if value not in choices:
        raise ConfigError(f"{section}.{key} = {value!r}: expected one of {', '.join(choices)}")
    return value


def parse_config(data: dict[str, object], base_dir: Path, source: Path | None = None) -> Config:
    """Build a Config from parsed TOML; relative paths are relative to ``base_dir``."""
    known = {"district", "workbook", "lms", "state", "notifier", "approvals", "safety"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"unknown section(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    district = _table(data, "district")
    workbook = _table(data, "workbook")
    lms = _table(data, "lms")
    state = _table(data, "state")
    notifier = _table(data, "notifier")
    approvals = _table(data, "approvals")
    safety = _table(data, "safety")
    timezone = _str(district, "district", "timezone", "America/Chicago")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"district.timezone: unknown time zone {timezone!r}") from exc
    admins = approvals.get("admins", [])
    if not isinstance(admins, list) or not all(isinstance(a, str) for a in admins):
        raise ConfigError("approvals.admins must be a list of emails")
    two_person = approvals.get("two_person_rule", True)
    if not isinstance(two_person, bool):
        raise ConfigError("approvals.two_person_rule must be true or false")
    percent = safety.get("max_change_percent", 10)
    if not isinstance(percent, int | float) or not 0 <= percent <= 100:
        raise ConfigError("safety.max_change_percent must be a number from 0 to 100")
    faults = _table(lms, "faults") if "faults" in lms else {}

    def path(table: dict[str, object], section: str, key: str, default: str) -> Path:
        return (base_dir / _str(table, section, key, default)).resolve()

    return Config(
        base_dir=base_dir,
        district=_str(district, "district", "name", "Demo District"),
        timezone=timezone,
        workbook_backend=_choice(workbook, "workbook", "backend", ("xlsx", "gsheets")),
        workbook_path=path(workbook, "workbook", "path", "rollover.xlsx"),
        spreadsheet_id=_str(workbook, "workbook", "spreadsheet_id", ""),
        credentials=_credentials(workbook, base_dir),
        endpoint=_str(workbook, "workbook", "endpoint", ""),
        lms_backend=_choice(lms, "lms", "backend", ("mock",)),
        lms_path=path(lms, "lms", "path", "lms.sqlite"),
        lms_faults=faults,
        state_path=path(state, "state", "path", "state.sqlite"),
        notifier=_choice(notifier, "notifier", "backend", ("console",)),
        admins=tuple(admins),
        two_person_rule=two_person,
        max_change_percent=float(percent),
        source=source,
    )


def _credentials(workbook: dict[str, object], base_dir: Path) -> str:
    """A service-account JSON path (relative to the config), ``anonymous``, or blank (then
    GOOGLE_APPLICATION_CREDENTIALS is used)."""
    value = _str(workbook, "workbook", "credentials", "")
    if value in ("", "anonymous"):
        return value
    return str((base_dir / value).resolve())


def find_config(explicit: str | None) -> Path:
    """``--config``, else $ROLLOVER_CONFIG, else ./config.toml."""
    chosen = explicit or os.environ.get(ENV_FILE) or DEFAULT_FILE
    path = Path(chosen)
    if not path.is_file():
        hint = "" if explicit else " (run `rollover-bot demo` or `rollover-bot init` first)"
        raise ConfigError(f"no config file at {path}{hint}")
    return path


def load_config(explicit: str | None = None) -> Config:
    path = find_config(explicit)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return parse_config(data, path.resolve().parent, path)


def render_config(
    district: str,
    admins: list[str],
    timezone: str = "America/Chicago",
    workbook: str = "rollover.xlsx",
) -> str:
    """A config file for a new directory (the demo's and `init`'s)."""
    admin_list = ", ".join(f'"{a}"' for a in admins)
    return f"""# Rollover Bot configuration: see config.example.toml for every key.
[district]
name = "{district}"
timezone = "{timezone}"

[workbook]
backend = "xlsx"
path = "{workbook}"

[lms]
backend = "mock"
path = "lms.sqlite"

[state]
path = "state.sqlite"

[notifier]
backend = "console"

[approvals]
admins = [{admin_list}]
two_person_rule = true

[safety]
max_change_percent = 10
"""
