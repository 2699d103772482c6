"""Digests as Slack messages: Block Kit that reads well on a phone (a header, one short
section per kind of reminder, at most a few lines each), with a plain-text fallback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from bot.calendar.district import date_anchors, district_calendar, district_rollover
from bot.core.reminders import Digest, Item, Kind, Reminders, Settings, build_reminders
from bot.notify.blocks import context, escape, section
from bot.notify.rich import RichMessage
from bot.services import Services

MAX_LINES = 6
MAX_NOTE = 110
Mention = Callable[[str], str]


def _line(item: Item) -> str:
    note = item.note if len(item.note) <= MAX_NOTE else item.note[: MAX_NOTE - 1] + "…"
    return f"• *{escape(item.title)}*: {escape(note)}"


def _group(kind: Kind, items: list[Item]) -> dict[str, Any]:
    lines = [_line(i) for i in items[:MAX_LINES]]
    if len(items) > MAX_LINES:
        lines.append(f"…and {len(items) - MAX_LINES} more")
    return section(f"*{kind.value}* ({len(items)})\n" + "\n".join(lines))


def _summary(digest: Digest) -> str:
    return ", ".join(f"{len(digest.of(k))} {k.value.casefold()}" for k in digest.kinds)


def digest_message(
    digest: Digest, channel: str, mention: Mention, district: str = ""
) -> RichMessage:
    """One reader's digest (or the coordinators', ``reader == ""``) as one message."""
    who = mention(digest.reader) if digest.reader else "Coordinators"
    day = f"{digest.day:%a %b} {digest.day.day}"
    title = f"Rollover digest · {day}"
    intro = f"{who}: {_summary(digest)}."
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        section(intro),
    ]
    blocks += [_group(kind, digest.of(kind)) for kind in digest.kinds]
    note = "Approve in the step's thread; tick Run in the Checklist to start a step."
    blocks.append(context(f"{escape(district)} · {note}" if district else note))
    text_lines = [f"{title}: {intro}"]
    text_lines += [f"{i.kind.value}: {i.title}: {i.note}" for i in digest.items]
    return RichMessage(
        "digest",
        "\n".join(text_lines),
        recipients=(digest.reader,) if digest.reader else (),
        blocks=tuple(blocks),
        channel=channel,
        key=f"digest:{digest.reader or 'coordinators'}:{digest.day.isoformat()}",
    )


def reminders_for(services: Services, today: date) -> Reminders:
    """Today's reminders from the workbook, with the settings of ``[slack]`` and the district
    calendar of ``[calendar]`` and the Calendar tab."""
    slack = services.config.slack
    settings = Settings(
        due_soon_days=slack.due_soon_days,
        escalate_after_days=slack.escalate_after_days,
        reserve_warn_days=slack.reserve_warn_days,
        calendar_ahead_days=slack.calendar_ahead_days,
    )
    policy = services.policy
    approvers = sorted(policy.admins) + sorted(policy.admin_ids)
    frames = services.workbook.read(["Checklist", "Training", "Calendar"]).frames
    tab = frames.get("Calendar", pd.DataFrame())
    calendar = district_calendar(services.config, tab, today)
    anchors = date_anchors(today, district_rollover(services.config, tab, today), calendar)
    return build_reminders(frames, today, approvers, settings, calendar, anchors)


def send_reminders(services: Services, today: date, mention: Mention | None = None) -> int:
    """One message per reader, the coordinators' digest to their channel; returns how many
    were handed to the notifier (the outbox sends each once a day)."""
    mention = mention or (lambda who: who)
    reminders = reminders_for(services, today)
    slack = services.config.slack
    district = services.config.district
    messages = [digest_message(d, slack.channel, mention, district) for d in reminders.digests]
    if reminders.coordinators is not None:
        messages.append(
            digest_message(reminders.coordinators, slack.escalation_channel, mention, district)
        )
    for message in messages:
        services.notifier.send(message)
    return len(messages)
