"""The benchmark's cases, per district size and backend: set up (timed apart), then the
measured cycles in their own process, then the naive baseline against the same sheet.

* ``noop``: ``run --once`` with nothing ticked.
* ``plan``: ``check`` of S-018, an archive whose scope selects half the students.
* ``archive``: ``run --once`` of S-019, archiving 10,000 students (every student below
  10,000), approved first (``check``, then an admin approves).

On Google Sheets one process runs a warm-up cycle, then the measured (steady) ones, sharing
the workbook as ``rollover-bot serve`` does between polls: ``noop`` runs again; ``plan``
checks, has its Checklist rows put back as they were (staff editing the step), and checks
again; ``archive`` checks (the approval request), is approved, then runs. ``noop`` and
``plan`` measure three steady cycles (``steady_wall_s``): the figures are the median one's,
the request count the largest; ``first_cycle`` holds the warm-up's, a cold start. On xlsx
there is nothing to keep between cycles, so the measured cycle runs alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.district import ADMIN, ARCHIVE_STEP, District, archive_count, build, with_case
from bench.prepare import case_dir, push_district, reset_checklist, seed_lms, write_workbook
from bot.config import load_config
from bot.steps.approve import decide
from bot.templates import WorkbookTemplate, load_template
from bot.testing.fake_sheets import FakeSheetsServer
from bot.wiring import build_services
from bot.workbook.gsheets import open_api

ROOT = Path(__file__).resolve().parent.parent
CASES = ("noop", "plan", "archive")
COMMANDS = {"noop": "run", "plan": "check", "archive": "run"}
BACKENDS = ("gsheets-fake", "xlsx")
CHILD_TIMEOUT = 900
XLSX_WRITE_LIMIT = 10_000
STEADY_REPEATS = 3
QUOTA_PER_MINUTE = 60
Emit = Callable[[dict[str, Any]], None]


def child(module: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``python -m module args`` from the repository root (in ``env``, default this
    process's); its last line is JSON."""
    env = {**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def request_kind(method: str, path: str) -> str:
    for suffix in ("values:batchGet", "values:batchUpdate", "values:batchClear", ":batchUpdate"):
        if path.endswith(suffix):
            return suffix.lstrip(":")
    return "metadata" if method == "GET" and path.count("/") == 3 else f"{method} {path}"


def selected(district: District, case: str) -> int:
    """How many records the case's step selects."""
    if case == "plan":
        return sum(1 for s in district.tabs["Students"] if int(s["Grade"]) <= 10)
    if case == "archive":
        return archive_count(district.students)
    return 0


class Bench:
    """Runs every case of every size; ``emit`` gets one dict per measured line."""

    def __init__(
        self,
        work: Path,
        today: date,
        emit: Emit,
        fake: FakeSheetsServer | None,
        naive: bool,
        cases: tuple[str, ...] = CASES,
        xlsx_write_limit: int | None = XLSX_WRITE_LIMIT,
    ) -> None:
        self.work = work
        self.today = today
        self.emit = emit
        self.fake = fake
        self.naive = naive
        self.cases = cases
        self.xlsx_write_limit = xlsx_write_limit
        self.template: WorkbookTemplate = load_template()

    def size(self, students: int, backends: tuple[str, ...] = BACKENDS) -> None:
        start = time.perf_counter()
        base = build(students, self.today)
        generated = time.perf_counter() - start
        root = self.work / str(students)
        root.mkdir(parents=True, exist_ok=True)
        seed = root / "lms-seed.sqlite"
        start = time.perf_counter()
        seed_lms(seed, base, self.template)
        self.emit(
            {
                "size": students,
                "setup": "district",
                "cells": base.cells(),
                "generate_s": round(generated, 2),
                "seed_lms_s": round(time.perf_counter() - start, 2),
            }
        )
        for backend in backends:
            if backend == "xlsx":
                self._xlsx(students, base, root, seed)
            elif self.fake is not None:
                self._gsheets(students, base, root, seed, self.fake)

    def _xlsx(self, students: int, base: District, root: Path, seed: Path) -> None:
        for case in self.cases:
            limit = self.xlsx_write_limit
            if case != "noop" and limit is not None and students > limit:
                self.emit(
                    {
                        "size": students,
                        "backend": "xlsx",
                        "case": case,
                        "skipped": f"writes load and save the whole workbook with openpyxl: "
                        f"minutes above {limit:,} students (--xlsx-all runs them)",
                    }
                )
                continue
            district = with_case(base, case)
            start = time.perf_counter()
            config = case_dir(root / "xlsx" / case, seed, "xlsx")
            write_workbook(config.parent, self.template, district)
            setup = self._approve_first(case, config) + time.perf_counter() - start
            measured = child("bench.measure", str(config), COMMANDS[case])
            self.emit(self._line(students, "xlsx", case, district, measured, setup))

    def _gsheets(
        self, students: int, base: District, root: Path, seed: Path, fake: FakeSheetsServer
    ) -> None:
        start = time.perf_counter()
        spreadsheet_id = fake.create_spreadsheet(f"bench-{students}")
        api = open_api(spreadsheet_id, "anonymous", fake.url)
        push_district(api, self.template, base)
        self.emit(
            {
                "size": students,
                "setup": "push to gsheets-fake",
                "push_s": round(time.perf_counter() - start, 2),
            }
        )
        for case in self.cases:
            district = with_case(base, case)
            start = time.perf_counter()
            rows = district.tabs["Checklist"]
            reset_checklist(api, self.template, rows)
            config = case_dir(root / "gsheets" / case, seed, "gsheets", spreadsheet_id, fake.url)
            saved = config.parent / "checklist.json"
            saved.write_text(json.dumps(rows), encoding="utf-8")
            setup = time.perf_counter() - start
            measured = child("bench.measure", str(config), *warm_then_measure(case, saved))
            line = self._line(students, "gsheets-fake", case, district, measured, setup)
            self.emit(line)
            if self.naive:
                self._naive(line, spreadsheet_id, fake, measured["cycles"][-1])

    def _approve_first(self, case: str, config: Path) -> float:
        """For the archive: a ``check`` (the approval request), then an admin approves."""
        if case != "archive":
            return 0.0
        start = time.perf_counter()
        child("bench.measure", str(config), "check")
        services = build_services(load_config(str(config)))
        try:
            decide(services, ARCHIVE_STEP, ADMIN)
        finally:
            services.close()
        return time.perf_counter() - start

    def _line(
        self,
        students: int,
        backend: str,
        case: str,
        district: District,
        measured: dict[str, Any],
        setup: float,
    ) -> dict[str, Any]:
        cycles = measured["cycles"]
        steady = cycles[1:] or cycles
        last = sorted(steady, key=lambda c: c["wall_s"])[len(steady) // 2]
        line: dict[str, Any] = {
            "size": students,
            "backend": backend,
            "case": case,
            "records": selected(district, case),
            "wall_s": last["wall_s"],
            "cpu_s": last["cpu_s"],
            "peak_rss_mb": measured["peak_rss_mb"],
        }
        if backend != "xlsx":
            line.update(sheets_figures(max(steady, key=lambda c: len(c["requests"]))))
        line.update(
            {
                "lms_calls": last["lms_calls"],
                "lms_operations": last["lms_operations"],
                "slack_messages": last["slack_messages"],
                "setup_s": round(setup, 2),
                "bot_says": last["summary"][-1] if last["summary"] else "",
            }
        )
        if len(steady) > 1:
            line["steady_wall_s"] = [c["wall_s"] for c in steady]
        if len(cycles) > 1:
            first = cycles[0]
            line["first_cycle"] = {
                "command": first["command"],
                "wall_s": first["wall_s"],
                "cpu_s": first["cpu_s"],
                **sheets_figures(first),
            }
        return line

    def _naive(
        self, line: dict[str, Any], spreadsheet_id: str, fake: FakeSheetsServer, bot: dict[str, Any]
    ) -> None:
        """The naive script doing the same reads and writes as the bot's cycle just did."""
        cells, log_rows = _written(bot)
        variants = ("records", "dataframe") if line["case"] == "noop" else ("records",)
        for variant in variants:
            fake.reset()
            naive = child(
                "bench.naive", variant, fake.url, spreadsheet_id, str(cells), str(log_rows)
            )
            naive_line = {
                "size": line["size"],
                "backend": line["backend"],
                "case": line["case"],
                "baseline": f"naive-{variant}",
                **{k: v for k, v in naive.items() if k != "variant"},
                "requests_ratio_vs_bot": round(
                    naive["requests"] / max(1, line["sheets_requests"]), 1
                ),
                "time_ratio_vs_bot": round(naive["wall_s"] / max(1e-9, line["wall_s"]), 2),
                "minutes_at_google_quota": round(naive["requests"] / QUOTA_PER_MINUTE, 1),
            }
            self.emit(naive_line)


def warm_then_measure(case: str, saved: Path) -> list[str]:
    """The steps of ``bench.measure`` for a case on Google Sheets: a warm-up, the measured
    cycle last (see the module docstring)."""
    if case == "noop":
        return ["run"] + ["run"] * STEADY_REPEATS
    if case == "plan":
        return ["check"] + [f"restore:{saved}", "check"] * STEADY_REPEATS
    return ["check", f"approve:{ARCHIVE_STEP}:{ADMIN}", "run"]


def sheets_figures(cycle: dict[str, Any]) -> dict[str, Any]:
    """A measured cycle's Sheets requests: how many, by kind, bytes both ways."""
    kinds = Counter(request_kind(method, path) for method, path, _, _ in cycle["requests"])
    return {
        "sheets_requests": len(cycle["requests"]),
        "sheets_requests_by_kind": dict(sorted(kinds.items())),
        "request_bytes": sum(sent for _, _, sent, _ in cycle["requests"]),
        "response_bytes": cycle["response_bytes"],
    }


def _written(measured: dict[str, Any]) -> tuple[int, int]:
    """Cells written and Log rows appended by the bot's cycle (from its own summary line)."""
    text = " ".join(measured["summary"])
    cells = rows = 0
    words = text.replace(",", "").split()
    for n, word in enumerate(words[:-1]):
        if words[n + 1] == "cells" and word.isdigit():
            cells = int(word)
        if words[n + 1] == "Log" and word.isdigit():
            rows = int(word)
    return cells, rows
