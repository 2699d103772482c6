"""``[lms.schoology]``: where Schoology's API is and how requests are signed; every key
optional, a bad value refused naming the key and what to give instead."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.config.schoology import DEFAULT_ENDPOINT, SchoologyConfig
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def schoology(table: dict[str, object]) -> SchoologyConfig:
    return parse_config({"lms": {"schoology": table}}, ROOT).schoology


def test_by_default_schoologys_own_host_and_hmac_sha1() -> None:
    assert parse_config({}, ROOT).schoology == SchoologyConfig(DEFAULT_ENDPOINT, "HMAC-SHA1")
    assert DEFAULT_ENDPOINT == "https://api.schoology.com"


def test_the_example_configs_commented_section_reads() -> None:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    start = text.index("# [lms.schoology]")
    lines = text[start:].splitlines()[:3]
    block = "\n".join(line.removeprefix("# ") for line in lines)
    data = tomllib.loads(block)
    assert parse_config(data, ROOT).schoology == SchoologyConfig()


def test_a_local_fake_and_plaintext_over_https() -> None:
    local = schoology({"endpoint": "http://127.0.0.1:8801/", "signature_method": "PLAINTEXT"})
    assert local == SchoologyConfig("http://127.0.0.1:8801", "PLAINTEXT")
    proxy = schoology({"endpoint": "https://proxy.example.org/schoology"})
    assert proxy.endpoint == "https://proxy.example.org/schoology"


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ({"endpoint": 8801}, "lms.schoology.endpoint must be a URL in quotes, not 8801"),
        (
            {"endpoint": "api.schoology.com"},
            "lms.schoology.endpoint = 'api.schoology.com' is not a web address: give the API's "
            "root, e.g. 'https://api.schoology.com'",
        ),
        (
            {"endpoint": "https://api.schoology.com/v1/"},
            "lms.schoology.endpoint = 'https://api.schoology.com/v1': leave out /v1 (the bot "
            "adds /v1/... to each request), e.g. 'https://api.schoology.com'",
        ),
        (
            {"signature_method": "RSA-SHA1"},
            "lms.schoology.signature_method = 'RSA-SHA1': expected HMAC-SHA1 or PLAINTEXT",
        ),
        (
            {"endpoint": "http://schoology.example.org", "signature_method": "PLAINTEXT"},
            "lms.schoology.signature_method = 'PLAINTEXT' sends the consumer secret itself: use "
            "it only over https (lms.schoology.endpoint is 'http://schoology.example.org'), or "
            "use HMAC-SHA1",
        ),
        (
            {"endpont": "https://api.schoology.com"},
            "[lms.schoology] endpont is not a setting; did you mean endpoint?",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_the_key(table: dict[str, object], said: str) -> None:
    with pytest.raises(ConfigError) as raised:
        schoology(table)
    assert str(raised.value) == said


def test_the_section_must_be_a_table() -> None:
    with pytest.raises(ConfigError, match=r"^\[lms\.schoology\] must be a table$"):
        parse_config({"lms": {"schoology": "https://api.schoology.com"}}, ROOT)
