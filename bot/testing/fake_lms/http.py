"""What every system's routes share: the decoded request, the answer, routing by pattern."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from bot.testing.fake_lms.faults import Faults
    from bot.testing.fake_lms.model import LMSModel

Query = dict[str, list[str]]


class ApiError(Exception):
    """An error answer: ``body`` is already in the system's own error shape."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


@dataclass
class Response:
    status: int
    body: Any = None
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


@dataclass
class Call:
    """One API request as a route sees it: the path's captured parts, the query, the body,
    the model, the faults (a bulk route takes its partial-apply fault from them) and the
    server's date (the vendor's clock)."""

    method: str
    path: str
    base_url: str
    query: Query
    raw_body: bytes
    model: LMSModel
    faults: Faults
    today: date
    principal: str = ""
    parts: dict[str, str] = field(default_factory=dict)
    error: Callable[[int, str, str], ApiError] = field(
        repr=False, default=lambda s, c, m: ApiError(s, m)
    )

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self) -> Any:
        """The body as JSON (``None`` when empty); a bad body is a 400 in the system's shape."""
        if not self.raw_body.strip():
            return None
        try:
            return json.loads(self.raw_body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise self.error(
                400, "invalid_json", f"the request body is not valid JSON: {exc}"
            ) from None

    def object(self) -> dict[str, Any]:
        """The body as a JSON object (an empty body is an empty object)."""
        body = self.json()
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise self.error(400, "invalid_body", "the request body must be a JSON object")
        return body


Handler = Callable[[Call], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Routes ``METHOD path`` to handlers; ``{name}`` in a path captures one segment."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, path: str, handler: Handler) -> None:
        pieces, last = [], 0
        for name in re.finditer(r"\{(\w+)\}", path):
            pieces += [re.escape(path[last : name.start()]), f"(?P<{name.group(1)}>[^/]+)"]
            last = name.end()
        pieces.append(re.escape(path[last:]))
        self.routes.append(Route(method, re.compile("^" + "".join(pieces) + "$"), handler))

    def route(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        """The handler and captured parts; ``None`` when no route has the path. A path known
        under another method raises ``LookupError`` with the allowed methods."""
        allowed = []
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route.handler, {k: _unquote(v) for k, v in found.groupdict().items()}
            allowed.append(route.method)
        if allowed:
            raise LookupError(", ".join(sorted(set(allowed))))
        return None


def _unquote(text: str) -> str:
    return unquote(text)


def page_args(call: Call, offset_name: str, default: int, most: int) -> tuple[int, int]:
    """``(offset, limit)`` from the query: whole numbers, the limit at most ``most``."""
    offset = _whole(call, offset_name, 0)
    limit = _whole(call, "limit", default)
    if limit < 1:
        raise call.error(400, "invalid_limit", f"limit must be at least 1, not {limit}")
    return offset, min(limit, most)


def _whole(call: Call, name: str, default: int) -> int:
    text = call.arg(name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise call.error(
            400, f"invalid_{name}", f"{name} must be a whole number, not {text!r}"
        ) from None
    if value < 0:
        raise call.error(400, f"invalid_{name}", f"{name} must not be negative, not {value}")
    return value
