"""How every local fake serves: its HTTP server in a daemon thread, stopped cleanly, and the
URL it listens on."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from socketserver import BaseServer, TCPServer

POLL_SECONDS = 0.05
"""How often ``serve_forever`` looks for a shutdown: a stop takes at most this long."""


def serve_in_background(server: BaseServer, name: str) -> threading.Thread:
    """Serve ``server`` in a daemon thread named ``name``; returns the (started) thread."""
    if isinstance(server, TCPServer) and hasattr(server, "daemon_threads"):
        server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": POLL_SECONDS},
        name=name,
        daemon=True,
    )
    thread.start()
    return thread


def stop_serving(server: BaseServer, thread: threading.Thread | None) -> None:
    """Stop ``server`` served by ``thread`` (if it was) and release its port."""
    if thread is not None:
        server.shutdown()
        thread.join()
    server.server_close()


def url_of(server: TCPServer) -> str:
    """``http://host:port`` of a bound server."""
    host, port = server.server_address[:2]
    text = host.decode() if isinstance(host, bytes) else str(host)
    return f"http://{text}:{port}"


def send(
    handler: BaseHTTPRequestHandler, status: int, headers: Mapping[str, str], payload: bytes
) -> None:
    """Answer the request ``handler`` serves: the status, the headers, the body's length
    and the body."""
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    if payload:
        handler.wfile.write(payload)
