"""The core imports none of the outside worlds' libraries."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.core

FORBIDDEN = {
    "gspread",
    "slack_bolt",
    "slack_sdk",
    "openpyxl",
    "sqlite3",
    "google",
    "requests",
    "sqlalchemy",
    "psycopg",
    "apscheduler",
    "holidays",
}


def test_core_modules_import_no_adapter_library() -> None:
    core = Path(bot.core.__file__).parent
    offenders = []
    for path in sorted(core.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.startswith("bot.")
                and not n.startswith(("bot.core", "bot.templates", "bot.errors"))
            ]
    assert offenders == []
    assert len(list(core.glob("*.py"))) >= 10
