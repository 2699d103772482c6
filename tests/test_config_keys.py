"""A misspelled config key is refused, naming the section, the key and the nearest known key;
config.example.toml and the older spellings the bot still reads load without one."""

from __future__ import annotations

import copy
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_configs, parse_config
from bot.config.keys import KEYS
from bot.errors import ConfigError
from bot.lms.mock.faults import Faults

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))

# section -> (a misspelled key, the key it misspells)
TYPOS = {
    "district": ("timzone", "timezone"),
    "workbook": ("spreadsheet", "spreadsheet_id"),
    "lms": ("fault", "faults"),
    "state": ("schemas", "schema"),
    "approvals": ("admin", "admins"),
    "safety": ("max_change_pct", "max_change_percent"),
    "slack": ("chanel", "channel"),
    "schedule": ("poll_second", "poll_seconds"),
    "calendar": ("quiet_hour", "quiet_hours"),
}


def _load(tmp_path: Path, text: str) -> list[object]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return list(load_configs(str(path)))


def test_the_example_config_loads_and_lists_every_section() -> None:
    assert set(EXAMPLE) == set(TYPOS)
    for section in ("district", "workbook", "lms", "state", "approvals", "safety"):
        assert set(EXAMPLE[section]) == set(KEYS[section]) - {"faults", "schoology"}, section
    parse_config(EXAMPLE, ROOT)
    commented = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for key in (*KEYS["lms.faults"], *KEYS["lms.schoology"]):
        assert f"# {key} = " in commented, key
    assert "# [lms.schoology]" in commented


@pytest.mark.parametrize("section", sorted(TYPOS))
def test_a_typo_in_each_section_names_the_nearest_key(section: str) -> None:
    typo, meant = TYPOS[section]
    data = copy.deepcopy(EXAMPLE)
    data[section][typo] = 10
    with pytest.raises(ConfigError) as raised:
        parse_config(data, ROOT)
    assert str(raised.value) == f"[{section}] {typo} is not a setting; did you mean {meant}?"


def test_a_typo_in_lms_faults() -> None:
    data = copy.deepcopy(EXAMPLE)
    data["lms"]["faults"] = {"error_rat": 0.1}
    with pytest.raises(
        ConfigError,
        match=r"^\[lms\.faults\] error_rat is not a setting; did you mean error_rate\?$",
    ):
        parse_config(data, ROOT)


def test_lms_faults_keys_are_the_fault_settings() -> None:
    counters = {"calls", "injected"}
    settings = {f.name for f in fields(Faults) if not f.name.startswith("_")} - counters
    assert set(KEYS["lms.faults"]) == settings


def test_a_typo_in_a_section_name_and_a_key_with_nothing_near() -> None:
    with pytest.raises(ConfigError, match=r"^\[slak\] is not a section; did you mean \[slack\]\?$"):
        parse_config({"slak": {"channel": "x"}}, ROOT)
    with pytest.raises(ConfigError) as raised:
        parse_config({"safety": {"colour": "red", "max_change_pct": 5}}, ROOT)
    assert str(raised.value).splitlines() == [
        "[safety] colour is not a setting (known settings: max_change_percent)",
        "[safety] max_change_pct is not a setting; did you mean max_change_percent?",
    ]


def test_a_typo_in_a_districts_entry(tmp_path: Path) -> None:
    entry = '[[districts]]\nname = "North ISD"\ntimezon = "America/Chicago"\n'
    with pytest.raises(
        ConfigError,
        match=r"^\[\[districts\]\] North ISD: timezon is not a setting; did you mean timezone\?$",
    ):
        _load(tmp_path, entry)
    nested = '[[districts]]\nname = "North ISD"\nslack = { chanel = "north" }\n'
    with pytest.raises(
        ConfigError,
        match=r"^district 'North ISD': \[slack\] chanel is not a setting; did you mean channel\?$",
    ):
        _load(tmp_path, nested)


def test_older_spellings_are_still_read(tmp_path: Path) -> None:
    configs = _load(
        tmp_path,
        '[notifier]\nbackend = "console"\n\n[slack]\npoll_seconds = 30\ndigest_time = "08:00"\n',
    )
    assert len(configs) == 1


def test_the_cli_refuses_a_typo_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[safety]\nmax_change_pct = 10\n", encoding="utf-8")
    assert main(["status", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "[safety] max_change_pct is not a setting; did you mean max_change_percent?" in err
