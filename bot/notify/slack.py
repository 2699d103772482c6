"""The Slack notifier: posts through slack_sdk's WebClient, every message via the outbox.

Transient failures (rate limits, 5xx, lost connections: retried by the client's handlers
first) leave the message pending; it goes out with the next send or ``flush``. Slack refusing
a message (a bad channel, a missing scope) is a NotifierError naming Slack's error code.

A thread this notifier did not post (the console's, before a switch to Slack) or that is gone
from Slack is *lost*: an approval request in it is posted anew, other messages for it go to
the channel. The Checklist's Thread column shows a link to the thread, built from the
workspace address ``auth.test`` gives.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.abc import StateStore
from bot.errors import NotifierError
from bot.notify.base import BaseNotifier
from bot.notify.blocks import approval_blocks
from bot.notify.outbox import DROPPED, FAILED, SENT, Entry, Outbox
from bot.notify.rich import RichMessage
from bot.slack.people import Directory
from bot.structures import Message

log = logging.getLogger(__name__)
TRANSIENT_ERRORS = {"ratelimited", "fatal_error", "service_unavailable", "request_timeout"}
META_EVENT = "rollover_outbox"
SLACK_TS = re.compile(r"^\d{10}\.\d{6}$")
URL_RETRY_SECONDS = 300


def message_key(message: Message, channel: str) -> str:
    """The outbox key: a RichMessage's own key, else step + kind + a fingerprint of the text."""
    if isinstance(message, RichMessage) and message.key:
        return message.key
    digest = hashlib.sha256(f"{channel}\n{message.thread}\n{message.text}".encode()).hexdigest()
    return f"{message.step_id or '-'}:{message.kind}:{digest[:20]}"


