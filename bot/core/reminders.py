"""Reminders and nudges (DESIGN section 6): from the Checklist, Training and Calendar tabs and
today's date, one digest per reader (not one message per item), plus the coordinators' digest
(overdue escalations and calendar dates). "Due soon" and escalation count business days of the
district calendar (bot.core.calendar). Pure: no Slack, no storage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import pandas as pd

from bot.core.approvals import is_slack_user_id
from bot.core.calendar import DistrictCalendar
from bot.core.catalogue import MANUAL
from bot.core.checklist import Step, parse_checklist
from bot.core.status import Status, status_of
from bot.core.values import DateAnchors, parse_date
from bot.templates import normalize_header

TITLE_NOTE = 60
"""A person's task is titled by its instruction (Notes), cut to this many characters."""


class Kind(StrEnum):
    OVERDUE = "Overdue"
    DUE_SOON = "Due soon"
    APPROVAL = "Waiting for your approval"
    SESSION = "Training tomorrow"
    RESERVE = "Training to reserve"
    CALENDAR = "Calendar"
    ESCALATED = "Escalated"


ORDER = tuple(Kind)


@dataclass(frozen=True)
class Settings:
    """Digest thresholds: ``due_soon_days`` and ``escalate_after_days`` count business days,
    ``reserve_warn_days`` and ``calendar_ahead_days`` calendar days."""

    due_soon_days: int = 3
    escalate_after_days: int = 3
    reserve_warn_days: int = 7
    calendar_ahead_days: int = 7


@dataclass(frozen=True)
class Item:
    kind: Kind
    title: str
    note: str
    when: date | None = None
    step_id: str = ""
    owner: str = ""


@dataclass(frozen=True)
class Digest:
    """What one reader (an owner's email or Slack ID) is told today; ``reader`` is ``""``
    for the coordinators' digest."""

    reader: str
    day: date
    items: tuple[Item, ...] = ()

    def of(self, kind: Kind) -> list[Item]:
        return [i for i in self.items if i.kind is kind]

    @property
    def kinds(self) -> list[Kind]:
        return [k for k in ORDER if self.of(k)]


@dataclass(frozen=True)
class Reminders:
    digests: tuple[Digest, ...] = ()
    coordinators: Digest | None = None

    @property
    def messages(self) -> int:
        return len(self.digests) + (1 if self.coordinators else 0)


@dataclass
class _Collect:
    by_reader: dict[str, list[Item]] = field(default_factory=lambda: defaultdict(list))
    district: list[Item] = field(default_factory=list)

    def add(self, reader: str, item: Item) -> None:
        if reader:
            self.by_reader[reader].append(item)
        else:
            self.district.append(item)


def build_reminders(
    frames: Mapping[str, pd.DataFrame],
    today: date,
    approvers: Iterable[str] = (),
    settings: Settings | None = None,
    calendar: DistrictCalendar | None = None,
    anchors: DateAnchors | None = None,
) -> Reminders:
    """Every reader's digest for ``today``; readers and owners are matched case-insensitively.
    Without ``calendar``, the district calendar is the Calendar tab's alone (no national
    holidays); ``anchors`` let a Due be relative (``rollover-14d``)."""
    settings = settings or Settings()
    frame = frames.get("Calendar")
    if calendar is None:
        calendar = DistrictCalendar.from_frame(frame if frame is not None else pd.DataFrame())
    found = _Collect()
    checklist = frames.get("Checklist")
    if checklist is not None and len(checklist):
        steps, _ = parse_checklist(checklist)
        admins = [a.strip() for a in approvers if a.strip()]
        _steps(found, steps, today, admins, settings, calendar, anchors)
    training = frames.get("Training")
    if training is not None:
        _training(found, training, today, settings)
    if frame is not None:
        found.district += calendar_items(frame, today, settings.calendar_ahead_days, calendar)
    digests = tuple(
        Digest(reader, today, tuple(_sorted(items)))
        for reader, items in sorted(found.by_reader.items())
    )
    district = Digest("", today, tuple(_sorted(found.district))) if found.district else None
    return Reminders(digests, district)


