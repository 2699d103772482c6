"""Run the fake OneRoster service: ``python -m bot.testing.fake_oneroster --port P --bundle DIR
--version 1.1|1.2 --client-id ID --client-secret SECRET``.

It serves the OneRoster CSV bundle DIR (a folder or .zip) as the REST API of that version on
127.0.0.1, printing its address first. In tests use :class:`FakeOneRoster` directly."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from pathlib import Path

from bot.roster.errors import RosterError
from bot.roster.rest.fields import VERSIONS
from bot.testing.oneroster_fake import FakeOneRoster, Paging
from bot.testing.oneroster_fake.auth import ALL_SCOPES

__all__ = ["FakeOneRoster", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.testing.fake_oneroster",
        description="Serve a OneRoster CSV bundle as a local OneRoster REST API.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--bundle", type=Path, required=True, help="OneRoster bundle folder or .zip"
    )
    parser.add_argument("--version", choices=VERSIONS, default="1.1", help="version to serve")
    parser.add_argument("--client-id", default="rollover-test", help="the one client's ID")
    parser.add_argument("--client-secret", default="fake-secret", help="and its secret")
    parser.add_argument(
        "--scope",
        action="append",
        choices=ALL_SCOPES,
        help="1.2: a scope the client may have (repeatable; default: all three)",
    )
    parser.add_argument("--max-limit", type=int, default=1000, help="largest page served")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted."""
    args = _parser().parse_args(argv)
    try:
        fake = FakeOneRoster(
            args.bundle,
            args.version,
            args.client_id,
            args.client_secret,
            port=args.port,
            scopes=tuple(args.scope or ALL_SCOPES),
            paging=Paging(max_limit=args.max_limit),
        )
    except (ValueError, RosterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with fake:
        print(fake.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
