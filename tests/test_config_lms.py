"""``[lms]``: the in-process model by default; the systems' APIs when ``endpoint`` is set,
with the token from ROLLOVER_LMS_TOKEN; Schoology beside them unless ``[lms.schoology]``
says where it is. Bad values are refused naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import parse_config
from bot.config.schoology import DEFAULT_ENDPOINT
from bot.errors import ConfigError
from bot.lms import open_lms
from bot.lms.http import HttpLMS
from bot.lms.mock import MockLMS

ROOT = Path(__file__).resolve().parents[1]


def test_by_default_the_in_process_model(tmp_path: Path) -> None:
    config = parse_config({"lms": {"path": "lms.sqlite"}}, tmp_path)
    assert (config.lms_backend, config.lms_endpoint) == ("mock", "")
    assert config.schoology.endpoint == DEFAULT_ENDPOINT
    lms = open_lms(config)
    try:
        assert isinstance(lms, MockLMS)
    finally:
        lms.close()


def test_an_endpoint_switches_to_the_apis_schoology_beside_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = parse_config(
        {"lms": {"backend": "mock", "endpoint": "http://127.0.0.1:8800/"}}, tmp_path
    )
    assert (config.lms_backend, config.lms_endpoint) == ("http", "http://127.0.0.1:8800")
    assert config.schoology.endpoint == "http://127.0.0.1:8800/schoology"
    monkeypatch.setenv("ROLLOVER_LMS_TOKEN", "t0ken")
    lms = open_lms(config)
    try:
        assert isinstance(lms, HttpLMS)
        assert "t0ken" not in repr(lms.config)
    finally:
        lms.close()


def test_schoologys_own_endpoint_wins() -> None:
    config = parse_config(
        {
            "lms": {
                "endpoint": "https://lms.example.org",
                "schoology": {"endpoint": "https://api.schoology.com"},
            }
        },
        ROOT,
    )
    assert config.schoology.endpoint == "https://api.schoology.com"


def test_no_token_is_refused_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ROLLOVER_LMS_TOKEN", raising=False)
    config = parse_config({"lms": {"endpoint": "https://lms.example.org"}}, tmp_path)
    with pytest.raises(ConfigError) as refused:
        open_lms(config)
    assert str(refused.value) == (
        "ROLLOVER_LMS_TOKEN is not set: [lms] endpoint is https://lms.example.org, and its "
        "APIs need the bot's API token in ROLLOVER_LMS_TOKEN (never in the config)"
    )


def test_the_http_backend_without_an_endpoint_reaches_only_schoology(tmp_path: Path) -> None:
    config = parse_config({"lms": {"backend": "http"}}, tmp_path)
    lms = open_lms(config)
    try:
        with pytest.raises(ConfigError, match=r"Edgenuity is reached over its API, but \[lms\]"):
            lms.records("Edgenuity", "students")
    finally:
        lms.close()


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ({"endpoint": 8800}, "lms.endpoint must be a URL in quotes, not 8800"),
        (
            {"endpoint": "lms.example.org"},
            "lms.endpoint = 'lms.example.org' is not a web address: give the LMS APIs' "
            "address, e.g. 'http://127.0.0.1:8800' (leave it out to use the in-process LMS "
            "model)",
        ),
        (
            {"endpoint": "https://lms.example.org/?x=1"},
            "lms.endpoint = 'https://lms.example.org/?x=1': give the address without ? or #",
        ),
        ({"backend": "soap"}, "lms.backend = 'soap': expected one of mock, http"),
        ({"endpont": "x"}, "[lms] endpont is not a setting; did you mean endpoint?"),
    ],
)
def test_bad_values_are_refused_naming_the_key(table: dict[str, object], said: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config({"lms": table}, ROOT)
    assert str(refused.value) == said
