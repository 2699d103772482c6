"""The state store seam: SQLite (``[state] path``, the default) or PostgreSQL (``[state] url``),
one implementation of its rules (``bot/state/store.py``) over SQLAlchemy Core."""

from __future__ import annotations

import os
import re
import unicodedata
from importlib.util import find_spec

from bot.abc import StateStore
from bot.config import Config
from bot.errors import ConfigError
from bot.state.postgres import PostgresState
from bot.state.sqlite import SqliteState

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def open_state(config: Config) -> StateStore:
    """PostgreSQL when ``[state] url`` is set (in schema ``[state] schema``, default a slug of
    the district's name), else the SQLite file at ``[state] path``."""
    if not config.state_url:
        return SqliteState(config.state_path)
    url = expand(config.state_url)
    if not url.startswith("postgresql"):
        raise ConfigError("state.url must be a PostgreSQL URL (postgresql://user@host/db)")
    if find_spec("psycopg") is None:
        raise ConfigError('state.url needs psycopg: pip install "rollover-bot[postgres]"')
    return PostgresState(url, config.state_schema or schema_slug(config.district))


def expand(url: str) -> str:
    """``url`` with each ``${NAME}`` replaced by that environment variable, as it is."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ConfigError(f"state.url uses ${{{name}}}, which is not set in the environment")
        return os.environ[name]

    return VARIABLE.sub(value, url)


def schema_slug(district: str) -> str:
    """``Demo District`` → ``demo_district``: lower-case ASCII letters, digits and ``_``."""
    ascii_name = unicodedata.normalize("NFKD", district).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.casefold()).strip("_")[:63].rstrip("_")
    return slug or "rollover"
