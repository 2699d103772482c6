"""Reminders (pure) and digests on Slack: one message per owner, not one per item."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import time_machine

from bot.cli import main
from bot.core.reminders import Kind, Settings, build_reminders, calendar_items
from bot.notify.digest import digest_message
from bot.notify.outbox import Outbox
from bot.notify.slack import SlackNotifier
from bot.slack.client import make_client
from bot.slack.people import Directory
from bot.state.sqlite import SqliteState
from bot.testing.fake_slack import FakeSlack
from tests.slack.slack_server import SlackServer
from tests.slack.slack_world import slack_demo, slack_env

CHICAGO = ZoneInfo("America/Chicago")
TODAY = date(2026, 12, 7)  # a Monday
OWNERS = [f"owner{n}@district.example.org" for n in range(5)]
USERS = [{"id": f"U0OWNER000{n}", "email": e, "name": f"owner{n}"} for n, e in enumerate(OWNERS)]
HOLIDAY = {"Date": "2027-01-18", "Type": "holiday", "Name": "MLK Day", "School": ""}


def steps(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"Step ID": f"S-{n + 1:03d}", "System": "Edgenuity", "Run": "TRUE", **r}
            for n, r in enumerate(rows)
        ]
    )


def forty_due_items() -> pd.DataFrame:
    return steps(
        [
            {
                "Action": "archive students",
                "Owner": OWNERS[n % 5],
                "Due": str(TODAY + timedelta(days=n % 3)),
            }
            for n in range(40)
        ]
    )


def test_forty_due_items_for_five_owners_make_five_digests() -> None:
    frames = {"Checklist": forty_due_items(), "Calendar": pd.DataFrame([HOLIDAY])}
    reminders = build_reminders(frames, TODAY)
    assert reminders.messages == 5 and reminders.coordinators is None
    assert [d.reader for d in reminders.digests] == OWNERS
    assert all(len(d.of(Kind.DUE_SOON)) == 8 for d in reminders.digests)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(USERS, channels=["rollover", "coordinators"]) as slack:
        yield slack


def test_five_slack_messages_mentioning_each_owner(fake: FakeSlack, tmp_path: Path) -> None:
    client = make_client(fake.bot_token, fake.api_url, retry_seconds=0)
    state = SqliteState(tmp_path / "state.sqlite")
    slack = SlackNotifier(client, Outbox(state), "rollover")
    directory = Directory(client)
    frames = {"Checklist": forty_due_items(), "Calendar": pd.DataFrame([HOLIDAY])}
    for _ in range(2):  # a second run the same day sends nothing more
        for digest in build_reminders(frames, TODAY).digests:
            slack.send(digest_message(digest, "rollover", directory.mention, "Demo District"))
    messages = fake.messages()["rollover"]
    assert len(messages) == 5 and len(fake.requests("chat.postMessage")) == 5
    assert len(fake.requests("users.lookupByEmail")) == 5
    first = messages[0]["blocks"]
    assert first[0]["type"] == "header"
    assert first[0]["text"] == {"type": "plain_text", "text": "Rollover digest · Mon Dec 7"}
    assert first[1]["text"]["text"] == f"<@{USERS[0]['id']}>: 8 due soon."
    lines = first[2]["text"]["text"].splitlines()
    assert lines[0] == "*Due soon* (8)" and lines[-1] == "…and 2 more" and len(lines) == 8
    assert lines[1] == "• *S-001 Edgenuity / archive students*: due today (Mon Dec 7)"
    state.close()


def test_overdue_steps_are_escalated_after_n_days() -> None:
    """N business days: due Wed Dec 2 is 3 business days late on Mon Dec 7, Fri Dec 4 only 1."""
    frame = steps(
        [
            {
                "Action": "archive students",
                "Owner": OWNERS[0],
                "Due": str(TODAY - timedelta(days=1)),
            },
            {"Action": "promote grades", "Owner": OWNERS[0], "Due": str(TODAY - timedelta(days=5))},
            {"Action": "import roster", "Owner": OWNERS[0], "Due": str(TODAY - timedelta(days=3))},
            {
                "Action": "create students",
                "Owner": OWNERS[1],
                "Due": "2026-11-01",
                "Status": "Done",
            },
        ]
    )
    reminders = build_reminders(
        {"Checklist": frame, "Calendar": pd.DataFrame([HOLIDAY])},
        TODAY,
        settings=Settings(escalate_after_days=3),
    )
    (mine,) = reminders.digests
    assert [i.note for i in mine.of(Kind.OVERDUE)] == [
        "overdue by 5 days (was due Wed Dec 2)",
        "overdue by 3 days (was due Fri Dec 4)",
        "overdue by 1 day (was due Sun Dec 6)",
    ]
    assert reminders.coordinators is not None
    (escalated,) = reminders.coordinators.items
    assert escalated.kind is Kind.ESCALATED and escalated.step_id == "S-002"
    assert escalated.note.endswith(f"owner {OWNERS[0]}")


def test_steps_waiting_on_the_readers_approval() -> None:
    frame = steps(
        [
            {
                "Action": "archive students",
                "Owner": "c@x.org",
                "Status": "Awaiting approval",
                "Plan": "Will archive 3",
            },
        ]
    )
    reminders = build_reminders({"Checklist": frame}, TODAY, ["A@x.org", "c@x.org", "U0ADMIN0001"])
    assert [d.reader for d in reminders.digests] == ["U0ADMIN0001", "a@x.org"]
    assert reminders.digests[1].items[0].note == "Will archive 3"


def test_training_to_reserve_and_sessions_tomorrow() -> None:
    training = pd.DataFrame(
        [
            {
                "Session": "Webinar",
                "Date": "2026-12-20",
                "Reserve by": "2026-12-10",
                "Owner": OWNERS[0],
                "Status": "requested",
            },
            {
                "Session": "Booked",
                "Date": "2026-12-20",
                "Reserve by": "2026-12-10",
                "Owner": OWNERS[0],
                "Status": "reserved",
            },
            {
                "Session": "Later",
                "Date": "2027-02-20",
                "Reserve by": "2027-02-01",
                "Owner": OWNERS[0],
                "Status": "",
            },
            {
                "Session": "PD day",
                "Date": "2026-12-08",
                "Audience": "teachers",
                "Owner": OWNERS[1],
                "Status": "reserved",
            },
        ]
    )
    reminders = build_reminders({"Training": training, "Calendar": pd.DataFrame([HOLIDAY])}, TODAY)
    first, second = reminders.digests
    assert [(i.title, i.note) for i in first.items] == [
        ("Webinar", "reserve by Thu Dec 10 (in 3 days); still requested")
    ]
    assert [(i.kind, i.note) for i in second.items] == [
        (Kind.SESSION, "tomorrow, Tue Dec 8 (teachers)")
    ]


def test_calendar_dates_and_a_calendar_without_holidays() -> None:
    calendar = pd.DataFrame(
        [
            {"Date": "2026-12-10", "Type": "first day", "Name": "Semester 2"},
            {"Date": "2026-12-14", "Type": "rollover", "Name": "Mid-year rollover"},
            {"Date": "2026-12-08", "Type": "break", "Name": "Winter break"},
            {"Date": "2026-12-09", "Type": "break", "Name": "Winter break"},
        ]
    )
    notes = [(i.title, i.note) for i in calendar_items(calendar, TODAY, 7)]
    assert notes == [
        ("Semester 2", "Thu Dec 10 (in 3 days): the calendar and target dates must be set before"),
        ("Mid-year rollover", "Mon Dec 14 (in 7 days)"),
        ("No pause date", "add a pause on Fri Dec 11, one business day before the rollover"),
        ("Winter break", "starts Tue Dec 8 (tomorrow): turn imports off before"),
        ("Winter break", "ends Wed Dec 9: turn imports back on after"),
        ("No holidays", "the Calendar tab has no holidays: add them before target dates are set"),
    ]
    paused = pd.concat(
        [calendar, pd.DataFrame([{"Date": "2026-12-11", "Type": "pause", "Name": ""}])]
    )
    titles = [i.title for i in calendar_items(paused, TODAY, 7)]
    assert "Roster pause" in titles and "No pause date" not in titles


def test_digest_command_on_the_console(
    tmp_path: Path, fake: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    config = slack_demo(tmp_path / "demo", fake, mode="console")
    with time_machine.travel(datetime(2026, 12, 18, 9, tzinfo=CHICAGO), tick=False):
        assert main(["digest", "--config", str(config.source)]) == 0
    out = capsys.readouterr().out
    assert "[slack] digest to coordinator@demo-district.org:" in out
    assert (
        "Training to reserve: Edgenuity mid-year data management webinar: reserve-by date passed"
        in out
    )
    assert (
        "Calendar: Roster pause: Mon Dec 21 (in 3 days): pause imports before the rollover" in out
    )
    assert "Coordinators: 3 calendar, 15 escalated." in out
    assert "Escalated: S-007 Edgenuity / archive students: overdue by 6 days" in out
    assert out.rstrip().endswith("3 digest messages for 2026-12-18.")


def test_serve_sends_the_days_digests_once(
    tmp_path: Path, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack_env(monkeypatch, fake)
    coordinator = fake.add_user("coord", email="coordinator@demo-district.org")["id"]
    config = slack_demo(tmp_path / "demo", fake, digests=True, digest_time="08:00")
    server = SlackServer(config)
    try:
        with time_machine.travel(datetime(2026, 12, 18, 7, 59, tzinfo=CHICAGO), tick=False):
            server.tick()
        assert digests_in(fake) == []
        with time_machine.travel(datetime(2026, 12, 18, 8, 0, tzinfo=CHICAGO), tick=False):
            server.tick()
            server.tick()
    finally:
        server.close()
    owners = [m["blocks"][1]["text"]["text"].split(":")[0] for m in digests_in(fake)]
    assert owners == [
        "admin@demo-district.org",  # not in this Slack: named by email
        f"<@{coordinator}>",
        "registrar@demo-district.org",
    ]
    admin = digests_in(fake)[0]["blocks"][2]["text"]["text"]
    assert admin.startswith("*Waiting for your approval* (") and "• *S-007 Edgenuity" in admin
    assert max(len(line) for line in admin.splitlines()) <= 160  # short lines for a phone
    (escalations,) = digests_in(fake, "coordinators")
    assert escalations["blocks"][1]["text"]["text"].startswith("Coordinators: 3 calendar")


def digests_in(fake: FakeSlack, channel: str = "rollover") -> list[dict[str, Any]]:
    return [m for m in fake.messages()[channel] if m["text"].startswith("Rollover digest")]
