"""Run the fake Google Sheets server: ``python -m bot.testing.fake_sheets --port 8765``.

In tests use :class:`FakeSheetsServer` directly (``with FakeSheetsServer() as fake: ...``)."""

from __future__ import annotations

import argparse
import threading

from bot.testing.sheets_fake import FakeSheetsServer, RecordedRequest

__all__ = ["FakeSheetsServer", "RecordedRequest", "main"]


def main(argv: list[str] | None = None) -> int:
    """Serve on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(
        description="Local fake of the Google Sheets v4 / Drive v3 API"
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind (0 picks a free one)")
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="TOKEN=EMAIL",
        help="map a bearer token to an email",
    )
    parser.add_argument("--quota", type=int, default=None, help="requests per user per minute")
    args = parser.parse_args(argv)
    server = FakeSheetsServer(port=args.port)
    for pair in args.user:
        token, _, email = pair.partition("=")
        server.add_user(token, email)
    server.set_quota(args.quota)
    server.start()
    print(server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
