"""What a notifier does unless it says otherwise: no outbox, no listeners for replies, no
directory of people (the console)."""

from __future__ import annotations

from bot.abc import Notifier


class BaseNotifier(Notifier):
    listens = False

    def flush(self) -> int:
        """Nothing is kept to send later."""
        return 0

    def close(self) -> None:
        """Nothing is held open."""

    def mention(self, who: str) -> str:
        """``who`` as given."""
        return who

    def gone(self, thread: str) -> None:
        """Nothing to remember: no thread is ``lost``."""
