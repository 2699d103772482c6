"""Progress of long work (reading a big workbook, a step over thousands of records, a roster
import): on a terminal a bar with counts, the time taken and an estimate of the time left;
elsewhere (a log, a pipe, cron, tests) a plain line at each tenth, never a flood.

A command runs inside ``session()``, which picks the display and leaves the terminal clean
however the command ends; ``serve`` logs instead (``use(Display.LOG)``). Work that cannot be
counted (openpyxl saving a file) is a ``phase``: a spinner with the time taken on a terminal,
one line when it starts elsewhere.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from types import TracebackType
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from bot.core.wording import count

log = logging.getLogger(__name__)
T = TypeVar("T")

SHOW_FROM = {"record": 50, "row": 20_000, "student": 20_000}
"""Less work than this (per unit) is over in a few seconds: no line in a log for it. On a
terminal every bar shows (it vanishes when done)."""
OTHERS_FROM = 1_000
BIG_BYTES = 2_000_000
"""An .xlsx or bundle this big takes a while to open or save (openpyxl goes cell by cell)."""


def worth_a_line(total: int, unit: str) -> bool:
    """Whether ``total`` units of work take long enough to say so in a log."""
    return total >= SHOW_FROM.get(unit, OTHERS_FROM)


def big_file(size: int) -> bool:
    """Whether a file of ``size`` bytes takes long enough to open or save to say so."""
    return size >= BIG_BYTES


class Display(StrEnum):
    AUTO = "auto"
    """A bar when stderr is a terminal, else lines."""
    BAR = "bar"
    LINES = "lines"
    """Plain lines on stderr."""
    LOG = "log"
    """Lines through ``logging`` (the service's log)."""
    OFF = "off"


class _Times(ProgressColumn):
    """``0:12, ~1:05 left``: the time taken, and the estimate of the time left when the
    work is counted."""

    def render(self, task: Task) -> Text:
        elapsed = _clock(task.finished_time if task.finished else task.elapsed)
        left = task.time_remaining if task.total else None
        estimate = f", ~{_clock(left)} left" if left is not None else ""
        return Text(f"{elapsed}{estimate}", style="progress.remaining")


def _clock(seconds: float | None) -> str:
    whole = int(seconds or 0)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class _Bars:
    """The one live display on the terminal; every bar of the moment is a row of it (rich
    allows one live display at a time)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.live: RichProgress | None = None
        self.console: Console | None = None
        self.clock: Callable[[], float] | None = None
        self.open = 0

    def add(self, label: str, total: int | None, counts: str) -> TaskID:
        with self.lock:
            if self.live is None:
                self.live = RichProgress(
                    SpinnerColumn(),
                    TextColumn("{task.description}"),
                    BarColumn(bar_width=24),
                    TextColumn("{task.fields[counts]}"),
                    _Times(),
                    console=self.console,
                    transient=True,
                    get_time=self.clock,
                )
                self.live.start()
            self.open += 1
            return self.live.add_task(label, total=total, counts=counts)

    def update(self, task: TaskID, done: int, counts: str, redraw: bool = False) -> None:
        with self.lock:
            if self.live is not None:
                self.live.update(task, completed=done, counts=counts, refresh=redraw)

    def remove(self, task: TaskID) -> None:
        with self.lock:
            if self.live is None:
                return
            self.live.remove_task(task)
            self.open -= 1
            if self.open <= 0:
                self._stop()

    def stop(self) -> None:
        with self.lock:
            self._stop()

    def _stop(self) -> None:
        if self.live is not None:
            self.live.stop()
        self.live, self.open = None, 0


_bars = _Bars()
_display = Display.LINES


def use(display: Display) -> None:
    """How progress is shown from now on (``session`` sets it back)."""
    global _display
    _display = display


def shown_as() -> Display:
    """The display in use, AUTO resolved."""
    if _display is Display.AUTO:
        stream = sys.stderr
        return Display.BAR if stream is not None and stream.isatty() else Display.LINES
    return _display


@contextmanager
def session(
    display: Display = Display.AUTO,
    console: Console | None = None,
    clock: Callable[[], float] | None = None,
) -> Iterator[None]:
    """Show progress as ``display`` says while a command runs; the bars are gone when it
    ends, even by an error. ``console`` is a rich Console to draw on (default: stderr);
    ``clock`` the seconds the estimates are made from (default: a monotonic clock)."""
    previous = _display, _bars.console, _bars.clock
    use(display)
    _bars.console, _bars.clock = console, clock
    try:
        yield
    finally:
        _bars.stop()
        use(previous[0])
        _bars.console, _bars.clock = previous[1], previous[2]


def _say(text: str, display: Display) -> None:
    if display is Display.LOG:
        log.info("%s", text)
    elif display is Display.LINES:
        print(text, file=sys.stderr, flush=True)


class Progress:
    """``total`` units of work counted as they are done: ``update(done)`` or ``advance()``.
    A bar, redrawn at each whole percent; elsewhere a line at each tenth when the work is
    ``worth_a_line``. Closed when done reaches the total, on ``close()`` or on leaving a
    ``with`` block."""

    def __init__(self, label: str, total: int, unit: str = "record") -> None:
        self.label, self.total, self.unit = label, max(total, 0), unit
        self.done = 0
        self.tenths = 0
        self.percent = 0
        display = shown_as()
        if display in (Display.LINES, Display.LOG) and not worth_a_line(self.total, unit):
            display = Display.OFF
        self.display = display if self.total else Display.OFF
        self.task = (
            _bars.add(label, self.total, self._counts()) if self.display is Display.BAR else None
        )

    def _counts(self) -> str:
        return f"{self.done:,} of {count(self.total, self.unit)}"

    def advance(self, n: int = 1) -> None:
        self.update(self.done + n)

    def update(self, done: int) -> None:
        self.done = min(done, self.total)
        if self.task is not None:
            percent = self.done * 100 // self.total
            _bars.update(self.task, self.done, self._counts(), redraw=percent > self.percent)
            self.percent = percent
        elif self.display in (Display.LINES, Display.LOG):
            tenths = self.done * 10 // self.total
            if tenths > self.tenths:
                self.tenths = tenths
                percent = self.done * 100 // self.total
                _say(f"{self.label}: {self._counts()} ({percent}%)", self.display)
        if self.done >= self.total:
            self.close()

    def track(self, items: Iterable[T], every: int = 500) -> Iterator[T]:
        """``items`` as they come, counted in steps of ``every`` (a row read costs less than
        redrawing a bar), or of a hundredth of the total when that is less."""
        step = max(1, min(every, self.total // 100))
        pending = 0
        for item in items:
            yield item
            pending += 1
            if pending >= step:
                self.advance(pending)
                pending = 0
        if pending:
            self.advance(pending)

    def close(self) -> None:
        if self.task is not None:
            _bars.remove(self.task)
            self.task = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


@contextmanager
def phase(label: str, big: bool = True) -> Iterator[None]:
    """Work that cannot be counted: a spinner with the time taken on a terminal; elsewhere
    one line as it starts, when it is ``big`` (a small file saves in a moment)."""
    display = shown_as()
    if display is Display.BAR:
        task = _bars.add(label, None, "")
        try:
            yield
        finally:
            _bars.remove(task)
        return
    if big:
        _say(f"{label}...", display)
    yield