def _sorted(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (ORDER.index(i.kind), i.when or date.max, i.title))


def _reader(text: str) -> str:
    """A reader's key: a Slack ID as is, an email in lower case."""
    text = text.strip()
    return text if is_slack_user_id(text) else text.casefold()


def _date(text: object, anchors: DateAnchors | None = None) -> date | None:
    try:
        return parse_date(str(text or ""), anchors)
    except ValueError:
        return None


def _title(step: Step) -> str:
    """``S-003 Edgenuity / archive students``; a person's task by its instruction."""
    if normalize_header(step.action) != MANUAL or not step.notes.strip():
        return f"{step.step_id} {step.system} / {step.action}".strip()
    note = " ".join(step.notes.split())
    if len(note) > TITLE_NOTE:
        note = note[: TITLE_NOTE - 1].rstrip() + "…"
    system = f"{step.system}: " if step.system else ""
    return f"{step.step_id} {system}{note}"


def _awaits_approval(step: Step) -> bool:
    """Awaiting approval, or Scheduled and awaiting approval ahead of its date."""
    status = status_of(step.status)
    if status is Status.AWAITING_APPROVAL:
        return True
    return status is Status.SCHEDULED and "awaiting approval" in step.status.casefold()


def _days(n: int) -> str:
    return f"{n} day" + ("" if n == 1 else "s")


def _day(day: date) -> str:
    """``Thu Dec 17``: short enough for a phone."""
    return f"{day:%a %b} {day.day}"


def _in(left: int) -> str:
    return "today" if left == 0 else ("tomorrow" if left == 1 else f"in {_days(left)}")


def _steps(
    found: _Collect,
    steps: list[Step],
    today: date,
    approvers: list[str],
    settings: Settings,
    calendar: DistrictCalendar,
    anchors: DateAnchors | None = None,
) -> None:
    seen: set[str] = set()
    for step in steps:
        if step.step_id in seen:
            continue
        seen.add(step.step_id)
        status = status_of(step.status)
        title = _title(step)
        if _awaits_approval(step):
            for approver in approvers:
                if _reader(approver) != _reader(step.owner):
                    note = step.plan or "a destructive step"
                    found.add(
                        _reader(approver), Item(Kind.APPROVAL, title, note, None, step.step_id)
                    )
        due = _date(step.due, anchors)
        if due is None or status is Status.DONE:
            continue
        owner = _reader(step.owner)
        left = (due - today).days
        if left >= 0 and calendar.business_days_between(today, due) <= settings.due_soon_days:
            item = Item(Kind.DUE_SOON, title, f"due {_in(left)} ({_day(due)})", due, step.step_id)
            found.add(owner, item)
        elif left < 0:
            note = f"overdue by {_days(-left)} (was due {_day(due)})"
            if step.status:
                note += f"; now: {step.status}"
            found.add(owner, Item(Kind.OVERDUE, title, note, due, step.step_id, owner))
            if calendar.business_days_between(due, today) >= settings.escalate_after_days:
                who = step.owner.strip() or "no owner"
                item = Item(Kind.ESCALATED, title, f"{note}; owner {who}", due, step.step_id, owner)
                found.add("", item)


