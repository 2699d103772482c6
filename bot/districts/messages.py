"""The message templates of ``sheets_templates/messages/`` (one ``NAME.txt`` each): a step
names one with ``message=NAME`` and the bot shows it filled in (``bot.core.messages``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.core.messages import BUILT_IN, placeholders
from bot.errors import TemplateError
from bot.templates import templates_dir


def messages_dir() -> Path:
    return templates_dir() / "messages"


@cache
def message_templates() -> dict[str, str]:
    """Every template's text by name (the file name without ``.txt``)."""
    folder = messages_dir()
    if not folder.is_dir():
        raise TemplateError(f"the message templates are missing: no folder {folder}")
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))}


def step_placeholders() -> tuple[str, ...]:
    """The placeholders of every template that a step's Parameters fill (not the bot's
    own, such as ``{district}``)."""
    names: dict[str, None] = {}
    for text in message_templates().values():
        names.update((n, None) for n in placeholders(text) if n not in BUILT_IN)
    return tuple(names)
