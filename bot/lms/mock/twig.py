"""Twig Science (Imagine Learning) as its end-of-year guide describes it (seed 002).

Rules kept here: rostering pauses one business day before the rollover date (a pause set
ahead takes effect on its date; one set late, at once: "paused since" is never a date to
come); during the pause no roster data is processed (summer school rosters must be in before
it); previous-year classes, assignments and enrollments are archived at the end of the pause;
a user ID that exists or ever existed, archived included, is never reused or reassigned.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.core.calendar import DistrictCalendar
from bot.core.wording import count
from bot.errors import RuleViolation
from bot.lms.mock.shared import Handler, fields_of
from bot.lms.mock.store import MockStore
from bot.structures import Operation

SYSTEM = "Twig Science"
ASSIGNMENTS_PER_CLASS = 2
PERSON = ("first_name", "last_name")


def pause(store: MockStore, op: Operation) -> tuple[str, str]:
    """Set the roster pause: from the pause date the district gives (its calendar's business
    day before the rollover date), or from today when that date has passed."""
    rollover = date.fromisoformat(op.params["rollover_date"])
    given = op.params.get("pause_date")
    pause_date = (
        date.fromisoformat(given) if given else DistrictCalendar().business_day_before(rollover)
    )
    today = store.today()
    since = max(pause_date, today)
    store.set_setting(SYSTEM, "rollover_date", rollover.isoformat())
    store.set_setting(SYSTEM, "pause_date", since.isoformat())
    store.set_setting(SYSTEM, "rostering", "paused")
    if since > today:
        return "paused", (
            f"rostering pauses on {since}, one business day before the rollover date {rollover}"
        )
    late = f" (its pause date {pause_date} had passed)" if since > pause_date else ""
    return "paused", (
        f"rostering paused from {since}{late}, one business day before the rollover date {rollover}"
    )


def settings_view(settings: dict[str, str], today: date) -> dict[str, str]:
    """Rostering as of ``today``: a pause whose date is still to come is not in effect yet
    (``rostering`` reads ``on``, ``pause_scheduled`` gives its date)."""
    since = settings.get("pause_date", "")
    if settings.get("rostering") != "paused" or not since or date.fromisoformat(since) <= today:
        return settings
    return settings | {"rostering": "on", "pause_scheduled": since}


def paused_now(store: MockStore) -> bool:
    """Rostering is paused today."""
    return settings_view(store.settings(SYSTEM), store.today()).get("rostering") == "paused"


def resume(store: MockStore, op: Operation) -> tuple[str, str]:
    before = store.setting(SYSTEM, "rostering", "on")
    store.set_setting(SYSTEM, "rostering", "on")
    return "on", f"rostering {'already' if before == 'on' else 'now'} on"


def _not_paused(store: MockStore, what: str) -> None:
    if paused_now(store):
        raise RuleViolation(
            f"rostering is paused since {store.setting(SYSTEM, 'pause_date') or 'the pause'}: "
            f"{what} must be done before the pause or after the reset date"
        )


def _roster_user(what: str) -> Handler:
    """Create a user, or confirm one already rostered as the same person."""

    def handler(store: MockStore, op: Operation) -> tuple[str, str]:
        _not_paused(store, what)
        found = store.get(SYSTEM, op.kind, op.record_id)
        if found is None and store.ever_existed(SYSTEM, op.kind, op.record_id):
            raise RuleViolation(f"user ID {op.record_id} existed before: IDs are never reused")
        if found is not None and found[0] != "active":
            raise RuleViolation(
                f"user ID {op.record_id} belongs to a {found[0]} user: IDs are never reused"
            )
        if found is not None:
            same = all(
                found[1].get(k, "").casefold() == op.params.get(k, "").casefold() for k in PERSON
            )
            if not same:
                raise RuleViolation(
                    f"user ID {op.record_id} belongs to {found[1].get('first_name', '')} "
                    f"{found[1].get('last_name', '')}: IDs are never reassigned"
                )
            store.put(SYSTEM, op.kind, op.record_id, "active", found[1] | dict(op.params))
            return "active", f"{op.record_id} already rostered; updated"
        store.put(SYSTEM, op.kind, op.record_id, "active", dict(op.params))
        return "active", f"created user {op.record_id}"

    return handler


def archive_class(store: MockStore, op: Operation) -> tuple[str, str]:
    """Archive a previous-year class with its enrollments and assignments (end of the pause)."""
    if not paused_now(store):
        raise RuleViolation("previous-year data is archived at the end of the roster pause")
    found = store.get(SYSTEM, op.kind, op.record_id)
    if found is None or found[0] != "active":
        raise RuleViolation(f"class {op.record_id} is not an active class")
    store.put(SYSTEM, op.kind, op.record_id, "archived", found[1])
    counts = {}
    for kind in ("enrollments", "assignments"):
        frame = store.frame(SYSTEM, kind)
        if "class_id" not in frame:
            counts[kind] = 0
            continue
        rows = frame[(frame["class_id"] == op.record_id) & (frame["status"] == "active")]
        for row in rows.to_dict("records"):
            data = fields_of(row)
            store.put(SYSTEM, kind, row["id"], "archived", data)
        counts[kind] = len(rows)
    return "archived", (
        f"archived class {op.record_id} with {count(counts['enrollments'], 'enrollment')} and "
        f"{count(counts['assignments'], 'assignment')}"
    )


def seed(store: MockStore, frames: dict[str, pd.DataFrame]) -> None:
    """Each class gets its teacher's assignments of the year."""
    for klass in store.frame(SYSTEM, "classes")["id"]:
        for n in range(1, ASSIGNMENTS_PER_CLASS + 1):
            store.put(SYSTEM, "assignments", f"A-{klass}-{n}", "active", {"class_id": klass})


HANDLERS: dict[str, Handler] = {
    "pause rostering": pause,
    "resume rostering": resume,
    "archive previous year": archive_class,
    "import summer school roster": _roster_user("the summer school roster import"),
    "create students": _roster_user("creating students"),
}
