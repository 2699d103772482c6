"""The slack-bolt App: message events, the Approve / Reject buttons and the reject reason
modal, handed to the districts' SlackApprovals through the Router. Events are acknowledged at
once; the work runs on bolt's listener threads. An empty reason keeps the modal open with an
error."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.approvals import Decision
from bot.notify.blocks import APPROVE_ACTION, REASON_BLOCK, REASON_VIEW, REJECT_ACTION, reason_of
from bot.slack.router import Router

log = logging.getLogger(__name__)
SOCKET_MODE_SECRET = "unused-in-socket-mode"
NO_REASON = "Say why you reject this step: the reason is recorded with the rejection."


def build_app(approvals: Router, client: WebClient, signing_secret: str = "") -> App:
    """An App on ``client`` (its token and base URL); ``signing_secret`` checks HTTP requests."""
    app = App(
        client=client,
        signing_secret=signing_secret or SOCKET_MODE_SECRET,
        token_verification_enabled=False,
        ignoring_self_events_enabled=False,
        logger=log,
    )

    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        approvals.on_message(event, str(body.get("event_id", "")))

    @app.action(APPROVE_ACTION)
    def on_approve(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        approvals.on_click(body, Decision.APPROVE)

    @app.action(REJECT_ACTION)
    def on_reject(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        approvals.on_reject_click(body)

    @app.view(REASON_VIEW)
    def on_reason(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        reason = reason_of(view)
        if not reason:
            ack(response_action="errors", errors={REASON_BLOCK: NO_REASON})
            return
        ack()
        approvals.on_reason(body, reason)

    @app.error
    def on_error(error: Exception) -> None:
        log.error("slack listener failed: %s", error)

    return app
