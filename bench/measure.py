"""One measured cycle, in its own process: ``python -m bench.measure COMMAND CONFIG``.

Runs ``bot.cli.main([COMMAND, ...])`` exactly as a user would (``run --once`` or ``check``),
with the services counted: LMS calls, Slack messages (the console notifier's ``sent``), and
on Google Sheets the HTTP requests and response bytes the client saw. Prints one JSON object:
wall and CPU seconds of the command (imports excluded), and the process's peak RSS
(interpreter and imports included: the bot's whole footprint).
"""

from __future__ import annotations

import io
import json
import resource
import sys
import time
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import requests

import bot.commands.run as run_command
from bot.abc import LMS
from bot.cli import main
from bot.config import Config
from bot.notify.console import ConsoleNotifier
from bot.services import Services, build_services
from bot.structures import Operation, OpResult


@dataclass
class Counts:
    lms_calls: int = 0
    lms_executes: int = 0
    http_requests: int = 0
    response_bytes: int = 0


class CountingLMS(LMS):
    """The configured LMS, with every call counted."""

    def __init__(self, inner: LMS, counts: Counts) -> None:
        self.inner = inner
        self.counts = counts

    def execute(self, op: Operation) -> OpResult:
        self.counts.lms_calls += 1
        self.counts.lms_executes += 1
        return self.inner.execute(op)

    def records(self, system: str, kind: str) -> pd.DataFrame:
        self.counts.lms_calls += 1
        return self.inner.records(system, kind)

    def settings(self, system: str) -> dict[str, str]:
        self.counts.lms_calls += 1
        return self.inner.settings(system)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _instrument(counts: Counts, notifiers: list[ConsoleNotifier]) -> None:
    """Make the run command build counted services (a quiet console notifier)."""

    def build(config: Config, notifier: Any = None) -> Services:
        console = ConsoleNotifier(stream=io.StringIO(), quiet=True)
        notifiers.append(console)
        services = build_services(config, notifier=console)
        services.lms = CountingLMS(services.lms, counts)
        api = getattr(services.workbook, "api", None)
        session = getattr(getattr(api, "http", None), "session", None)
        if isinstance(session, requests.Session):

            def seen(response: requests.Response, *args: Any, **kwargs: Any) -> None:
                counts.http_requests += 1
                counts.response_bytes += len(response.content)

            session.hooks["response"].append(seen)
        return services

    run_command.build_services = build  # type: ignore[assignment]


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


def measure(command: str, config: str) -> dict[str, Any]:
    counts = Counts()
    notifiers: list[ConsoleNotifier] = []
    _instrument(counts, notifiers)
    argv = ["run", "--once"] if command == "run" else [command]
    output = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    with redirect_stdout(output):
        code = main([*argv, "--config", config])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "exit": code,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "peak_rss_mb": peak_rss_mb(),
        "lms_calls": counts.lms_calls,
        "lms_operations": counts.lms_executes,
        "slack_messages": sum(len(n.sent) for n in notifiers),
        "client_requests": counts.http_requests,
        "response_bytes": counts.response_bytes,
        "summary": output.getvalue().strip().splitlines()[-2:] if output.getvalue() else [],
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], sys.argv[2])), flush=True)
