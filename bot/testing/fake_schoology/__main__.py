"""``python -m bot.testing.fake_schoology --port P --consumer-key K --consumer-secret S
[--store PATH]``: serve Schoology's REST API v1 on 127.0.0.1 until interrupted, accepting only
requests signed with that key and secret (prints the base URL; refusals go to stderr).

The key and secret may come from SCHOOLOGY_CONSUMER_KEY and SCHOOLOGY_CONSUMER_SECRET instead,
as the bot reads them. Without ``--store`` the fake serves a fresh, empty store in a new
temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sqlite3
import sys
import tempfile
import threading
from pathlib import Path

from bot.testing.fake_lms.faults import FaultError, Faults
from bot.testing.fake_schoology.server import FakeSchoologyServer

KEY_VARIABLE = "SCHOOLOGY_CONSUMER_KEY"
SECRET_VARIABLE = "SCHOOLOGY_CONSUMER_SECRET"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.testing.fake_schoology",
        description="Serve Schoology's REST API v1 (/v1/...) on 127.0.0.1 from a mock LMS "
        "store, verifying two-legged OAuth 1.0a signatures.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument(
        "--consumer-key", default="", help=f"the consumer key to accept (default ${KEY_VARIABLE})"
    )
    parser.add_argument(
        "--consumer-secret",
        default="",
        help=f"its consumer secret (default ${SECRET_VARIABLE})",
    )
    parser.add_argument(
        "--store",
        type=Path,
        help="the mock LMS store (SQLite file, e.g. a demo's lms.sqlite; default: a fresh one)",
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="delay each API answer by N ms")
    parser.add_argument("--no-rate-limits", action="store_true", help="do not enforce rate limits")
    parser.add_argument(
        "--no-powerschool-app",
        action="store_true",
        help="serve no stand-in for the PowerSchool app's configuration (as api.schoology.com)",
    )
    parser.add_argument(
        "--faults",
        metavar="JSON",
        help="faults to start with, as for POST /_fake/faults, e.g. '{\"error_rate\": 0.1}'",
    )
    return parser


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    key = args.consumer_key or os.environ.get(KEY_VARIABLE, "")
    secret = args.consumer_secret or os.environ.get(SECRET_VARIABLE, "")
    if not key.strip():
        return _fail(f"give the consumer key to accept: --consumer-key K (or set {KEY_VARIABLE})")
    if not secret.strip():
        return _fail(
            f"give the consumer secret to accept: --consumer-secret S (or set {SECRET_VARIABLE})"
        )
    if args.latency_ms < 0:
        return _fail("--latency-ms must not be negative")
    if not 0 <= args.port <= 65535:
        return _fail(f"--port must be from 0 to 65535, not {args.port}")
    faults: dict[str, object] = {}
    if args.faults:
        try:
            raw = json.loads(args.faults)
            if not isinstance(raw, dict):
                raise FaultError("--faults must be a JSON object")
            Faults().configure(raw)
        except (ValueError, FaultError) as exc:
            return _fail(f"--faults: {exc}")
        faults = raw
    store = args.store
    if store is None:
        store = Path(tempfile.mkdtemp(prefix="fake-schoology-")) / "lms.sqlite"
        print(f"serving a fresh, empty store: {store}", file=sys.stderr)
    elif not store.parent.is_dir():
        return _fail(f"--store {store}: the folder {store.parent} does not exist")
    elif store.is_dir():
        return _fail(f"--store {store} is a folder; give the store file (e.g. lms.sqlite)")
    try:
        fake = FakeSchoologyServer(
            store,
            key.strip(),
            secret.strip(),
            port=args.port,
            latency_ms=args.latency_ms,
            rate_limits=not args.no_rate_limits,
            powerschool_app=not args.no_powerschool_app,
        )
    except sqlite3.DatabaseError as exc:
        return _fail(f"--store {store} is not a mock LMS store ({exc})")
    if faults:
        fake.faults.configure(faults)
    logging.basicConfig(stream=sys.stderr, format="fake Schoology: %(message)s")
    try:
        fake.start()
    except OSError as exc:
        return _fail(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")
    print(fake.url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