def _training(found: _Collect, frame: pd.DataFrame, today: date, settings: Settings) -> None:
    for record in frame.to_dict("records"):
        name = str(record.get("Session", "") or "").strip()
        status = str(record.get("Status", "") or "").strip().casefold()
        if not name or status == "done":
            continue
        owner = _reader(str(record.get("Owner", "") or ""))
        held = _date(record.get("Date"))
        reserve_by = _date(record.get("Reserve by"))
        if held is not None and (held - today).days == 1:
            audience = str(record.get("Audience", "") or "").strip()
            note = f"tomorrow, {_day(held)}" + (f" ({audience})" if audience else "")
            found.add(owner, Item(Kind.SESSION, name, note, held))
        if status == "reserved" or reserve_by is None or (held is not None and held < today):
            continue
        left = (reserve_by - today).days
        if left <= settings.reserve_warn_days:
            when = (
                f"reserve by {_day(reserve_by)} ({_in(left)})"
                if left >= 0
                else f"reserve-by date passed {_days(-left)} ago ({_day(reserve_by)})"
            )
            found.add(
                owner,
                Item(Kind.RESERVE, name, f"{when}; still {status or 'not reserved'}", reserve_by),
            )


def _calendar_rows(calendar: DistrictCalendar) -> list[tuple[date, str, str]]:
    """Every usable Calendar row (schools' included) as (day, kind, name), by day."""
    rows = calendar.rows
    return list(zip(rows["day"], rows["kind"], rows["name"], strict=True))


def _spans(rows: list[tuple[date, str, str]], kind: str) -> list[tuple[date, date, str]]:
    """Consecutive days of ``kind`` (a break over several rows) as (first, last, name)."""
    spans: list[tuple[date, date, str]] = []
    for day, row_kind, name in rows:
        if row_kind != kind:
            continue
        if spans and (day - spans[-1][1]).days <= 3 and spans[-1][2] == name:
            spans[-1] = (spans[-1][0], day, name)
        else:
            spans.append((day, day, name))
    return spans


def calendar_items(
    frame: pd.DataFrame, today: date, ahead: int, calendar: DistrictCalendar | None = None
) -> list[Item]:
    """Pause, breaks, first day of school within ``ahead`` days, and a calendar without
    holidays (neither Calendar rows nor the config's national holidays); ``calendar``
    (default: the tab's alone) gives the pause's business day."""
    calendar = calendar or DistrictCalendar.from_frame(frame)
    rows = _calendar_rows(calendar)
    soon = [(d, k, n) for d, k, n in rows if 0 <= (d - today).days <= ahead]
    items: list[Item] = []

    def label(day: date) -> str:
        return f"{_day(day)} ({_in((day - today).days)})"

    pauses = [d for d, k, _ in rows if k == "pause"]
    for day, kind, name in soon:
        if kind == "pause":
            items.append(
                Item(
                    Kind.CALENDAR,
                    name or "Roster pause",
                    f"{label(day)}: pause imports before the rollover",
                    day,
                )
            )
        elif kind == "first day":
            items.append(
                Item(
                    Kind.CALENDAR,
                    name or "First day of school",
                    f"{label(day)}: the calendar and target dates must be set before",
                    day,
                )
            )
        elif kind == "rollover":
            items.append(Item(Kind.CALENDAR, name or "Rollover", label(day), day))
            if not any(p < day for p in pauses):
                pause = calendar.business_day_before(day)
                items.append(
                    Item(
                        Kind.CALENDAR,
                        "No pause date",
                        f"add a pause on {_day(pause)}, one business day before the rollover",
                        pause,
                    )
                )
    for first, last, name in _spans(rows, "break"):
        title = name or "Break"
        if 0 <= (first - today).days <= ahead:
            items.append(
                Item(Kind.CALENDAR, title, f"starts {label(first)}: turn imports off before", first)
            )
        back = last + timedelta(days=1)
        if 0 <= (back - today).days <= ahead:
            items.append(
                Item(
                    Kind.CALENDAR,
                    title,
                    f"ends {_day(last)}: turn imports back on after",
                    back,
                )
            )
    if not any(k == "holiday" for _, k, _ in rows) and not calendar.rules.national_holidays:
        items.append(
            Item(
                Kind.CALENDAR,
                "No holidays",
                "the Calendar tab has no holidays: add them before target dates are set",
            )
        )
    return items
