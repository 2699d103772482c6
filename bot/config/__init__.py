"""The configuration file (TOML): every key, its default, and errors that name the key."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config.calendar import CalendarConfig, parse_calendar
from bot.config.districts import parse_districts, slug
from bot.config.keys import KEYS, refuse_unknown, refuse_unknown_sections
from bot.config.lms import backend, parse_endpoint, schoology_beside
from bot.config.schedule import MOVED_FROM_SLACK, ScheduleConfig, parse_schedule
from bot.config.schoology import SchoologyConfig, parse_schoology
from bot.core.approvals import is_slack_user_id
from bot.errors import ConfigError

DEFAULT_FILE = "config.toml"
ENV_FILE = "ROLLOVER_CONFIG"


SLACK_MODES = ("console", "socket", "http")


@dataclass(frozen=True)
class SlackConfig:
    """The ``[slack]`` section: where messages go and how the bot listens. Tokens are never
    here: SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_SIGNING_SECRET come from the environment."""

    mode: str = "console"
    channel: str = "rollover"
    coordinators_channel: str = ""
    endpoint: str = ""
    escalate_after_days: int = 3
    due_soon_days: int = 3
    reserve_warn_days: int = 7
    calendar_ahead_days: int = 7
    digests: bool = True
    http_port: int = 3000

    @property
    def escalation_channel(self) -> str:
        """The coordinators' channel, else the approvals channel."""
        return self.coordinators_channel or self.channel


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
    lms_endpoint: str = ""
    """The LMS APIs' address (``[lms] endpoint``); blank: the in-process model at ``lms_path``."""
    lms_faults: dict[str, object] = field(default_factory=dict)
    schoology: SchoologyConfig = field(default_factory=SchoologyConfig)
    state_path: Path = Path("state.sqlite")
    state_url: str = ""
    state_schema: str = ""
    admins: tuple[str, ...] = ()
    two_person_rule: bool = True
    max_change_percent: float = 10.0
    source: Path | None = None
    slack: SlackConfig = field(default_factory=SlackConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)

    @property
    def workbook_key(self) -> str:
        """What identifies the workbook (the lease is on it): the spreadsheet or the file."""
        if self.workbook_backend == "gsheets":
            return f"gsheets:{self.spreadsheet_id}"
        return f"xlsx:{self.workbook_path}"


def _table(data: dict[str, object], name: str, label: str = "") -> dict[str, object]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{label or name}] must be a table")
    return value


def _section(data: dict[str, object], name: str) -> dict[str, object]:
    """``[name]``, every key of it known (``KEYS``)."""
    table = _table(data, name)
    refuse_unknown(table, name, KEYS[name])
    return table


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
    # Configs written before [slack] existed carry [notifier] backend = "console"; [slack]
    # mode now says where messages go, so that section is read as nothing.
    refuse_unknown_sections(data)
    district = _section(data, "district")
    workbook = _section(data, "workbook")
    lms = _section(data, "lms")
    state = _section(data, "state")
    approvals = _section(data, "approvals")
    safety = _section(data, "safety")
    timezone = _str(district, "district", "timezone", "America/Chicago")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"district.timezone: unknown time zone {timezone!r}") from exc
    admins = approvals.get("admins", [])
    if not isinstance(admins, list) or not all(isinstance(a, str) for a in admins):
        raise ConfigError("approvals.admins must be a list of emails or Slack user IDs")
    for admin in admins:
        if admin.strip() and "@" not in admin and not is_slack_user_id(admin):
            raise ConfigError(
                f"approvals.admins: {admin!r} is neither an email nor a Slack user ID (U...)"
            )
    two_person = approvals.get("two_person_rule", True)
    if not isinstance(two_person, bool):
        raise ConfigError("approvals.two_person_rule must be true or false")
    percent = safety.get("max_change_percent", 10)
    if not isinstance(percent, int | float) or not 0 <= percent <= 100:
        raise ConfigError("safety.max_change_percent must be a number from 0 to 100")
    faults = _table(lms, "faults", "lms.faults")
    refuse_unknown(faults, "lms.faults", KEYS["lms.faults"])
    lms_endpoint = parse_endpoint(lms.get("endpoint", ""))
    schoology_table = _table(lms, "schoology", "lms.schoology")

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
        lms_backend=backend(lms.get("backend", "mock"), lms_endpoint),
        lms_path=path(lms, "lms", "path", "lms.sqlite"),
        lms_endpoint=lms_endpoint,
        lms_faults=faults,
        schoology=schoology_beside(parse_schoology(schoology_table), schoology_table, lms_endpoint),
        state_path=path(state, "state", "path", "state.sqlite"),
        state_url=_str(state, "state", "url", ""),
        state_schema=_str(state, "state", "schema", ""),
        admins=tuple(admins),
        two_person_rule=two_person,
        max_change_percent=float(percent),
        source=source,
        slack=parse_slack(_table(data, "slack")),
        schedule=parse_schedule(_table(data, "schedule"), _table(data, "slack")),
        calendar=parse_calendar(_table(data, "calendar")),
    )