class SlackNotifier(BaseNotifier):
    """Posts to ``channel`` (name or ID). With ``state``, an approval request still pending
    when its plan changed is dropped, and a late-sent one gets its thread recorded."""

    listens = True

    def __init__(
        self,
        client: WebClient,
        outbox: Outbox,
        channel: str,
        state: StateStore | None = None,
    ) -> None:
        self.client = client
        self.outbox = outbox
        self.channel = channel
        self.state = state
        self.directory = Directory(client)
        self._lock = threading.RLock()
        self._gone: set[str] = set()
        self._workspace = ""
        self._workspace_retry = 0.0

    def send(self, message: Message) -> str:
        channel = self.channel
        blocks: list[dict[str, Any]] = []
        thread = "" if self.lost(message.thread) else message.thread
        if isinstance(message, RichMessage):
            channel = message.channel or channel
            blocks = list(message.blocks)
        if message.kind == "approval_request" and not blocks:
            blocks = approval_blocks(message.text, message.step_id, self._mention)
        entry = Entry(
            message_key(replace(message, thread=thread), channel),
            message.kind,
            message.step_id,
            channel,
            thread,
            message.text,
            blocks,
        )
        with self._lock:
            held = self.outbox.record(entry)
            if held.state != SENT:
                self.flush()
                held = self.outbox.get(entry.key) or held
        if held.state != SENT:
            return ""
        return held.thread or held.ts

    def lost(self, thread: str) -> bool:
        """Not a thread this bot posted in this Slack (a console thread, another
        workspace's), or one found gone (``gone``)."""
        if not thread:
            return False
        if thread in self._gone or not SLACK_TS.match(thread):
            return True
        return self.outbox.sent_as(thread) is None

    def gone(self, thread: str) -> None:
        """Slack says ``thread`` no longer exists (its message was deleted)."""
        self._gone.add(thread)

    def link(self, thread: str, shown: str = "") -> str:
        """``https://WORKSPACE.slack.com/archives/CHANNEL/pTS``: Slack's permalink of the
        thread's first message. When it cannot be made (Slack unreachable), ``shown`` if it
        already links to ``thread``, else the thread as kept."""
        sent = self.outbox.sent_as(thread) if thread and not self.lost(thread) else None
        base = self._workspace_url() if sent is not None and sent.channel_id else ""
        if sent is None or not base:
            return super().link(thread, shown)
        return f"{base}archives/{sent.channel_id}/p{thread.replace('.', '')}"

    def _workspace_url(self) -> str:
        """The workspace address from ``auth.test``, asked once (again after a failure, but
        not before ``URL_RETRY_SECONDS``)."""
        with self._lock:
            if self._workspace or time.monotonic() < self._workspace_retry:
                return self._workspace
            try:
                url = str(self.client.auth_test()["url"])
            except (SlackClientError, OSError, KeyError) as exc:
                self._workspace_retry = time.monotonic() + URL_RETRY_SECONDS
                log.warning("cannot read the workspace address from Slack (auth.test): %s", exc)
                return ""
            self._workspace = url if url.endswith("/") else url + "/"
            return self._workspace

    def mention(self, who: str) -> str:
        """``<@U...>`` for an email or ID Slack knows, else ``who``; a NotifierError when
        Slack cannot be asked."""
        return self.directory.mention(who)

    def _mention(self, who: str) -> str:
        """``<@U...>`` for an email Slack knows, else the email (also when Slack is down)."""
        try:
            return self.directory.mention(who)
        except NotifierError as exc:
            log.warning("cannot look up %s in Slack: %s", who, exc)
            return who

    def flush(self) -> int:
        """Send pending messages, oldest first; stop at the first transient failure.
        Returns how many were sent."""
        sent = 0
        with self._lock:
            for entry in self.outbox.pending():
                if not self._wanted(entry):
                    self.outbox.mark_error(
                        entry.key, "the plan changed before it was sent", DROPPED
                    )
                    continue
                if not self._deliver(entry):
                    break
                sent += 1
        return sent

    def _deliver(self, entry: Entry) -> bool:
        found = self._posted_before(entry) if entry.attempts else None
        if found is not None:
            ts, channel_id = found
        else:
            self.outbox.attempt(entry.key)
            try:
                response = self.client.chat_postMessage(
                    channel=entry.channel,
                    text=entry.text,
                    blocks=entry.blocks or None,
                    thread_ts=entry.thread or None,
                    unfurl_links=False,
                    unfurl_media=False,
                    metadata={"event_type": META_EVENT, "event_payload": {"key": entry.key}},
                )
            except SlackApiError as exc:
                error = str(exc.response.get("error", "")) or f"HTTP {exc.response.status_code}"
                if exc.response.status_code >= 500 or error in TRANSIENT_ERRORS:
                    self.outbox.mark_error(entry.key, error)
                    log.warning("Slack is unavailable (%s); message kept to send later", error)
                    return False
                self.outbox.mark_error(entry.key, error, FAILED)
                raise NotifierError(
                    f"Slack refused a message to {entry.channel}: {error}"
                    + _hint(error, entry.channel)
                ) from None
            except (SlackClientError, OSError) as exc:
                self.outbox.mark_error(entry.key, type(exc).__name__)
                log.warning("cannot reach Slack (%s); message kept to send later", exc)
                return False
            ts, channel_id = str(response["ts"]), str(response.get("channel", ""))
        self.outbox.mark_sent(entry.key, ts, channel_id)
        self._record_thread(entry, ts)
        return True

    def _posted_before(self, entry: Entry) -> tuple[str, str] | None:
        """A message an earlier, interrupted attempt did post (found by key or text)."""
        messages: list[dict[str, Any]]
        channel = self.outbox.channel_id(entry.channel) or entry.channel
        try:
            if entry.thread:
                answer = self.client.conversations_replies(
                    channel=channel, ts=entry.thread, include_all_metadata=True, limit=200
                )
                messages = list(answer.get("messages", []))[1:]
            else:
                answer = self.client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=100
                )
                messages = list(answer.get("messages", []))
        except (SlackClientError, OSError):
            return None
        for message in messages:
            meta = (message.get("metadata") or {}).get("event_payload") or {}
            if message.get("bot_id") and (
                meta.get("key") == entry.key or message.get("text") == entry.text
            ):
                return str(message["ts"]), channel
        return None

    def _wanted(self, entry: Entry) -> bool:
        """An approval request is sent only while its plan is the step's pending one."""
        if self.state is None or entry.kind != "approval_request" or not entry.step_id:
            return True
        current = self.state.approval_request(entry.step_id)
        return current is not None and current.fingerprint in entry.text

    def _record_thread(self, entry: Entry, ts: str) -> None:
        if self.state is None or entry.kind != "approval_request" or not entry.step_id:
            return
        current = self.state.approval_request(entry.step_id)
        if current is not None and not current.thread and current.fingerprint in entry.text:
            self.state.set_thread(entry.step_id, current.fingerprint, ts)


def _hint(error: str, channel: str) -> str:
    hints = {
        "channel_not_found": f" (check [slack] channel, and invite the bot to #{channel})",
        "not_in_channel": f" (invite the bot to #{channel}: /invite @rollover-bot)",
        "invalid_auth": " (check SLACK_BOT_TOKEN)",
        "not_authed": " (SLACK_BOT_TOKEN is empty)",
        "missing_scope": " (add the scope from slack/manifest.yml and reinstall the app)",
    }
    return hints.get(error, "")
