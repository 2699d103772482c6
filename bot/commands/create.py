"""`demo` and `init`: a directory holding a workbook, a config file and the bot's state."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from bot.actions import registry
from bot.config import render_config
from bot.demo import ADMIN, COORDINATOR, build_district
from bot.errors import ConfigError
from bot.lms.mock import MockLMS
from bot.playbooks import load_playbook
from bot.structures import ROW
from bot.templates import load_template
from bot.workbook.base import frame_from_grid
from bot.workbook.xlsx_layout import create_workbook

MADE_FILES = ("rollover.xlsx", "config.toml", "state.sqlite", "lms.sqlite")


def prepare_dir(directory: Path, force: bool) -> None:
    """Create ``directory``; refuse to overwrite an earlier one unless ``force``."""
    existing = [n for n in MADE_FILES if (directory / n).exists()]
    if existing and not force:
        raise ConfigError(
            f"{directory} already holds {', '.join(existing)}; use --force to start over"
        )
    directory.mkdir(parents=True, exist_ok=True)
    for name in MADE_FILES:
        for path in directory.glob(name + "*"):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def action_names() -> list[str]:
    return sorted({spec.name for spec in registry().catalogue})


def make_demo(directory: Path, students: int, force: bool, today: date) -> Path:
    """The demo directory: sample district workbook, config, and the mock LMS seeded from it."""
    prepare_dir(directory, force)
    template = load_template()
    district = build_district(students=students, today=today)
    create_workbook(directory / "rollover.xlsx", template, district.tabs, action_names())
    config_path = directory / "config.toml"
    config_path.write_text(render_config(district.name, [ADMIN, COORDINATOR]), encoding="utf-8")
    lms = MockLMS(directory / "lms.sqlite")
    try:
        frames = {}
        for tab in template.roster_tabs:
            rows = district.tabs.get(tab.name, [])
            grid = [tab.headers, *([r.get(h, "") for h in tab.headers] for r in rows)]
            frames[tab.name] = frame_from_grid(tab, grid).drop(columns=[ROW])
        lms.seed("Edgenuity", frames)
    finally:
        lms.close()
    return config_path


def make_empty(directory: Path, district: str, force: bool, today: date) -> Path:
    """A directory for a real district: the playbook's checklist, empty roster tabs."""
    prepare_dir(directory, force)
    template = load_template()
    rollover = today + timedelta(days=30)
    tabs = {"Checklist": load_playbook("edgenuity-mid-year", rollover)}
    create_workbook(directory / "rollover.xlsx", template, tabs, action_names())
    config_path = directory / "config.toml"
    config_path.write_text(render_config(district, []), encoding="utf-8")
    return config_path
