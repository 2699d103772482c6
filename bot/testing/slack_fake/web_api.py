"""Web API method handlers (``/api/<method>``) with auth checks, faults and a request log."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.testing.slack_fake.faults import FaultPlan
from bot.testing.slack_fake.model import Channel, Message, SlackError, Workspace
from bot.testing.slack_fake.shapes import message_json, user_json
from bot.testing.slack_fake.views import InvalidView, Views

MAX_TEXT = 40_000


@dataclass
class ApiResponse:
    """Status, JSON body and extra headers of one Web API answer."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class ApiHooks(Protocol):
    """What the Web API needs from the rest of the fake."""

    def message_posted(self, message: Message, channel: Channel) -> None:
        """A message was created (deliver its event)."""

    def message_edited(self, previous: Message, message: Message, channel: Channel) -> None:
        """A message was changed (deliver ``message_changed``)."""

    def ephemeral_posted(self, record: dict[str, Any]) -> None:
        """An ephemeral message was shown to one user."""

    def socket_url(self) -> str:
        """A fresh Socket Mode WebSocket URL."""


Params = dict[str, Any]
Handler = Callable[[Params], dict[str, Any]]


def _text(params: Params, name: str) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    return str(value)


def _flag(params: Params, name: str) -> bool:
    return str(params.get(name, "")).lower() in ("1", "true", "yes")


