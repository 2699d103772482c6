"""Approvals from Slack (DESIGN section 5): thread replies and buttons become decisions.

Only a human's new reply in the thread of a step's approval request counts; edits, other
words, bots (this one included) and other threads change nothing. A person's reply in a
request's thread whose first word is neither ``approve`` nor ``reject`` is answered once with
what is accepted. The Reject button opens a modal asking for the reason; its submission is
the rejection. Each delivery is applied once. A refusal is answered in the thread with its
reason; an approval is confirmed and the step runs at once, its result posted in the thread
by the cycle.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.approvals import Decision, parse_reply, refusal, standing
from bot.errors import ApprovalRefused, NotifierError, RolloverError
from bot.notify.blocks import approval_blocks, decided_blocks, escape, reason_modal
from bot.notify.outbox import Outbox
from bot.notify.rich import RichMessage
from bot.run.runner import CycleRunner
from bot.run.seen import Seen, event_key, message_key
from bot.slack.people import Directory
from bot.steps.approve import decide

log = logging.getLogger(__name__)
EDIT_HINT = "Edited messages are not read: reply again with `approve` or `reject &lt;reason&gt;`."
UNRECOGNISED = (
    "Not understood: “{word}”. A reply here counts when its first word is `approve`, "
    "or `reject` followed by the reason: `reject &lt;reason&gt;`."
)
NO_FORM = (
    "<@{user}> the form for the reason could not be opened ({error}): "
    "reply `reject &lt;reason&gt;` in this thread instead."
)
GONE = {"thread_not_found", "message_not_found", "channel_not_found"}
SHOWN_WORD = 40


def unescape(text: str) -> str:
    """Message text as typed: Slack sends ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def modal_origin(body: Mapping[str, Any]) -> tuple[str, str]:
    """The channel and thread a reject reason modal was opened from (its private_metadata)."""
    try:
        where = json.loads(str((body.get("view") or {}).get("private_metadata") or "{}"))
    except ValueError:
        return "", ""
    if not isinstance(where, dict):
        return "", ""
    return str(where.get("channel", "")), str(where.get("thread", ""))


@dataclass(frozen=True)
class Vote:
    """A decision someone asked for: where, by whom, and the key that makes it happen once."""

    channel: str
    thread: str
    user: str
    decision: Decision
    reason: str
    answer_key: str


