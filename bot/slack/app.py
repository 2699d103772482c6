"""The slack-bolt App: message events and the Approve / Reject buttons, handed to the
districts' SlackApprovals through the Router. Events are acknowledged at once; the work runs
on bolt's listener threads."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.approvals import Decision
from bot.notify.blocks import APPROVE_ACTION, REJECT_ACTION
from bot.slack.router import Router

log = logging.getLogger(__name__)
SOCKET_MODE_SECRET = "unused-in-socket-mode"


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
        approvals.on_click(body, Decision.REJECT)

    @app.error
    def on_error(error: Exception) -> None:
        log.error("slack listener failed: %s", error)

    return app
