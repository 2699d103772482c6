"""Measured cycles, in one process: ``python -m bench.measure CONFIG STEP [STEP ...]``.

Steps, in order:

* ``run`` / ``check``: one cycle, ``bot.cli.main(["run", "--once"])`` or ``["check"]`` exactly
  as a user runs it, measured;
* ``approve:STEP:EMAIL``: an admin approves the plan STEP awaits (not measured);
* ``restore:FILE``: the Checklist rows in FILE (JSON) are written back into the Google Sheet,
  as staff editing the steps would (not measured).

Every cycle gets fresh services except the workbook, which is built once and shared, as
``rollover-bot serve`` keeps it between polls: the first cycle is a cold start, later ones
the steady state. Per cycle: wall and CPU seconds of the command (imports excluded), the HTTP
requests the bot's Sheets client made (method, path, request and response bytes), LMS calls,
the state store's durable commits (``CommitCounter``), Slack messages (the console
notifier's ``sent``) and the command's last lines. Then the process's peak RSS (interpreter
and imports included: the bot's whole footprint). Prints one JSON object.
"""

from __future__ import annotations

import io
import json
import resource
import sqlite3
import sys
import time
from collections.abc import Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import requests

import bot.commands.run as run_command
from bench.prepare import reset_checklist
from bot.abc import LMS, Workbook
from bot.cli import main
from bot.config import Config
from bot.errors import LMSError
from bot.notify.console import ConsoleNotifier
from bot.services import Services
from bot.structures import Operation, OpResult
from bot.templates import load_template
from bot.wiring import build_services
from bot.workbook.gsheets import GSheetsWorkbook


@dataclass
class Counts:
    """What one cycle did through the services."""

    lms_calls: int = 0
    lms_executes: int = 0
    state_commits: int = 0
    http: list[tuple[str, str, int, int]] = field(default_factory=list)
    notifiers: list[ConsoleNotifier] = field(default_factory=list)


