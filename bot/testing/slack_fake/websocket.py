"""A minimal server side of RFC 6455: handshake, masked client frames, text, ping/pong, close."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import socket
import struct
import threading
from typing import BinaryIO

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002


class ProtocolError(Exception):
    """The peer broke the framing rules; the connection is closed with 1002."""


def accept_key(client_key: str) -> str:
    """The ``Sec-WebSocket-Accept`` value for a client's ``Sec-WebSocket-Key``."""
    digest = hashlib.sha1((client_key.strip() + GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def handshake_response(client_key: str) -> bytes:
    """The ``101 Switching Protocols`` response completing the opening handshake."""
    lines = [
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Accept: {accept_key(client_key)}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode("ascii")


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """One unmasked, final frame (servers never mask)."""
    head = bytes([0x80 | opcode])
    size = len(payload)
    if size < 126:
        head += bytes([size])
    elif size < 1 << 16:
        head += bytes([126]) + struct.pack("!H", size)
    else:
        head += bytes([127]) + struct.pack("!Q", size)
    return head + payload


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size) if size else b""
    if len(data) < size:
        raise EOFError("connection closed mid-frame")
    return data


def read_frame(stream: BinaryIO) -> tuple[bool, int, bytes]:
    """Read one client frame; returns ``(fin, opcode, unmasked payload)``."""
    first, second = _read_exact(stream, 2)
    if first & 0x70:
        raise ProtocolError("reserved bits set")
    if not second & 0x80:
        raise ProtocolError("client frames must be masked")
    size = second & 0x7F
    if size == 126:
        (size,) = struct.unpack("!H", _read_exact(stream, 2))
    elif size == 127:
        (size,) = struct.unpack("!Q", _read_exact(stream, 8))
    opcode = first & 0x0F
    if opcode >= OP_CLOSE and (size > 125 or not first & 0x80):
        raise ProtocolError("control frames must be short and unfragmented")
    mask = _read_exact(stream, 4)
    masked = _read_exact(stream, size)
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(masked))
    return bool(first & 0x80), opcode, payload


class WebSocketConnection:
    """A server-side WebSocket over an accepted socket (after the handshake)."""

    def __init__(self, sock: socket.socket, stream: BinaryIO) -> None:
        self._sock = sock
        self._stream = stream
        self._send_lock = threading.Lock()
        self._closed = threading.Event()
        self._close_lock = threading.Lock()

    @property
    def closed(self) -> bool:
        """True once either side has started the closing handshake or the socket dropped."""
        return self._closed.is_set()

    def _send(self, opcode: int, payload: bytes) -> None:
        with self._send_lock:
            self._sock.sendall(encode_frame(opcode, payload))

    def send_text(self, text: str) -> None:
        """Send a text frame; raises ``OSError`` if the connection is gone."""
        if self.closed:
            raise ConnectionError("websocket closed")
        self._send(OP_TEXT, text.encode("utf-8"))

    def ping(self, payload: bytes = b"") -> None:
        """Send a ping frame."""
        self._send(OP_PING, payload)

    def close(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Send a close frame (once) and shut the socket down."""
        with self._close_lock:
            if self._closed.is_set():
                return
            with contextlib.suppress(OSError):
                self._send(OP_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")[:123])
            self._closed.set()
        self._shutdown()

    def _shutdown(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def receive(self) -> str | None:
        """Next text (or binary, decoded) message; answers pings; ``None`` once closed."""
        parts: list[bytes] = []
        while True:
            try:
                fin, opcode, payload = read_frame(self._stream)
            except ProtocolError:
                self.close(CLOSE_PROTOCOL_ERROR, "protocol error")
                return None
            except (EOFError, OSError, ValueError):
                return None
            if opcode == OP_PING:
                self._send(OP_PONG, payload)
            elif opcode == OP_PONG:
                continue
            elif opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else CLOSE_NORMAL
                self.close(code if code != 1005 else CLOSE_NORMAL)
                return None
            elif opcode in (OP_TEXT, OP_BINARY, OP_CONTINUATION):
                parts.append(payload)
                if fin:
                    return b"".join(parts).decode("utf-8", errors="replace")
            else:
                self.close(CLOSE_PROTOCOL_ERROR, "unknown opcode")
                return None
