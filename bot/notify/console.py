"""The console notifier: prints the Slack messages the bot would send, and keeps them."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.notify.base import BaseNotifier
from bot.structures import Message


class ConsoleNotifier(BaseNotifier):
    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        """``stream`` defaults to stdout as it is when a message is sent (a progress bar
        on the terminal then draws the message above itself)."""
        self._stream = stream
        self.quiet = quiet
        self.sent: list[Message] = []

    def send(self, message: Message) -> str:
        self.sent.append(message)
        thread = message.thread or f"console-{message.step_id or 'bot'}-{len(self.sent)}"
        if not self.quiet:
            stream = self._stream or sys.stdout
            where = f" (thread {message.thread})" if message.thread else ""
            to = f" to {', '.join(message.recipients)}" if message.recipients else ""
            print(f"[slack] {message.kind}{to}{where}:", file=stream)
            for line in message.text.splitlines():
                print(f"    {line}", file=stream)
        return thread
