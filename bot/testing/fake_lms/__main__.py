"""``python -m bot.testing.fake_lms --port P --store PATH [--latency-ms N] [--token T]
[--today YYYY-MM-DD]``: serve the five systems' APIs from a mock LMS store until interrupted
(prints the base URL)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
from datetime import date
from pathlib import Path

from bot.testing.fake_lms.faults import FaultError
from bot.testing.fake_lms.server import DEFAULT_TOKEN, FakeLMSServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.testing.fake_lms",
        description="Serve Edgenuity, SchoolStatus, Twig Science, Renaissance and Schoology "
        "APIs on 127.0.0.1 from a mock LMS store (e.g. a demo's lms.sqlite).",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument(
        "--store", type=Path, required=True, help="the mock LMS store (SQLite file)"
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="delay each API answer by N ms")
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        help=f"a token the API accepts (repeatable; default {DEFAULT_TOKEN})",
    )
    parser.add_argument("--no-rate-limits", action="store_true", help="do not enforce rate limits")
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the vendors' date (default: the system clock's; POST /_fake/today moves it)",
    )
    parser.add_argument(
        "--faults",
        metavar="JSON",
        help="faults to start with, as for POST /_fake/faults, e.g. '{\"error_rate\": 0.1}'",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.latency_ms < 0:
        print("error: --latency-ms must not be negative", file=sys.stderr)
        return 2
    if not args.store.parent.is_dir():
        print(
            f"error: --store {args.store}: the folder {args.store.parent} does not exist",
            file=sys.stderr,
        )
        return 2
    try:
        fixed = date.fromisoformat(args.today.strip()) if args.today is not None else None
    except ValueError:
        print(
            f"error: --today {args.today!r} is not a date: give it as YYYY-MM-DD", file=sys.stderr
        )
        return 2
    fake = FakeLMSServer(
        args.store,
        port=args.port,
        tokens=tuple(args.token) or (DEFAULT_TOKEN,),
        latency_ms=args.latency_ms,
        rate_limits=not args.no_rate_limits,
        today=date.today if fixed is None else lambda: fixed,
    )
    if args.faults:
        try:
            raw = json.loads(args.faults)
            if not isinstance(raw, dict):
                raise FaultError("--faults must be a JSON object")
            fake.faults.configure(raw)
        except (ValueError, FaultError) as exc:
            print(f"error: --faults: {exc}", file=sys.stderr)
            return 2
    try:
        fake.start()
    except OSError as exc:
        print(
            f"error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr
        )
        return 2
    print(fake.url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
