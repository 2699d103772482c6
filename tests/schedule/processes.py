"""`rollover-bot serve` in subprocesses, their log lines read as events (no sleeps); a gate
that holds a process at its pause point (``[lms.faults] pause_until``) until the test lets it
go on."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]


class Served:
    """One `serve` process; ``expect`` waits for a line of its output (stdout or stderr)."""

    def __init__(self, config: Path, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def expect(self, text: str, timeout: float = 60.0) -> str:
        """The next line containing ``text`` (earlier lines are kept in ``lines``)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"{self.name}: no line with {text!r}:\n" + self.log()
                ) from None
            if line is None:
                raise AssertionError(f"{self.name} ended before {text!r}:\n" + self.log())
            self.lines.append(line)
            if text in line:
                return line

    def finish(self, timeout: float = 60.0) -> int:
        """Wait for the process to end, reading the rest of its output."""
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout)
        while not self._queue.empty():
            line = self._queue.get()
            if line is not None:
                self.lines.append(line)
        return code

    def log(self) -> str:
        return "\n".join(self.lines)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.finish()


class Gate:
    """A FIFO a process reads at its pause point (``[lms.faults] pause_at_call`` and
    ``pause_until``): opening it for writing returns once the process is there."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.writer: IO[str] | None = None

    def wait_paused(self, process: subprocess.Popen[str], timeout: float = 120) -> None:
        """Return once ``process`` is paused (it opened the FIFO), holding what it holds."""
        opened: list[IO[str]] = []
        opener = threading.Thread(
            target=lambda: opened.append(self.path.open("w", encoding="utf-8")), daemon=True
        )
        opener.start()
        waited = 0.0
        while not opened and waited < timeout and process.poll() is None:
            opener.join(1.0)
            waited += 1.0
        if not opened:
            ended = process.poll()
            process.kill()
            os.close(os.open(self.path, os.O_RDONLY | os.O_NONBLOCK))
            opener.join()
            how = f"ended with {ended}" if ended is not None else f"after {timeout:g} s"
            raise AssertionError(f"process {process.pid} never reached its pause point ({how})")
        self.writer = opened[0]

    def release(self) -> None:
        """Let the paused process go on."""
        assert self.writer is not None
        self.writer.write("go on\n")
        self.writer.close()