def _int(table: dict[str, object], key: str, default: int, least: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ConfigError(f"slack.{key} must be a whole number of at least {least}, not {value!r}")
    return value


def parse_slack(table: dict[str, object]) -> SlackConfig:
    """The ``[slack]`` section; every key optional."""
    refuse_unknown(table, "slack", [*SlackConfig.__dataclass_fields__, *MOVED_FROM_SLACK])
    digests = table.get("digests", True)
    if not isinstance(digests, bool):
        raise ConfigError("slack.digests must be true or false")
    channel = _str(table, "slack", "channel", "rollover").strip().lstrip("#")
    if not channel:
        raise ConfigError("slack.channel must name a channel")
    return SlackConfig(
        mode=_choice(table, "slack", "mode", SLACK_MODES),
        channel=channel,
        coordinators_channel=_str(table, "slack", "coordinators_channel", "").strip().lstrip("#"),
        endpoint=_str(table, "slack", "endpoint", ""),
        escalate_after_days=_int(table, "escalate_after_days", 3, 0),
        due_soon_days=_int(table, "due_soon_days", 3, 0),
        reserve_warn_days=_int(table, "reserve_warn_days", 7, 0),
        calendar_ahead_days=_int(table, "calendar_ahead_days", 7, 0),
        digests=digests,
        http_port=_int(table, "http_port", 3000, 0),
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


def load_configs(explicit: str | None = None) -> list[Config]:
    """Every district the config file describes: one, or each of its ``[[districts]]``."""
    path = find_config(explicit)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    base = path.resolve().parent
    if "districts" in data:
        return parse_districts(data, base, path, parse_config)
    return [parse_config(data, base, path)]


def load_config(explicit: str | None = None, district: str | None = None) -> Config:
    """One district: the file's only one, or the one named ``district`` (name or slug)."""
    configs = load_configs(explicit)
    if district is None:
        if len(configs) == 1:
            return configs[0]
        names = ", ".join(c.district for c in configs)
        raise ConfigError(
            f"the config lists {len(configs)} districts ({names}): pick one with --district"
        )
    for config in configs:
        if district.casefold() in (config.district.casefold(), slug(config.district)):
            return config
    names = ", ".join(c.district for c in configs)
    raise ConfigError(f"no district {district!r} in the config (it lists {names})")


def render_config(
    district: str,
    admins: list[str],
    timezone: str = "America/Chicago",
    workbook: str = "rollover.xlsx",
    country: str = "",
    subdivision: str = "",
    rollover_date: date | None = None,
) -> str:
    """A config file for a new directory (the demo's and `init`'s); a ``[calendar]``
    section when a holiday country or a rollover date is given."""
    admin_list = ", ".join(f'"{a}"' for a in admins)
    calendar = ""
    if country or rollover_date is not None:
        calendar = "\n[calendar]\n"
        calendar += f'country = "{country}"\nsubdivision = "{subdivision}"\n'
        if rollover_date is not None:
            calendar += f"rollover_date = {rollover_date.isoformat()}\n"
    note = (
        "# approvals.admins is empty: approval requests would go to nobody. List who approves\n"
        '# destructive steps (emails or Slack user IDs), e.g. admins = ["it@district.org"].\n'
        if not admins
        else ""
    )
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

[approvals]
{note}admins = [{admin_list}]
two_person_rule = true

[safety]
max_change_percent = 10
{calendar}"""