class SlackApprovals:
    def __init__(
        self,
        runner: CycleRunner,
        client: WebClient,
        directory: Directory,
        seen: Seen,
        outbox: Outbox,
        bot_user_id: str,
        channel: str,
    ) -> None:
        self.runner = runner
        self.services = runner.services
        self.client = client
        self.directory = directory
        self.seen = seen
        self.outbox = outbox
        self.bot_user_id = bot_user_id
        self.channel = channel
        self._handled: list[tuple[str, str]] = []
        self._cond = threading.Condition()

    def owns(self, thread: str) -> bool:
        """Whether ``thread`` is one of this district's approval threads."""
        with self.runner.lock:
            return self.services.state.step_for_thread(thread) is not None

    def on_message(self, event: Mapping[str, Any], event_id: str = "") -> str:
        """A ``message`` event (or a reply read back at start-up); returns what was done."""
        key = event_id or str(event.get("ts", ""))
        try:
            outcome = self._message(event, event_id)
        except RolloverError as exc:
            log.error("could not handle the message %s: %s", key, exc)
            outcome = f"error: {exc}"
        return self._note(key, outcome)

    def on_click(self, body: Mapping[str, Any], decision: Decision) -> str:
        """An Approve / Reject button on an approval message."""
        action = (body.get("actions") or [{}])[0]
        key = str(body.get("trigger_id") or action.get("action_ts") or "")
        try:
            outcome = self._click(body, decision, key)
        except RolloverError as exc:
            log.error("could not handle the click %s: %s", key, exc)
            outcome = f"error: {exc}"
        return self._note(key, outcome)

    def on_reject_click(self, body: Mapping[str, Any]) -> str:
        """The Reject button: a modal asking for the reason (the submission rejects)."""
        key = str(body.get("trigger_id") or "")
        try:
            outcome = self._ask_reason(body, key)
        except RolloverError as exc:
            log.error("could not handle the click %s: %s", key, exc)
            outcome = f"error: {exc}"
        return self._note(key, outcome)

    def on_reason(self, body: Mapping[str, Any], reason: str) -> str:
        """The reason modal submitted with a non-empty ``reason``: the rejection."""
        key = str(body.get("trigger_id") or "")
        try:
            outcome = self._reasoned(body, reason)
        except RolloverError as exc:
            log.error("could not handle the rejection %s: %s", key, exc)
            outcome = f"error: {exc}"
        return self._note(key, outcome)

    def catch_up(self) -> int:
        """Read the threads of steps awaiting approval: replies sent while the bot was down
        count (those already applied are skipped). A request whose thread is not in this
        Slack (posted on the console before a switch to Slack) or is gone is left to the
        next cycle, which posts it anew. Returns how many replies were read."""
        with self.runner.lock:
            waiting = self.services.state.awaiting_threads()
        notifier = self.services.notifier
        read = 0
        message: dict[str, Any]
        for request in waiting:
            if notifier.lost(request.thread):
                log.info(
                    "%s: its approval request (%s) is not a thread of this Slack workspace; "
                    "the next cycle posts it",
                    request.step_id,
                    request.thread,
                )
                continue
            sent = self.outbox.sent_as(request.thread)
            channel = (sent.channel_id if sent else "") or self.channel
            try:
                answer = self.client.conversations_replies(
                    channel=channel, ts=request.thread, limit=200
                )
            except SlackApiError as exc:
                error = str(exc.response.get("error", ""))
                if error in GONE:
                    notifier.gone(request.thread)
                    log.warning(
                        "%s: its approval request is gone from Slack (%s); the next cycle "
                        "posts it again",
                        request.step_id,
                        error,
                    )
                else:
                    log.error("cannot read the thread of %s: %s", request.step_id, error)
                continue
            except (SlackClientError, OSError) as exc:
                log.error("cannot read the thread of %s: %s", request.step_id, exc)
                continue
            for message in list(answer.get("messages", []))[1:]:
                if message.get("edited"):
                    continue
                read += 1
                self.on_message({**message, "channel": channel})
        return read

    def wait_for(self, key: str, count: int = 1, timeout: float = 10.0) -> list[str]:
        """Block until ``key`` (an event_id, a reply's ts when read back at start-up, or a
        click's trigger_id) was handled ``count`` times; returns the outcomes (tests)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._outcomes(key)) >= count, timeout):
                raise TimeoutError(f"{key} not handled {count} time(s) within {timeout}s")
            return self._outcomes(key)

    def _outcomes(self, key: str) -> list[str]:
        return [outcome for k, outcome in self._handled if k == key]

    def _note(self, key: str, outcome: str) -> str:
        log.info("slack %s: %s", key, outcome)
        with self._cond:
            self._handled.append((key, outcome))
            self._cond.notify_all()
        return outcome

    def _message(self, event: Mapping[str, Any], event_id: str) -> str:
        subtype = event.get("subtype")
        if subtype == "message_changed":
            return self._edited(event, event_id)
        if subtype or event.get("bot_id") or event.get("user") == self.bot_user_id:
            return "ignored: not a person's new message"
        ts, thread = str(event.get("ts", "")), str(event.get("thread_ts", ""))
        if not thread or thread == ts:
            return "ignored: not a thread reply"
        text = unescape(str(event.get("text", "")))
        channel = str(event.get("channel", ""))
        user = str(event.get("user", ""))
        parsed = parse_reply(text)
        if parsed is None:
            return self._other_words(channel, thread, ts, user, text, event_id)
        if not self.seen.claim(event_key(event_id) if event_id else "", message_key(channel, ts)):
            return "duplicate"
        return self._vote(Vote(channel, thread, user, parsed[0], parsed[1], f"{channel}:{ts}"))

    def _other_words(
        self, channel: str, thread: str, ts: str, user: str, text: str, event_id: str
    ) -> str:
        """A person's reply in the thread of a request still waiting for its decision, that
        neither approves nor rejects: answered once with what is accepted."""
        with self.runner.lock:
            waiting = self._waiting(thread)
        if not waiting or self.directory.person(user).is_bot:
            return "ignored: other words"
        if not self.seen.claim(event_key(event_id) if event_id else "", message_key(channel, ts)):
            return "duplicate"
        word = text.split()[0] if text.split() else ""
        if len(word) > SHOWN_WORD:
            word = word[: SHOWN_WORD - 1] + "…"
        self._answer(channel, thread, UNRECOGNISED.format(word=escape(word)), f"{channel}:{ts}")
        return "answered: other words"

    def _waiting(self, thread: str) -> bool:
        """Whether ``thread`` is its step's latest request, not decided yet."""
        state = self.services.state
        step = state.step_for_thread(thread)
        request = state.approval_request(step) if step else None
        if step is None or request is None or request.thread != thread:
            return False
        return standing(state.decision(step), request.fingerprint) in ("none", "void")

    def _edited(self, event: Mapping[str, Any], event_id: str) -> str:
        message = event.get("message") or {}
        thread, ts = str(message.get("thread_ts", "")), str(message.get("ts", ""))
        if message.get("bot_id") or not thread or thread == ts:
            return "ignored: edit"
        if parse_reply(str(message.get("text", ""))) is None:
            return "ignored: edit"
        channel = str(event.get("channel", ""))
        with self.runner.lock:
            step = self.services.state.step_for_thread(thread)
        if step is None or not self.seen.claim(event_key(event_id) if event_id else ""):
            return "ignored: edit"
        self._answer(channel, thread, EDIT_HINT, f"edit:{event_id or ts}")
        return "ignored: edit"

    def _click(self, body: Mapping[str, Any], decision: Decision, key: str) -> str:
        channel = str((body.get("channel") or {}).get("id", ""))
        container = body.get("container") or {}
        thread = str(container.get("message_ts") or (body.get("message") or {}).get("ts", ""))
        user = str((body.get("user") or {}).get("id", ""))
        if not self.seen.claim(f"action:{key}"):
            return "duplicate"
        return self._vote(Vote(channel, thread, user, decision, "", f"{channel}:click:{key}"))

    def _ask_reason(self, body: Mapping[str, Any], key: str) -> str:
        channel = str((body.get("channel") or {}).get("id", ""))
        container = body.get("container") or {}
        message = body.get("message") or {}
        thread = str(container.get("message_ts") or message.get("ts", ""))
        user = str((body.get("user") or {}).get("id", ""))
        step = str(((body.get("actions") or [{}])[0]).get("value", ""))
        title = str(message.get("text", "")).split("\n")[0]
        metadata = json.dumps({"channel": channel, "thread": thread})
        try:
            self.client.views_open(trigger_id=key, view=reason_modal(step, title, metadata))
        except (SlackApiError, SlackClientError, OSError) as exc:
            error = (
                str(exc.response.get("error", "")) if isinstance(exc, SlackApiError) else str(exc)
            )
            log.warning("could not open the reason form for %s: %s", step, error)
            self._answer(
                channel, thread, NO_FORM.format(user=user, error=error), f"{channel}:click:{key}"
            )
            return "refused: no form"
        return "asked for a reason"

    def _reasoned(self, body: Mapping[str, Any], reason: str) -> str:
        view = body.get("view") or {}
        channel, thread = modal_origin(body)
        user = str((body.get("user") or {}).get("id", ""))
        view_id = str(view.get("id", ""))
        if not thread or not self.seen.claim(f"view:{view_id}"):
            return "duplicate" if thread else "ignored: not an approval thread"
        vote = Vote(channel, thread, user, Decision.REJECT, reason, f"{channel}:view:{view_id}")
        return self._vote(vote)

    def _vote(self, vote: Vote) -> str:
        state = self.services.state
        with self.runner.lock:
            step = state.step_for_thread(vote.thread)
            if step is None:
                return "ignored: not an approval thread"
            request = state.approval_request(step)
            assert request is not None
            person = self.directory.person(vote.user)
            if person.is_bot:
                return "ignored: not a person's new message"
            if request.thread != vote.thread:
                self._answer(
                    vote.channel,
                    vote.thread,
                    f"Not applied: {step} changed since this request; "
                    "decide in the thread of its latest request.",
                    vote.answer_key,
                )
                return "refused: an earlier plan"
            policy = self.directory.resolve(self.services.policy)
            why = refusal(policy, person.who, request.owner, user_id=person.user_id)
            reason = vote.reason if vote.decision is Decision.REJECT else None
            try:
                if why:
                    raise ApprovalRefused(f"{step}: {why}")
                if reason is not None and not reason.strip():
                    raise ApprovalRefused(
                        f"{step}: a rejection needs its reason: reply `reject <reason>`"
                    )
                decide(replace(self.services, policy=policy), step, person.who, reason)
            except ApprovalRefused as exc:
                self._answer(
                    vote.channel, vote.thread, f"Not applied: {escape(str(exc))}", vote.answer_key
                )
                return "refused"
            verb = "Approved" if reason is None else "Rejected"
            note = f"{verb} by <@{person.user_id}>" + (f": {escape(reason)}" if reason else "")
            then = f" Running {step} now." if reason is None else ""
            self._answer(vote.channel, vote.thread, note + "." + then, vote.answer_key)
            self._close_request(vote.channel, vote.thread, step, note)
            self.runner.run()
        return verb.casefold()

    def _answer(self, channel: str, thread: str, text: str, key: str) -> None:
        message = RichMessage("answer", text, thread=thread, channel=channel, key=f"answer:{key}")
        try:
            self.services.notifier.send(message)
        except NotifierError as exc:
            log.error("could not answer in the thread %s: %s", thread, exc)

    def _close_request(self, channel: str, thread: str, step: str, note: str) -> None:
        """The approval message loses its buttons and says who decided."""
        sent = self.outbox.sent_as(thread)
        if sent is None:
            return
        posted = sent.blocks or approval_blocks(sent.text, step)
        try:
            self.client.chat_update(
                channel=sent.channel_id or channel,
                ts=thread,
                text=sent.text,
                blocks=decided_blocks(posted, note),
            )
        except (SlackClientError, OSError) as exc:
            log.warning("could not update the approval message of %s: %s", step, exc)
