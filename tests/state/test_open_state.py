"""Which state store a config opens, the URL's ${NAME}s, and errors that hide the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, parse_config
from bot.errors import ConfigError, StateError
from bot.state import open_state, schema_slug
from bot.state.sqlite import SqliteState
from tests.state.conftest import drop_schema


def config(tmp_path: Path, state: dict[str, object], district: str = "Demo District") -> Config:
    return parse_config({"district": {"name": district}, "state": state}, tmp_path)


def test_sqlite_at_the_state_path_by_default(tmp_path: Path) -> None:
    chosen = config(tmp_path, {"path": "memory.sqlite"})
    assert (chosen.state_url, chosen.state_schema) == ("", "")
    store = open_state(chosen)
    try:
        assert isinstance(store, SqliteState)
        assert (tmp_path / "memory.sqlite").is_file()
    finally:
        store.close()


def test_schema_slugs() -> None:
    assert schema_slug("Demo District") == "demo_district"
    assert schema_slug("  École St.-Marie (ISD #12) ") == "ecole_st_marie_isd_12"
    assert schema_slug("***") == "rollover"
    assert len(schema_slug("x" * 100)) == 63


def test_url_variables_must_be_set_and_the_url_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ROLLOVER_NO_SUCH_VARIABLE", raising=False)
    unset = config(tmp_path, {"url": "postgresql://bot:${ROLLOVER_NO_SUCH_VARIABLE}@db/x"})
    with pytest.raises(ConfigError, match=r"\$\{ROLLOVER_NO_SUCH_VARIABLE\}"):
        open_state(unset)
    with pytest.raises(ConfigError, match=r"state\.url must be a PostgreSQL URL"):
        open_state(config(tmp_path, {"url": "mysql://bot@db/x"}))


def test_an_unreachable_server_is_a_state_error_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLLOVER_TEST_SECRET", "s3cret-pw")
    url = "postgresql://bot:${ROLLOVER_TEST_SECRET}@127.0.0.1:1/rollover?connect_timeout=5"
    with pytest.raises(StateError) as raised:
        open_state(config(tmp_path, {"url": url}))
    message = str(raised.value)
    assert "postgresql://bot:***@127.0.0.1:1/rollover" in message
    assert "s3cret-pw" not in message


def test_postgresql_in_the_district_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str, fresh_schema: str
) -> None:
    monkeypatch.setenv("ROLLOVER_TEST_STATE_URL", postgres_url)
    district = fresh_schema.replace("_", " ").upper()
    chosen = config(tmp_path, {"url": "${ROLLOVER_TEST_STATE_URL}"}, district)
    first = open_state(chosen)
    try:
        first.record_cycle("09:00", "09:01", "one")
    finally:
        first.close()
    other = f"{fresh_schema}-Other District"
    second = open_state(config(tmp_path, {"url": postgres_url, "schema": other}, district))
    try:
        assert second.cycles() == []
    finally:
        second.close()
        drop_schema(postgres_url, other)
    again = open_state(chosen)
    try:
        assert type(again).__name__ == "PostgresState"
        assert again.cycles() == [("09:00", "09:01", "one")]
    finally:
        again.close()
