"""Digests know the rollover calendar (issue 17): a Due relative to the rollover date, a
person's task titled by its instruction, an approval asked ahead of a step's date, and no
"no holidays" nag when the config brings national holidays."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.core.calendar import CalendarRules, DistrictCalendar
from bot.core.reminders import Kind, build_reminders, calendar_items
from bot.core.values import DateAnchors

TODAY = date(2027, 6, 24)
OWNER = "coordinator@d.org"
ADMIN = "admin@d.org"


def checklist(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"Run": "TRUE"} | r for r in rows], dtype=object).fillna("")


def test_relative_dues_manual_titles_and_approvals_asked_ahead() -> None:
    frames = {
        "Checklist": checklist(
            [
                {
                    "Step ID": "S-004",
                    "System": "Twig Science",
                    "Action": "manual",
                    "Owner": OWNER,
                    "Due": "rollover-2bd",
                    "Notes": "Contact your CSM to confirm when your data freeze begins (and when "
                    "your reset date will be).",
                },
                {
                    "Step ID": "S-012",
                    "System": "Twig Science",
                    "Action": "archive previous year",
                    "Owner": OWNER,
                    "Due": "rollover",
                    "Status": "Scheduled: runs on 2027-06-30 (awaiting approval)",
                    "Plan": "Will archive 2 of 2 active previous-year classes",
                },
                {
                    "Step ID": "S-010",
                    "System": "Twig Science",
                    "Action": "pause rostering",
                    "Owner": OWNER,
                    "Status": "Scheduled: runs on 2027-06-29",
                },
            ]
        )
    }
    anchors = DateAnchors(TODAY, date(2027, 6, 30))
    reminders = build_reminders(frames, TODAY, [ADMIN], anchors=anchors)
    owner = next(d for d in reminders.digests if d.reader == OWNER)
    due = owner.of(Kind.DUE_SOON)
    assert [(i.step_id, i.when) for i in due] == [("S-004", date(2027, 6, 28))]
    assert due[0].title == (
        "S-004 Twig Science: Contact your CSM to confirm when your data freeze begins (a…"
    )
    admin = next(d for d in reminders.digests if d.reader == ADMIN)
    assert [i.step_id for i in admin.of(Kind.APPROVAL)] == ["S-012"]
    without = build_reminders(frames, TODAY, [ADMIN])
    assert OWNER not in [d.reader for d in without.digests], "rollover-2bd needs anchors"


def test_national_holidays_count_as_holidays_for_the_calendar_nag() -> None:
    frame = pd.DataFrame([{"Date": "2027-06-30", "Type": "rollover", "Name": ""}], dtype=object)
    bare = DistrictCalendar.from_frame(frame)
    titles = [i.title for i in calendar_items(frame, TODAY, 7, bare)]
    assert "No holidays" in titles
    rules = CalendarRules(national_holidays=frozenset({date(2027, 7, 5)}))
    national = DistrictCalendar.from_frame(frame, rules)
    assert "No holidays" not in [i.title for i in calendar_items(frame, TODAY, 7, national)]
