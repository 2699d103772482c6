"""Several districts on one Slack app: each event goes to the district whose approval thread
it is in, and only if this instance holds that district's lease."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.core.approvals import Decision
from bot.slack.approvals import SlackApprovals, modal_origin

Holding = Callable[[], bool]


def thread_of(event: Mapping[str, Any]) -> str:
    """The thread a message (or an edited message) is in."""
    message = event.get("message") or {}
    return str(event.get("thread_ts") or message.get("thread_ts") or "")


def clicked_thread(body: Mapping[str, Any]) -> str:
    container = body.get("container") or {}
    return str(container.get("message_ts") or (body.get("message") or {}).get("ts", ""))


class Router:
    """The same entry points as SlackApprovals, over every district's."""

    def __init__(self) -> None:
        self.routes: list[tuple[SlackApprovals, Holding]] = []

    def add(self, approvals: SlackApprovals, holding: Holding) -> None:
        self.routes.append((approvals, holding))

    def on_message(self, event: dict[str, Any], event_id: str = "") -> str:
        return self._dispatch(thread_of(event), lambda a: a.on_message(event, event_id))

    def on_click(self, body: dict[str, Any], decision: Decision) -> str:
        return self._dispatch(clicked_thread(body), lambda a: a.on_click(body, decision))

    def on_reject_click(self, body: dict[str, Any]) -> str:
        return self._dispatch(clicked_thread(body), lambda a: a.on_reject_click(body))

    def on_reason(self, body: dict[str, Any], reason: str) -> str:
        return self._dispatch(modal_origin(body)[1], lambda a: a.on_reason(body, reason))

    def _dispatch(self, thread: str, handle: Callable[[SlackApprovals], str]) -> str:
        route = self._route(thread)
        if route is None:
            return "ignored: no district here"
        approvals, holding = route
        if not holding():
            return "ignored: another instance holds the lease"
        return handle(approvals)

    def _route(self, thread: str) -> tuple[SlackApprovals, Holding] | None:
        """The district that posted ``thread``; else the first (which says why it ignores)."""
        for approvals, holding in self.routes:
            if thread and approvals.owns(thread):
                return approvals, holding
        return self.routes[0] if self.routes else None