class CountingLMS(LMS):
    """The configured LMS, with every call counted."""

    def __init__(self, inner: LMS, counts: Counts) -> None:
        self.inner = inner
        self.counts = counts

    def execute(self, op: Operation) -> OpResult:
        self.counts.lms_calls += 1
        self.counts.lms_executes += 1
        return self.inner.execute(op)

    def bulk_size(self, system: str) -> int:
        return self.inner.bulk_size(system)

    def execute_many(self, ops: Sequence[Operation]) -> list[OpResult | LMSError]:
        self.counts.lms_calls += 1
        self.counts.lms_executes += len(ops)
        return self.inner.execute_many(ops)

    def records(self, system: str, kind: str) -> pd.DataFrame:
        self.counts.lms_calls += 1
        return self.inner.records(system, kind)

    def settings(self, system: str) -> dict[str, str]:
        self.counts.lms_calls += 1
        return self.inner.settings(system)

    def close(self) -> None:
        """Kept open: shared by every cycle of the process, as `serve` keeps its services."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class Instrumented:
    """Makes the run command build counted services around one shared workbook and LMS
    connection, as `serve` keeps them from cycle to cycle."""

    def __init__(self) -> None:
        self.counts = Counts()
        self.workbook: Workbook | None = None
        self.lms: LMS | None = None

    def install(self) -> None:
        run_command.build_services = self.build

    def build(self, config: Config, notifier: Any = None) -> Services:
        console = ConsoleNotifier(stream=io.StringIO(), quiet=True)
        self.counts.notifiers.append(console)
        services = build_services(config, notifier=console)
        if self.lms is None:
            self.lms = services.lms
        else:
            close = getattr(services.lms, "close", None)
            if close is not None:
                close()
        services.lms = CountingLMS(self.lms, self.counts)
        CommitCounter(self.counts).watch(services.state)
        if self.workbook is None:
            self.workbook = services.workbook
            self._hook(services.workbook)
        services.workbook = self.workbook
        return services

    def _hook(self, workbook: Workbook) -> None:
        session = getattr(getattr(getattr(workbook, "api", None), "http", None), "session", None)
        if not isinstance(session, requests.Session):
            return

        def seen(response: requests.Response, *args: Any, **kwargs: Any) -> None:
            sent = response.request
            body = sent.body if isinstance(sent.body, bytes | str) else b""
            self.counts.http.append(
                (
                    str(sent.method),
                    urlsplit(str(sent.url)).path,
                    len(body),
                    len(response.content),
                )
            )

        session.hooks["response"].append(seen)


class CommitCounter:
    """Counts the state store's durable commits: transactions that wrote, and statements
    that wrote outside a transaction (SQLite commits each on its own). With
    ``synchronous=FULL`` each is one sync of the WAL to disk. Read through sqlite3's trace
    callback on the store's connection (SQLite only; other stores are not counted)."""

    READS = frozenset({"SELECT", "PRAGMA", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT"})

    def __init__(self, counts: Counts) -> None:
        self.counts = counts
        self.open = False
        self.wrote = False

    def watch(self, state: object) -> None:
        conn = getattr(state, "conn", None)
        driver = getattr(getattr(conn, "connection", None), "driver_connection", None)
        if isinstance(driver, sqlite3.Connection):
            driver.set_trace_callback(self.seen)

    def seen(self, sql: str) -> None:
        words = sql.split(None, 1)
        head = words[0].upper() if words else ""
        if head == "BEGIN":
            self.open, self.wrote = True, False
        elif head in ("COMMIT", "END"):
            self.counts.state_commits += int(self.wrote)
            self.open = self.wrote = False
        elif head == "ROLLBACK":
            self.open = self.wrote = False
        elif head not in self.READS:
            if self.open:
                self.wrote = True
            else:
                self.counts.state_commits += 1


def peak_rss_mb() -> float:
    """This process's peak RSS in MB: VmHWM, which starts afresh at exec. (``ru_maxrss`` of a
    child keeps the parent's size at fork, so it would count the bench and its fake server.)"""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cycle(tool: Instrumented, command: str, config: str) -> dict[str, Any]:
    tool.counts = Counts()
    argv = ["run", "--once"] if command == "run" else [command]
    output = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    with redirect_stdout(output):
        code = main([*argv, "--config", config])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    counts, tool.counts = tool.counts, Counts()
    return {
        "command": command,
        "exit": code,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "requests": counts.http,
        "response_bytes": sum(r[3] for r in counts.http),
        "lms_calls": counts.lms_calls,
        "lms_operations": counts.lms_executes,
        "state_commits": counts.state_commits,
        "slack_messages": sum(len(n.sent) for n in counts.notifiers),
        "summary": output.getvalue().strip().splitlines()[-2:] if output.getvalue() else [],
    }


def restore(tool: Instrumented, rows_file: str) -> None:
    """The Checklist as the case started, written through the bot's own API client."""
    workbook = tool.workbook
    if not isinstance(workbook, GSheetsWorkbook):
        raise SystemExit("restore: only the Google Sheets backend")
    rows = json.loads(Path(rows_file).read_text(encoding="utf-8"))
    reset_checklist(workbook.api, load_template(), rows)


def measure(config: str, steps: list[str]) -> dict[str, Any]:
    tool = Instrumented()
    tool.install()
    cycles: list[dict[str, Any]] = []
    for step in steps:
        name, _, rest = step.partition(":")
        if name in ("run", "check"):
            cycles.append(cycle(tool, name, config))
        elif name == "approve":
            target, _, who = rest.partition(":")
            with redirect_stdout(io.StringIO()):
                main(["approve", target, "--as", who, "--config", config])
        elif name == "restore":
            restore(tool, rest)
        else:
            raise SystemExit(f"unknown step {step!r}")
    return {"cycles": cycles, "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], sys.argv[2:])), flush=True)
