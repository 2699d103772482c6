"""In-memory workspace: users, channels, messages and threads (no I/O, thread-safe)."""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from bot.testing.slack_fake.ids import IdFactory, TsClock, parse_ts

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{8,}$")


class SlackError(Exception):
    """A Web API error; ``code`` becomes the ``error`` field of an ``ok: false`` response."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class User:
    """A workspace member (human or the app's bot user)."""

    id: str
    name: str
    email: str | None = None
    real_name: str = ""
    is_bot: bool = False
    bot_id: str | None = None
    app_id: str | None = None
    updated: int = 1700000000


@dataclass
class Message:
    """A channel message or a thread reply."""

    ts: str
    channel: str
    text: str
    user: str
    bot_id: str | None = None
    app_id: str | None = None
    blocks: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    parent_user_id: str | None = None
    subtype: str | None = None
    edited: dict[str, str] | None = None
    replies: list[Message] = field(default_factory=list)

    @property
    def is_reply(self) -> bool:
        """True for a message inside a thread other than its parent."""
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass
class Channel:
    """A conversation: public (``C``), private (``G``) or a direct message (``D``)."""

    id: str
    name: str
    is_private: bool = False
    im_user: str | None = None
    messages: list[Message] = field(default_factory=list)


def _with_block_ids(
    blocks: list[dict[str, Any]] | None, ids: IdFactory
) -> list[dict[str, Any]] | None:
    """Copy ``blocks`` and give every block without a ``block_id`` one, as Slack does."""
    if blocks is None:
        return None
    copied = copy.deepcopy(blocks)
    for block in copied:
        block.setdefault("block_id", ids.block())
    return copied


def _in_window(ts: str, oldest: str | None, latest: str | None, inclusive: bool) -> bool:
    """Whether ``ts`` lies between ``oldest`` and ``latest`` (Slack's history window)."""
    value = parse_ts(ts)
    if oldest is not None:
        low = parse_ts(oldest)
        if value < low or (value == low and not inclusive):
            return False
    if latest is not None:
        high = parse_ts(latest)
        if value > high or (value == high and not inclusive):
            return False
    return True


class Workspace:
    """All state of the fake workspace, guarded by one re-entrant lock."""

    def __init__(
        self,
        ids: IdFactory,
        clock: TsClock,
        team_name: str = "Rollover Test",
        bot_name: str = "rollover-bot",
    ) -> None:
        self.ids = ids
        self.clock = clock
        self.lock = threading.RLock()
        self.team_id = ids.team()
        self.team_name = team_name
        self.domain = "".join(c for c in team_name.lower() if c.isalnum()) or "fake"
        self.app_id = ids.app()
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.bot = self.add_user(
            name=bot_name, real_name=bot_name, is_bot=True, bot_id=ids.bot(), app_id=self.app_id
        )

    @property
    def url(self) -> str:
        """The workspace URL as ``auth.test`` reports it."""
        return f"https://{self.domain}.slack.com/"

    def add_user(
        self,
        name: str,
        email: str | None = None,
        user_id: str | None = None,
        real_name: str | None = None,
        is_bot: bool = False,
        bot_id: str | None = None,
        app_id: str | None = None,
    ) -> User:
        """Add (or replace) a member and return it."""
        user = User(
            id=user_id or self.ids.user(),
            name=name,
            email=email,
            real_name=real_name or name,
            is_bot=is_bot,
            bot_id=bot_id,
            app_id=app_id,
        )
        with self.lock:
            self.users[user.id] = user
        return user

    def user(self, user_id: str) -> User:
        """The member with this ID, else ``user_not_found``."""
        with self.lock:
            found = self.users.get(user_id)
        if found is None:
            raise SlackError("user_not_found")
        return found

    def user_by_email(self, email: str) -> User:
        """The member with this e-mail (case-insensitive), else ``users_not_found``."""
        wanted = email.strip().lower()
        with self.lock:
            for user in self.users.values():
                if user.email is not None and user.email.lower() == wanted:
                    return user
        raise SlackError("users_not_found")

    def create_channel(self, name: str, is_private: bool = False) -> Channel:
        """Create a channel (or return the existing one with that name)."""
        clean = name.lstrip("#")
        with self.lock:
            for channel in self.channels.values():
                if channel.name == clean and channel.im_user is None:
                    return channel
            channel_id = self.ids.channel("G" if is_private else "C")
            channel = Channel(id=channel_id, name=clean, is_private=is_private)
            self.channels[channel.id] = channel
            return channel

    def dm_channel(self, user_id: str) -> Channel:
        """The direct-message conversation between the bot and ``user_id``."""
        user = self.user(user_id)
        with self.lock:
            for channel in self.channels.values():
                if channel.im_user == user.id:
                    return channel
            channel = Channel(id=self.ids.channel("D"), name=user.id, im_user=user.id)
            self.channels[channel.id] = channel
            return channel

    def channel(self, ref: str, create: bool = False) -> Channel:
        """Resolve a channel by ID, ``#name`` or ``name`` (a user ID opens a DM)."""
        ref = ref.strip()
        with self.lock:
            if ref in self.channels:
                return self.channels[ref]
            if ref in self.users:
                return self.dm_channel(ref)
            name = ref.lstrip("#")
            for channel in self.channels.values():
                if channel.name == name and channel.im_user is None:
                    return channel
            if create and not _CHANNEL_ID.match(name):
                return self.create_channel(name)
        raise SlackError("channel_not_found")

    def find(self, channel: Channel, ts: str) -> Message:
        """The message (parent or reply) with this ``ts``, else ``message_not_found``."""
        with self.lock:
            for message in channel.messages:
                if message.ts == ts:
                    return message
                for reply in message.replies:
                    if reply.ts == ts:
                        return reply
        raise SlackError("message_not_found")

    def root(self, channel: Channel, ts: str) -> Message:
        """The thread parent for ``ts`` (the message itself if it is a parent)."""
        message = self.find(channel, ts)
        if message.is_reply:
            return self.find(channel, message.thread_ts or "")
        return message

    def post(
        self,
        channel: Channel,
        author: User,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
    ) -> Message:
        """Append a message (or a thread reply) and return it."""
        with self.lock:
            parent: Message | None = None
            if thread_ts:
                try:
                    parse_ts(thread_ts)
                except ValueError:
                    raise SlackError("invalid_thread_ts") from None
                try:
                    parent = self.root(channel, thread_ts)
                except SlackError:
                    raise SlackError("thread_not_found") from None
            message = Message(
                ts=self.clock.next(),
                channel=channel.id,
                text=text,
                user=author.id,
                bot_id=author.bot_id,
                app_id=author.app_id,
                blocks=_with_block_ids(blocks, self.ids),
                attachments=copy.deepcopy(attachments) if attachments else None,
            )
            if parent is None:
                channel.messages.append(message)
                return message
            parent.thread_ts = parent.ts
            message.thread_ts = parent.ts
            message.parent_user_id = parent.user
            if reply_broadcast:
                message.subtype = "thread_broadcast"
            parent.replies.append(message)
            return message

    def edit(
        self,
        channel: Channel,
        ts: str,
        text: str | None,
        blocks: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> tuple[Message, Message]:
        """Change a message's content in place; returns ``(previous copy, updated message)``."""
        with self.lock:
            message = self.find(channel, ts)
            previous = copy.deepcopy(message)
            previous.replies = []
            if text is not None:
                message.text = text
            if blocks is not None:
                message.blocks = _with_block_ids(blocks, self.ids)
            if attachments is not None:
                message.attachments = copy.deepcopy(attachments) or None
            message.edited = {"user": message.user, "ts": self.clock.next()}
            return previous, message

    def delete(self, channel: Channel, ts: str) -> None:
        """Remove a message (a parent takes its replies with it)."""
        with self.lock:
            message = self.find(channel, ts)
            if message.is_reply:
                self.root(channel, ts).replies.remove(message)
            else:
                channel.messages.remove(message)

    def history(
        self,
        channel: Channel,
        oldest: str | None = None,
        latest: str | None = None,
        inclusive: bool = False,
        limit: int = 100,
    ) -> tuple[list[Message], bool]:
        """Top-level messages and broadcast replies, newest first, with a ``has_more`` flag."""
        with self.lock:
            visible: list[Message] = []
            for message in channel.messages:
                visible.append(message)
                visible.extend(r for r in message.replies if r.subtype == "thread_broadcast")
            visible.sort(key=lambda m: parse_ts(m.ts), reverse=True)
            window = [m for m in visible if _in_window(m.ts, oldest, latest, inclusive)]
        return window[:limit], len(window) > limit

    def replies(
        self,
        channel: Channel,
        ts: str,
        oldest: str | None = None,
        latest: str | None = None,
        inclusive: bool = False,
        limit: int = 1000,
    ) -> tuple[Message, list[Message], bool]:
        """The thread parent and its replies (oldest first) in the window, plus ``has_more``."""
        with self.lock:
            try:
                parent = self.root(channel, ts)
            except SlackError:
                raise SlackError("thread_not_found") from None
            window = [r for r in parent.replies if _in_window(r.ts, oldest, latest, inclusive)]
        room = max(limit - 1, 0)
        return parent, window[:room], len(window) > room
