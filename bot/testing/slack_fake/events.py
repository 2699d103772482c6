"""Builders for Events API envelopes and interactive (``block_actions``) payloads."""

from __future__ import annotations

import copy
from typing import Any

from bot.testing.slack_fake.model import Channel, Message, SlackError, User, Workspace
from bot.testing.slack_fake.shapes import channel_type, event_message, message_json


def event_callback(
    ws: Workspace, event: dict[str, Any], event_id: str, verification_token: str
) -> dict[str, Any]:
    """Wrap ``event`` in the ``event_callback`` envelope Slack sends to an app."""
    return {
        "token": verification_token,
        "team_id": ws.team_id,
        "context_team_id": ws.team_id,
        "context_enterprise_id": None,
        "api_app_id": ws.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(event["event_ts"].split(".")[0]),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ws.team_id,
                "user_id": ws.bot.id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "authed_users": [ws.bot.id],
        "is_ext_shared_channel": False,
    }


def message_event(ws: Workspace, message: Message, channel: Channel) -> dict[str, Any]:
    """The ``message`` event for a newly posted message or thread reply."""
    return event_message(message, channel, ws)


def message_changed_event(
    ws: Workspace, previous: Message, message: Message, channel: Channel
) -> dict[str, Any]:
    """The hidden ``message_changed`` event Slack sends when a message is edited."""
    edited_ts = (message.edited or {}).get("ts", message.ts)
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": message_json(message, ws, for_event=True),
        "previous_message": message_json(previous, ws, for_event=True),
        "channel": channel.id,
        "hidden": True,
        "ts": edited_ts,
        "event_ts": edited_ts,
        "channel_type": channel_type(channel),
    }


def message_deleted_event(ws: Workspace, message: Message, channel: Channel) -> dict[str, Any]:
    """The hidden ``message_deleted`` event Slack sends when a message is deleted."""
    at = ws.clock.next()
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "deleted_ts": message.ts,
        "channel": channel.id,
        "previous_message": message_json(message, ws, for_event=True),
        "event_ts": at,
        "ts": at,
        "channel_type": channel_type(channel),
    }


def find_element(message: Message, action_id: str) -> tuple[str, dict[str, Any]]:
    """Find element ``action_id`` in a message; returns ``(block_id, element)``."""
    for block in message.blocks or []:
        candidates = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(block["block_id"]), element
    raise SlackError("action_not_found")


def block_actions_payload(
    ws: Workspace,
    *,
    user: User,
    channel: Channel,
    message: Message,
    action_id: str,
    value: str | None,
    action_ts: str,
    trigger_id: str,
    response_url: str,
    verification_token: str,
) -> dict[str, Any]:
    """The ``block_actions`` payload sent when ``user`` clicks ``action_id`` on ``message``."""
    block_id, element = find_element(message, action_id)
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": element.get("type", "button"),
        "action_ts": action_ts,
    }
    if "text" in element:
        action["text"] = copy.deepcopy(element["text"])
    chosen = value if value is not None else element.get("value")
    if chosen is not None:
        action["value"] = chosen
    if "style" in element:
        action["style"] = element["style"]
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message.ts,
        "channel_id": channel.id,
        "is_ephemeral": False,
    }
    if message.thread_ts is not None:
        container["thread_ts"] = message.thread_ts
    return {
        "type": "block_actions",
        "user": {"id": user.id, "username": user.name, "name": user.name, "team_id": ws.team_id},
        "api_app_id": ws.app_id,
        "token": verification_token,
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": ws.team_id, "domain": ws.domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel.id, "name": channel.name},
        "message": message_json(message, ws, for_event=True),
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }
