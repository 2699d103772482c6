"""The demo's "Next, try" hints, followed as a user would, for the default demo and every
playbook: each command works (the one said to be refused is refused), each approval names a
step that is awaiting it, and no hint sends a person's step (Action manual) to approval."""

from __future__ import annotations

import shlex
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.cli import main
from bot.config import load_config
from bot.districts.playbooks import playbook_names
from tests.integration.test_whole_loop import checklist

DAY = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("America/Chicago"))


def hints(out: str) -> list[tuple[list[str], str]]:
    """Each hinted command (its arguments after ``rollover-bot``) and its comment."""
    found = []
    for line in out.split("Next, try:")[1].strip().splitlines():
        command, _, comment = line.strip().partition("  (")
        words = shlex.split(command)
        assert words[0] == "rollover-bot", line
        found.append((words[1:], comment.strip()))
    return found


@pytest.mark.parametrize("playbook", ["", *playbook_names()])
def test_the_demo_hints_work_when_followed(
    playbook: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "demo"
    chosen = ["--playbook", playbook] if playbook else []
    with time_machine.travel(DAY):
        assert main(["demo", "--dir", str(directory), "--students", "60", *chosen]) == 0
        said = hints(capsys.readouterr().out)
        config = load_config(str(directory / "config.toml"))
        for args, comment in said:
            if args[0] == "serve":
                continue
            steps = checklist(config)
            if args[0] == "approve":
                step = steps[args[1]]
                assert step["Action"] != "manual", (args, comment)
                assert step["Status"].startswith(("Awaiting approval", "Scheduled")), (args, step)
            expected = 3 if comment.startswith("refused") else 0
            assert main(args) == expected, (args, comment, capsys.readouterr())
            out = capsys.readouterr().out
            if args[0] == "approve" and expected == 0:
                assert out.startswith(f"Approved {args[1]}"), out
