"""The benchmark (issue #9): ``python bench/run.py [--students N ...]``; ``--lms``: the LMS
over HTTP (issue 16, ``bench.lms``).

Prints one JSON object per line (setup lines, one line per size, backend and case, and the
naive baseline's lines beside the bot's), then one PASS/FAIL line per budget. The budgets are
the Google Sheets backend's (here the local fake); xlsx lines are figures only, and its plan
and archive cases stop at 10,000 students unless ``--xlsx-all``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cases import BACKENDS, CASES, XLSX_WRITE_LIMIT, Bench
from bench.lms import LATENCY_MS, lms_budgets, lms_size
from bot.testing.fake_sheets import FakeSheetsServer

BUDGET_SIZE = 100_000
MAX_REQUESTS = 3
NOOP_SECONDS = 5.0
PLAN_SECONDS = 10.0
MAX_RSS_MB = 2048.0
MAX_GROWTH = 12.0
GROWTH_FROM = 10_000
BUDGETED = ("gsheets-fake",)


def budgets(lines: list[dict[str, Any]]) -> list[str]:
    """PASS/FAIL per budget, at 100,000 students (or the largest size run, said so)."""
    cycles = [
        line
        for line in lines
        if line.get("backend") in BUDGETED and "baseline" not in line and "skipped" not in line
    ]
    if not cycles:
        return []
    size = (
        BUDGET_SIZE
        if any(c["size"] == BUDGET_SIZE for c in cycles)
        else max(c["size"] for c in cycles)
    )
    note = "" if size == BUDGET_SIZE else f" (budgets are set at {BUDGET_SIZE:,}; ran {size:,})"
    at = [c for c in cycles if c["size"] == size]
    out: list[str] = []

    def check(ok: bool, text: str) -> None:
        out.append(f"{'PASS' if ok else 'FAIL'}  {text}{note}")

    naive = {
        (n["backend"], n["case"]): n
        for n in lines
        if n.get("baseline") == "naive-records" and n["size"] == size
    }
    for c in at:
        if "sheets_requests" in c:
            beside = naive.get((c["backend"], c["case"]))
            extra = (
                f"; naive: {beside['requests']:,} requests ({beside['requests_ratio_vs_bot']}x), "
                f"{beside['wall_s']:.1f} s ({beside['time_ratio_vs_bot']}x)"
                if beside
                else ""
            )
            first = c.get("first_cycle")
            cold = (
                f"; first cycle of the process ({first['command']}): {first['sheets_requests']} "
                f"({_kinds(first)})"
                if first
                else ""
            )
            check(
                c["sheets_requests"] <= MAX_REQUESTS,
                f"{c['backend']} {c['case']}: {c['sheets_requests']} Sheets requests per steady "
                f"cycle <= {MAX_REQUESTS} ({_kinds(c)}){cold}{extra}",
            )
    for c in at:
        first = c.get("first_cycle") or {}
        same = first.get("command") == ("run" if c["case"] == "noop" else "check")
        cold = f" (first cycle of the process {first['wall_s']:.2f} s)" if first and same else ""
        if c["case"] == "noop":
            check(
                c["wall_s"] < NOOP_SECONDS and (not cold or first["wall_s"] < NOOP_SECONDS),
                f"{c['backend']} no-op cycle {c['wall_s']:.2f} s < 5 s{cold}",
            )
        if c["case"] == "plan":
            check(
                c["wall_s"] < PLAN_SECONDS and (not cold or first["wall_s"] < PLAN_SECONDS),
                f"{c['backend']} validate+plan {c['wall_s']:.2f} s < 10 s{cold}",
            )
    for c in at:
        check(
            c["peak_rss_mb"] < MAX_RSS_MB,
            f"{c['backend']} {c['case']}: peak RSS {c['peak_rss_mb']:.0f} MB < 2048 MB",
        )
    small = {(c["backend"], c["case"]): c for c in cycles if c["size"] == GROWTH_FROM}
    for c in at:
        before = small.get((c["backend"], c["case"]))
        if before is None or size <= GROWTH_FROM:
            continue
        growth = c["wall_s"] / max(before["wall_s"], 1e-9)
        check(
            growth <= MAX_GROWTH,
            f"{c['backend']} {c['case']}: time {GROWTH_FROM:,} -> {size:,} students grew "
            f"{growth:.1f}x <= {MAX_GROWTH:g}x ({before['wall_s']:.2f} s -> {c['wall_s']:.2f} s)",
        )
    return out


def _kinds(cycle: dict[str, Any]) -> str:
    return ", ".join(f"{n} {k}" for k, n in cycle["sheets_requests_by_kind"].items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--students",
        type=int,
        nargs="+",
        metavar="N",
        help="sizes (default 1000 10000; with --lms, 10000)",
    )
    parser.add_argument(
        "--lms",
        action="store_true",
        help="the archive of 10,000 records over the fake LMS APIs, against the naive way",
    )
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=LATENCY_MS,
        metavar="MS",
        help=f"with --lms: the fake LMS's latency per answer (default {LATENCY_MS})",
    )
    parser.add_argument(
        "--backend", choices=BACKENDS, action="append", help="only these backends (default both)"
    )
    parser.add_argument(
        "--case", choices=CASES, action="append", help="only these cases (default all)"
    )
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    parser.add_argument(
        "--xlsx-all",
        action="store_true",
        help=f"run the xlsx plan and archive cases above {XLSX_WRITE_LIMIT:,} students too",
    )
    parser.add_argument("--work", type=Path, help="keep the districts in this directory")
    args = parser.parse_args(argv)
    if args.latency_ms < 0:
        parser.error("--latency-ms must not be negative")
    if args.students and min(args.students) < 1:
        parser.error("--students: give sizes of at least 1 student")
    if args.lms:
        return _lms(args.students or [10_000], args.latency_ms, not args.no_naive, args.work)
    sizes = args.students or [1000, 10000]
    backends = tuple(args.backend or BACKENDS)
    lines: list[dict[str, Any]] = []

    def emit(line: dict[str, Any]) -> None:
        lines.append(line)
        print(json.dumps(line), flush=True)

    today = datetime.now(ZoneInfo("America/Chicago")).date()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rollover-bench-") as scratch:
        work = args.work or Path(scratch)
        fake = FakeSheetsServer() if "gsheets-fake" in backends else None
        if fake is not None:
            fake.start()
        try:
            bench = Bench(
                work,
                today,
                emit,
                fake,
                not args.no_naive,
                tuple(args.case or CASES),
                None if args.xlsx_all else XLSX_WRITE_LIMIT,
            )
            for students in sizes:
                bench.size(students, backends)
                if fake is not None:
                    fake.wipe()
        finally:
            if fake is not None:
                fake.stop()
    return _verdicts(budgets(lines), started)


def _lms(sizes: list[int], latency_ms: int, naive: bool, keep: Path | None) -> int:
    """The LMS over HTTP, per size; then its budgets."""
    lines: list[dict[str, Any]] = []

    def emit(line: dict[str, Any]) -> None:
        lines.append(line)
        print(json.dumps(line), flush=True)

    today = datetime.now(ZoneInfo("America/Chicago")).date()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rollover-bench-lms-") as scratch:
        for students in sizes:
            lms_size(keep or Path(scratch), today, students, emit, latency_ms, naive)
    return _verdicts(lms_budgets(lines), started)


def _verdicts(verdicts: list[str], started: float) -> int:
    for verdict in verdicts:
        print(verdict, flush=True)
    print(f"bench finished in {time.perf_counter() - started:.0f} s", flush=True)
    return 0 if all(v.startswith("PASS") for v in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
