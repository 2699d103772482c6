"""The interfaces say what callers need: nothing in ``bot/`` asks a notifier or an LMS what it
really is (``isinstance`` against an implementation, ``getattr`` of a method the interface
lacks)."""

from __future__ import annotations

import ast
from pathlib import Path

import bot
from bot.notify.base import BaseNotifier
from bot.notify.console import ConsoleNotifier
from bot.structures import Message

ROOT = Path(bot.__file__).parent
IMPLEMENTATIONS = {"SlackNotifier", "ConsoleNotifier", "MockLMS"}
METHODS = {"send", "flush", "close", "mention", "gone", "lost", "link", "listens"}


def downcasts(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        args = node.args
        if node.func.id == "isinstance" and len(args) == 2:
            names = {n.id for n in ast.walk(args[1]) if isinstance(n, ast.Name)}
            if names & IMPLEMENTATIONS:
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: isinstance")
        if node.func.id in ("getattr", "hasattr") and len(args) >= 2:
            name = args[1]
            if isinstance(name, ast.Constant) and name.value in METHODS:
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: {name.value!r}")
    return found


def test_no_module_of_bot_downcasts_a_notifier_or_an_lms() -> None:
    found = [d for path in sorted(ROOT.rglob("*.py")) for d in downcasts(path)]
    assert found == []


class Quiet(BaseNotifier):
    """A notifier that only sends: everything else is the base's default."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> str:
        self.sent.append(message)
        return ""


def test_a_notifier_that_only_sends_has_every_default() -> None:
    quiet = Quiet()
    assert quiet.listens is False
    assert quiet.flush() == 0
    assert quiet.mention("it@district.example.org") == "it@district.example.org"
    quiet.gone("1700000000.000100")
    assert quiet.lost("1700000000.000100") is False
    quiet.close()
    assert quiet.sent == []
    assert ConsoleNotifier(quiet=True).listens is False
