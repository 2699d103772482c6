"""Block Kit for the approval message: the request, then Approve / Reject buttons."""

from __future__ import annotations

from typing import Any

APPROVE_ACTION = "rollover_approve"
REJECT_ACTION = "rollover_reject"
SECTION_LIMIT = 3000


def escape(text: str) -> str:
    """Slack's mrkdwn control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> dict[str, Any]:
    if len(text) > SECTION_LIMIT:
        text = text[: SECTION_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_LIMIT]}]}


def approval_blocks(text: str, step_id: str) -> list[dict[str, Any]]:
    """The cycle's approval text: title in bold, details, buttons, then how to reply."""
    lines = escape(text).splitlines() or [""]
    title, details = lines[0], lines[1:]
    hints = [line for line in details if line.startswith("Reply ")]
    body = [line for line in details if not line.startswith("Reply ")]
    blocks = [section(f"*{title}*")]
    if body:
        blocks.append(section("\n".join(body)))
    blocks.append(
        {
            "type": "actions",
            "block_id": f"approval-{step_id}",
            "elements": [
                _button("Approve", APPROVE_ACTION, step_id, "primary"),
                _button("Reject", REJECT_ACTION, step_id, "danger"),
            ],
        }
    )
    blocks.append(context("\n".join(hints) or "Reply `approve` or `reject <reason>`"))
    return blocks


def decided_blocks(text: str, step_id: str, outcome: str) -> list[dict[str, Any]]:
    """The approval message once decided: the buttons give way to who decided."""
    kept = [b for b in approval_blocks(text, step_id) if b["type"] == "section"]
    return [*kept, context(escape(outcome))]


def _button(label: str, action_id: str, value: str, style: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
        "style": style,
    }
