"""JSON shapes of users and messages as the Web API and the Events API present them."""

from __future__ import annotations

import hashlib
from typing import Any

from bot.testing.slack_fake.model import Channel, Message, User, Workspace

_AVATAR = "https://avatars.slack-edge.com/fake/{hash}_{size}.png"


def _images(seed: str, sizes: tuple[int, ...]) -> dict[str, str]:
    digest = hashlib.sha1(seed.encode()).hexdigest()[:12]
    return {f"image_{size}": _AVATAR.format(hash=digest, size=size) for size in sizes}


def bot_profile(ws: Workspace) -> dict[str, Any]:
    """The ``bot_profile`` object attached to the bot's messages."""
    bot = ws.bot
    icons = _images(bot.id, (36, 48, 72))
    return {
        "id": bot.bot_id,
        "deleted": False,
        "name": bot.name,
        "updated": bot.updated,
        "app_id": ws.app_id,
        "icons": icons,
        "team_id": ws.team_id,
    }


def user_json(user: User, ws: Workspace) -> dict[str, Any]:
    """A user object as ``users.info`` / ``users.lookupByEmail`` return it."""
    first, _, last = user.real_name.partition(" ")
    profile: dict[str, Any] = {
        "title": "",
        "phone": "",
        "skype": "",
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "fields": None,
        "status_text": "",
        "status_emoji": "",
        "status_expiration": 0,
        "avatar_hash": "g" + hashlib.sha1(user.id.encode()).hexdigest()[:11],
        "first_name": first,
        "last_name": last,
        **_images(user.id, (24, 32, 48, 72, 192, 512)),
        "team": ws.team_id,
    }
    if user.email is not None:
        profile["email"] = user.email
    if user.is_bot:
        profile["bot_id"] = user.bot_id
        profile["api_app_id"] = user.app_id or ""
        profile["always_active"] = True
    return {
        "id": user.id,
        "team_id": ws.team_id,
        "name": user.name,
        "deleted": False,
        "color": "9f69e7",
        "real_name": user.real_name,
        "tz": "America/New_York",
        "tz_label": "Eastern Standard Time",
        "tz_offset": -18000,
        "profile": profile,
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": user.updated,
    }


def message_json(message: Message, ws: Workspace, *, for_event: bool = False) -> dict[str, Any]:
    """A message object.

    Web API shape by default; ``for_event`` adds ``app_id`` and ``edited``, which Slack sends in
    events and interactive payloads but which the (2020) Web API spec's message schema lacks.
    """
    body: dict[str, Any] = {"type": "message"}
    if message.subtype:
        body["subtype"] = message.subtype
    body.update(text=message.text, user=message.user, ts=message.ts, team=ws.team_id)
    if message.bot_id:
        body["bot_id"] = message.bot_id
        if for_event and message.app_id:
            body["app_id"] = message.app_id
        body["bot_profile"] = bot_profile(ws)
    if message.blocks is not None:
        body["blocks"] = message.blocks
    if message.attachments:
        body["attachments"] = [
            {"id": index, **attachment} for index, attachment in enumerate(message.attachments, 1)
        ]
    if message.thread_ts is not None:
        body["thread_ts"] = message.thread_ts
    if message.is_reply:
        body["parent_user_id"] = message.parent_user_id
    elif message.replies:
        reply_users = list(dict.fromkeys(r.user for r in message.replies))
        body.update(
            reply_count=len(message.replies),
            reply_users_count=len(reply_users),
            latest_reply=message.replies[-1].ts,
            reply_users=reply_users,
            subscribed=False,
        )
    if for_event and message.edited is not None:
        body["edited"] = dict(message.edited)
    return body


def channel_type(channel: Channel) -> str:
    """The ``channel_type`` of message events: ``channel``, ``group`` or ``im``."""
    if channel.im_user is not None:
        return "im"
    return "group" if channel.is_private else "channel"


def event_message(message: Message, channel: Channel, ws: Workspace) -> dict[str, Any]:
    """The ``event`` of a ``message`` Events API callback for a new message."""
    body = message_json(message, ws, for_event=True)
    body.pop("subscribed", None)
    body.update(channel=channel.id, event_ts=message.ts, channel_type=channel_type(channel))
    return body
