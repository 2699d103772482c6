"""A service on a ManualScheduler, driven through fake time (time-machine), its console
messages stamped with the (fake) local time they were sent at."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from openpyxl import load_workbook

from bot.config import Config, load_config
from bot.notify.console import ConsoleNotifier
from bot.schedule.service import Service
from bot.structures import Message
from bot.testing.manual_scheduler import ManualScheduler
from bot.wiring import build_services

CHICAGO = ZoneInfo("America/Chicago")


class StampedNotifier(ConsoleNotifier):
    def __init__(self) -> None:
        super().__init__(quiet=True)
        self.stamped: list[tuple[datetime, Message]] = []

    def send(self, message: Message) -> str:
        self.stamped.append((datetime.now(CHICAGO), message))
        return super().send(message)

    def digest_times(self) -> dict[date, list[datetime]]:
        """Per local day, the distinct moments digests went out."""
        found: dict[date, set[datetime]] = defaultdict(set)
        for at, message in self.stamped:
            if message.kind == "digest":
                found[at.date()].add(at)
        return {day: sorted(times) for day, times in sorted(found.items())}


def configured(config: Config, extra: str) -> Config:
    """The demo district with a daily poll (so the clock, not cycles, drives the test)."""
    assert config.source is not None
    text = config.source.read_text(encoding="utf-8")
    schedule = '\n[schedule]\npoll_seconds = 86400\njitter_seconds = 0\ndigest_time = "07:30"\n'
    config.source.write_text(text + schedule + extra, encoding="utf-8")
    return load_config(str(config.source))


def add_calendar_rows(config: Config, rows: list[tuple[str, str, str]]) -> None:
    """What a coordinator types into the Calendar tab: (date, type, name)."""
    book = load_workbook(config.workbook_path)
    sheet = book["Calendar"]
    for day, kind, name in rows:
        sheet.append([day, kind, name, ""])
    book.save(config.workbook_path)


class Clocked:
    def __init__(
        self, service: Service, notifier: StampedNotifier, traveller: time_machine.Traveller
    ) -> None:
        self.service = service
        self.notifier = notifier
        self.traveller = traveller

    def run_until(self, end: datetime, step: timedelta = timedelta(hours=1)) -> None:
        """Move the clock ``step`` at a time (real elapsed time, in UTC) up to ``end``,
        letting the scheduler run what is due at each."""
        moment = datetime.now(ZoneInfo("UTC"))
        while moment < end:
            moment = min(moment + step, end.astimezone(ZoneInfo("UTC")))
            self.traveller.move_to(moment)
            run_due(self.service)


def run_due(service: Service) -> None:
    scheduler = service.scheduler
    assert isinstance(scheduler, ManualScheduler)
    scheduler.run_due()


@contextmanager
def manual_service(
    configs: list[Config], notifier: ConsoleNotifier | None = None, holder: str = ""
) -> Iterator[Service]:
    """The service on a ManualScheduler, started at the (fake) current time, first jobs run."""
    chosen = notifier or ConsoleNotifier(quiet=True)
    service = Service(
        configs,
        build=lambda c: build_services(c, chosen),
        scheduler=ManualScheduler(),
        holder=holder,
    )
    try:
        service.start()
        service.scheduler.start()
        run_due(service)
        yield service
    finally:
        service.close()


@contextmanager
def clocked(config: Config, start: datetime) -> Iterator[Clocked]:
    """The service started at ``start`` (fake time), its first jobs run."""
    notifier = StampedNotifier()
    with (
        time_machine.travel(start, tick=False) as traveller,
        manual_service([config], notifier) as service,
    ):
        yield Clocked(service, notifier, traveller)


def local(day: str, at: str = "07:30") -> datetime:
    return datetime.fromisoformat(f"{day}T{at}").replace(tzinfo=CHICAGO)
