"""Block Kit for the approval message: the request, then Approve / Reject buttons; and the
modal that asks for the reason of a rejection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Mention = Callable[[str], str]
APPROVE_ACTION = "rollover_approve"
REJECT_ACTION = "rollover_reject"
REASON_VIEW = "rollover_reject_reason"
REASON_BLOCK = "reason"
REASON_INPUT = "reason_text"
REASON_LIMIT = 500
TITLE_LIMIT = 24
SECTION_LIMIT = 3000
OWNER = "Owner: "
OVER_THRESHOLD = "Over the safety threshold"


def escape(text: str) -> str:
    """Slack's mrkdwn control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> dict[str, Any]:
    if len(text) > SECTION_LIMIT:
        text = text[: SECTION_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_LIMIT]}]}


def approval_blocks(
    text: str, step_id: str, mention: Mention | None = None
) -> list[dict[str, Any]]:
    """The cycle's approval text: title in bold, an over-threshold override called out,
    details (the owner as an @mention when ``mention`` knows them), buttons, how to reply."""
    lines = text.splitlines() or [""]
    title, details = lines[0], lines[1:]
    hints = [line for line in details if line.startswith("Reply ")]
    alerts = [line for line in details if line.startswith(OVER_THRESHOLD)]
    body = [_detail(line, mention) for line in details if line not in hints and line not in alerts]
    blocks = [section(f"*{escape(title)}*")]
    blocks += [
        section(f":warning: *{escape(OVER_THRESHOLD)}*{escape(a[len(OVER_THRESHOLD) :])}")
        for a in alerts
    ]
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
    blocks.append(context(escape("\n".join(hints) or "Reply `approve` or `reject <reason>`")))
    return blocks


def _detail(line: str, mention: Mention | None) -> str:
    """One line of details as mrkdwn; the owner named by ``mention`` (``<@U...>``)."""
    if mention is None or not line.startswith(OWNER):
        return escape(line)
    owner, gap, rest = line[len(OWNER) :].partition("   ")
    shown = mention(owner) if owner.strip() not in ("", "-") else owner
    if not shown.startswith("<@"):
        shown = escape(shown)
    return f"{OWNER}{shown}{gap}{escape(rest)}"


def decided_blocks(blocks: list[dict[str, Any]], outcome: str) -> list[dict[str, Any]]:
    """The approval message as posted (``blocks``) once decided: the buttons and the how to
    reply give way to ``outcome``, mrkdwn (``Approved by <@U...>``)."""
    kept = [b for b in blocks if b.get("type") == "section"]
    return [*kept, context(outcome)]


def _button(label: str, action_id: str, value: str, style: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
        "style": style,
    }


def reason_modal(step_id: str, title: str, metadata: str) -> dict[str, Any]:
    """The modal a Reject button opens: why (required; the reason is recorded). ``title``
    is the request's first line; ``metadata`` comes back with the submission."""
    return {
        "type": "modal",
        "callback_id": REASON_VIEW,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": f"Reject {step_id}"[:TITLE_LIMIT]},
        "submit": {"type": "plain_text", "text": "Reject"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"*{escape(title)}*"),
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": {"type": "plain_text", "text": "Why reject it?"},
                "hint": {
                    "type": "plain_text",
                    "text": "The reason is posted in the step's thread and written to the sheet.",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_INPUT,
                    "multiline": True,
                    "max_length": REASON_LIMIT,
                },
            },
        ],
    }


def reason_of(view: dict[str, Any]) -> str:
    """The reason typed in a submitted ``reason_modal``, trimmed."""
    values = (view.get("state") or {}).get("values") or {}
    typed = (values.get(REASON_BLOCK) or {}).get(REASON_INPUT) or {}
    return str(typed.get("value") or "").strip()
