"""A message with Block Kit layout, its own channel and delivery key (digests, escalations)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.structures import Message


@dataclass(frozen=True)
class RichMessage(Message):
    """``text`` stays the plain fallback (console, notifications); ``blocks`` is the layout.

    ``channel`` overrides the notifier's channel; ``key`` names the message for the outbox
    (the same key is delivered once: e.g. one digest per owner per day)."""

    blocks: tuple[dict[str, Any], ...] = ()
    channel: str = ""
    key: str = ""