def _number(params: Params, name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments") from None


def _json_list(params: Params, name: str, error: str) -> list[dict[str, Any]] | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise SlackError(error) from None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SlackError(error)
    return value


class WebApi:
    """Dispatches Web API calls to handlers; every call is recorded."""

    def __init__(
        self,
        ws: Workspace,
        bot_token: str,
        app_token: str,
        faults: FaultPlan,
        hooks: ApiHooks,
        views: Views | None = None,
    ) -> None:
        self.ws = ws
        self.views = views or Views(ws)
        self.bot_token = bot_token
        self.app_token = app_token
        self.faults = faults
        self.hooks = hooks
        self._cond = threading.Condition()
        self._log: list[dict[str, Any]] = []
        self._handlers: dict[str, tuple[str, Handler]] = {
            "api.test": ("none", lambda p: {"args": dict(p)}),
            "auth.test": ("bot", self.auth_test),
            "chat.postMessage": ("bot", self.chat_post_message),
            "chat.update": ("bot", self.chat_update),
            "chat.postEphemeral": ("bot", self.chat_post_ephemeral),
            "chat.getPermalink": ("bot", self.chat_get_permalink),
            "conversations.replies": ("bot", self.conversations_replies),
            "conversations.history": ("bot", self.conversations_history),
            "users.info": ("bot", self.users_info),
            "users.lookupByEmail": ("bot", self.users_lookup_by_email),
            "views.open": ("bot", self.views_open),
            "apps.connections.open": ("app", self.apps_connections_open),
        }

    def call(
        self, method: str, params: Params, token: str | None, http_method: str = "POST"
    ) -> ApiResponse:
        """Run ``method`` and return its response (also appended to the request log)."""
        response = self._run(method, params, token)
        entry = {
            "method": method,
            "http_method": http_method,
            "params": {k: v for k, v in params.items() if k != "token"},
            "status": response.status,
            "ok": response.body.get("ok"),
            "error": response.body.get("error"),
        }
        with self._cond:
            self._log.append(entry)
            self._cond.notify_all()
        return response

    def _run(self, method: str, params: Params, token: str | None) -> ApiResponse:
        fault = self.faults.take(method)
        if fault is not None:
            headers = (
                {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            )
            return ApiResponse(fault.status, {"ok": False, "error": fault.error}, headers)
        entry = self._handlers.get(method)
        if entry is None:
            return ApiResponse(200, {"ok": False, "error": "unknown_method", "req_method": method})
        kind, handler = entry
        try:
            self._authorize(kind, token)
            body = handler(params)
        except InvalidView as exc:
            return ApiResponse(
                200,
                {
                    "ok": False,
                    "error": exc.code,
                    "response_metadata": {"messages": [exc.message]},
                },
            )
        except SlackError as exc:
            return ApiResponse(200, {"ok": False, "error": exc.code})
        return ApiResponse(200, {"ok": True, **body})

    def _authorize(self, kind: str, token: str | None) -> None:
        if kind == "none":
            return
        if not token:
            raise SlackError("not_authed")
        expected, other = (
            (self.bot_token, self.app_token) if kind == "bot" else (self.app_token, self.bot_token)
        )
        if token == other:
            raise SlackError("not_allowed_token_type")
        if token != expected:
            raise SlackError("invalid_auth")

    def requests(self, method: str | None = None) -> list[dict[str, Any]]:
        """Recorded calls, oldest first (optionally only one method)."""
        with self._cond:
            return [dict(e) for e in self._log if method is None or e["method"] == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until ``method`` was called ``count`` times; returns those calls."""
        with self._cond:
            ready = self._cond.wait_for(
                lambda: sum(e["method"] == method for e in self._log) >= count, timeout
            )
        if not ready:
            raise TimeoutError(f"{method} not called {count} time(s) within {timeout}s")
        return self.requests(method)

    def auth_test(self, params: Params) -> dict[str, Any]:
        """``auth.test`` for the bot token."""
        ws = self.ws
        return {
            "url": ws.url,
            "team": ws.team_name,
            "user": ws.bot.name,
            "team_id": ws.team_id,
            "user_id": ws.bot.id,
            "bot_id": ws.bot.bot_id,
            "is_enterprise_install": False,
        }

    def _content(
        self, params: Params
    ) -> tuple[str, list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
        text = _text(params, "text") or ""
        blocks = _json_list(params, "blocks", "invalid_blocks_format")
        attachments = _json_list(params, "attachments", "invalid_attachments")
        if len(text) > MAX_TEXT:
            raise SlackError("msg_too_long")
        return text, blocks, attachments

    def _channel(self, params: Params) -> Channel:
        ref = _text(params, "channel")
        if ref is None:
            raise SlackError("channel_not_found")
        return self.ws.channel(ref)

    def chat_post_message(self, params: Params) -> dict[str, Any]:
        """``chat.postMessage`` as the bot user; delivers a ``message`` event."""
        channel = self._channel(params)
        text, blocks, attachments = self._content(params)
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        message = self.ws.post(
            channel,
            self.ws.bot,
            text,
            blocks=blocks,
            attachments=attachments,
            thread_ts=_text(params, "thread_ts"),
            reply_broadcast=_flag(params, "reply_broadcast"),
        )
        self.hooks.message_posted(message, channel)
        return {"channel": channel.id, "ts": message.ts, "message": message_json(message, self.ws)}

    def chat_update(self, params: Params) -> dict[str, Any]:
        """``chat.update`` of one of the bot's messages; delivers ``message_changed``."""
        channel = self._channel(params)
        ts = _text(params, "ts")
        if ts is None:
            raise SlackError("message_not_found")
        text, blocks, attachments = self._content(params)
        if self.ws.find(channel, ts).bot_id != self.ws.bot.bot_id:
            raise SlackError("cant_update_message")
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        previous, message = self.ws.edit(channel, ts, text, blocks, attachments)
        self.hooks.message_edited(previous, message, channel)
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": message_json(message, self.ws, for_event=True),
        }

    def chat_post_ephemeral(self, params: Params) -> dict[str, Any]:
        """``chat.postEphemeral``: recorded, never delivered as an event."""
        channel = self._channel(params)
        user_id = _text(params, "user")
        if user_id is None or user_id not in self.ws.users:
            raise SlackError("user_not_in_channel")
        text, blocks, attachments = self._content(params)
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        message_ts = self.ws.clock.next()
        self.hooks.ephemeral_posted(
            {
                "channel": channel.id,
                "user": user_id,
                "text": text,
                "blocks": blocks,
                "thread_ts": _text(params, "thread_ts"),
                "message_ts": message_ts,
            }
        )
        return {"message_ts": message_ts}

    def chat_get_permalink(self, params: Params) -> dict[str, Any]:
        """``chat.getPermalink``: the link to an existing message (a reply's names its thread)."""
        channel = self._channel(params)
        ts = _text(params, "message_ts")
        if ts is None:
            raise SlackError("message_not_found")
        message = self.ws.find(channel, ts)
        link = f"{self.ws.url}archives/{channel.id}/p{ts.replace('.', '')}"
        if message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    def views_open(self, params: Params) -> dict[str, Any]:
        """``views.open``: a modal for the user whose interaction gave ``trigger_id``."""
        return {"view": self.views.open(_text(params, "trigger_id"), params.get("view"))}

    def conversations_replies(self, params: Params) -> dict[str, Any]:
        """``conversations.replies``: the parent, then replies oldest first."""
        channel = self._channel(params)
        ts = _text(params, "ts")
        if ts is None:
            raise SlackError("thread_not_found")
        parent, replies, has_more = self.ws.replies(
            channel,
            ts,
            oldest=_text(params, "oldest"),
            latest=_text(params, "latest"),
            inclusive=_flag(params, "inclusive"),
            limit=_number(params, "limit", 1000),
        )
        messages = [message_json(m, self.ws) for m in [parent, *replies]]
        return {"messages": messages, "has_more": has_more}

    def conversations_history(self, params: Params) -> dict[str, Any]:
        """``conversations.history``: top-level messages, newest first."""
        channel = self._channel(params)
        messages, has_more = self.ws.history(
            channel,
            oldest=_text(params, "oldest"),
            latest=_text(params, "latest"),
            inclusive=_flag(params, "inclusive"),
            limit=_number(params, "limit", 100),
        )
        return {
            "messages": [message_json(m, self.ws) for m in messages],
            "has_more": has_more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }

    def users_info(self, params: Params) -> dict[str, Any]:
        """``users.info``."""
        return {"user": user_json(self.ws.user(_text(params, "user") or ""), self.ws)}

    def users_lookup_by_email(self, params: Params) -> dict[str, Any]:
        """``users.lookupByEmail``."""
        return {"user": user_json(self.ws.user_by_email(_text(params, "email") or ""), self.ws)}

    def apps_connections_open(self, params: Params) -> dict[str, Any]:
        """``apps.connections.open`` (app-level token): a Socket Mode WebSocket URL."""
        return {"url": self.hooks.socket_url()}
