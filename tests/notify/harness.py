"""Each notifier behind one harness: the notifier under test, and what people see of its
messages (the console's output; the channel on the fake Slack), oldest first.

Adding a notifier is one line in ``NOTIFIERS``: its name and how to open its harness in a
temporary directory."""

from __future__ import annotations

import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.abc import Notifier
from bot.notify.console import ConsoleNotifier
from bot.notify.outbox import Outbox
from bot.notify.slack import SlackNotifier
from bot.slack.client import make_client
from bot.state.sqlite import SqliteState
from bot.testing.fake_slack import FakeSlack

CHANNEL = "rollover"
SLACK_RETRIES = 2
HEADER = re.compile(r"^\[slack\] (?P<kind>\S+)(?: to .+?)?(?: \(thread (?P<thread>.+)\))?:$")
INDENT = "    "


@dataclass(frozen=True)
class Delivered:
    """A message as people see it: its text, and the thread it is in (``""``: top level)."""

    text: str
    thread: str = ""


class NotifierHarness(ABC):
    notifier: Notifier
    foreign_thread: str
    """A thread another notifier made (what a switch to this notifier finds in the sheet)."""

    @abstractmethod
    def delivered(self) -> list[Delivered]:
        """Every message people can see, oldest first."""

    @abstractmethod
    def outage(self) -> None:
        """The outside world refuses the next message (every retry of it included); nothing
        where it cannot fail."""

    @abstractmethod
    def close(self) -> None: ...


class ConsoleHarness(NotifierHarness):
    """The console notifier printing to a buffer; people see what it printed."""

    foreign_thread = "1700000000.000100"

    def __init__(self, directory: Path) -> None:
        self.output = io.StringIO()
        self.notifier = ConsoleNotifier(self.output)

    def delivered(self) -> list[Delivered]:
        found: list[tuple[str, list[str]]] = []
        for line in self.output.getvalue().splitlines():
            header = HEADER.match(line)
            if header is not None:
                found.append((header["thread"] or "", []))
            else:
                assert found and line.startswith(INDENT), f"not a message line: {line!r}"
                found[-1][1].append(line[len(INDENT) :])
        return [Delivered("\n".join(lines), thread) for thread, lines in found]

    def outage(self) -> None:
        """The console is always there."""

    def close(self) -> None:
        self.output.close()


class SlackHarness(NotifierHarness):
    """The Slack notifier wired as the bot wires it (its outbox in a SQLite state store), on
    the fake Slack; people see the channel."""

    foreign_thread = "console-S-002-1"

    def __init__(self, directory: Path) -> None:
        self.fake = FakeSlack(channels=[CHANNEL]).start()
        self.state = SqliteState(directory / "state.sqlite")
        client = make_client(
            self.fake.bot_token, self.fake.api_url, retry_seconds=0, retries=SLACK_RETRIES
        )
        self.notifier = SlackNotifier(client, Outbox(self.state), CHANNEL, self.state)

    def delivered(self) -> list[Delivered]:
        seen: list[tuple[str, Delivered]] = []
        for parent in self.fake.messages()[CHANNEL]:
            seen.append((parent["ts"], Delivered(parent["text"])))
            seen += [(r["ts"], Delivered(r["text"], parent["ts"])) for r in parent["replies"]]
        return [message for _, message in sorted(seen, key=lambda pair: _ts_order(pair[0]))]

    def outage(self) -> None:
        self.fake.fail_next("chat.postMessage", status=503, count=SLACK_RETRIES + 1)

    def close(self) -> None:
        self.state.close()
        self.fake.stop()


def _ts_order(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros or 0)


@dataclass(frozen=True)
class Implementation:
    name: str
    open: Callable[[Path], NotifierHarness]


NOTIFIERS = [
    Implementation("console", ConsoleHarness),
    Implementation("slack", SlackHarness),
]
