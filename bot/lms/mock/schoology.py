"""Schoology with the PowerSchool integration, new school year (seed 004).

Rules kept here: the acting user of the PowerSchool app must be a current (not deactivated)
member with the System Admin role, and only they change the app's configuration; the active
year is set only while sync is Manual; once it is set, changes from earlier years stop
syncing and nothing synced before is removed; grading periods are created per school (a
period the school has already is refused, unless ``update_existing=1`` asks for its dates to be
changed).
"""

from __future__ import annotations

import json

import pandas as pd

from bot.errors import RuleViolation
from bot.lms.mock.shared import Handler
from bot.lms.mock.store import MockStore
from bot.structures import Operation

SYSTEM = "Schoology"
ADMIN_ROLE = "system admin"
GONE = frozenset({"inactive", "deactivated", "left", "withdrawn"})


def acting_user_problem(store: MockStore, email: str = "") -> str:
    """Why the (given or configured) acting user may not configure the app; blank if fine."""
    email = email or store.setting(SYSTEM, "acting_user")
    if not email:
        return "no acting user is set for the PowerSchool app"
    users = store.frame(SYSTEM, "educators")
    if "email" not in users:
        return f"acting user {email} is not a member of the organization"
    found = users[users["email"].str.casefold() == email.casefold()]
    if found.empty:
        return f"acting user {email} is not a member of the organization"
    user = found.iloc[0]
    if user["status"] != "active":
        return f"acting user {email} is {user['status']}, not a current member"
    if str(user.get("role", "")).strip().casefold() != ADMIN_ROLE:
        return f"acting user {email} has role {user.get('role', '')!r}, not System Admin"
    return ""


def _admin_acts(store: MockStore) -> None:
    problem = acting_user_problem(store)
    if problem:
        raise RuleViolation(problem)


def check_acting_user(store: MockStore, op: Operation) -> tuple[str, str]:
    _admin_acts(store)
    return "ok", f"acting user {store.setting(SYSTEM, 'acting_user')} is an active System Admin"


def set_acting_user(store: MockStore, op: Operation) -> tuple[str, str]:
    problem = acting_user_problem(store, op.params["user"])
    if problem:
        raise RuleViolation(problem)
    store.set_setting(SYSTEM, "acting_user", op.params["user"])
    return "set", f"acting user is now {op.params['user']}"


def set_sync_mode(store: MockStore, op: Operation) -> tuple[str, str]:
    _admin_acts(store)
    mode = op.params["mode"].casefold()
    store.set_setting(SYSTEM, "sync_mode", mode)
    return mode, f"sync mode {mode}"


def set_active_year(store: MockStore, op: Operation) -> tuple[str, str]:
    _admin_acts(store)
    mode = store.setting(SYSTEM, "sync_mode", "automatic")
    if mode != "manual":
        raise RuleViolation(f"sync is {mode}: set it to Manual before setting the active year")
    before = store.setting(SYSTEM, "active_year")
    store.set_setting(SYSTEM, "active_year", op.params["year"])
    change = f"from {before} to" if before else "(none before) to"
    return "set", (
        f"active year set {change} {op.params['year']}; earlier years stop syncing, "
        "their data stays"
    )


def create_grading_period(store: MockStore, op: Operation) -> tuple[str, str]:
    """Create a school's grading period; with ``update_existing=1``, one the school has
    already gets the dates given (as an edit of the period on the Terms tab)."""
    _admin_acts(store)
    if store.get(SYSTEM, "schools", op.record_id) is None:
        raise RuleViolation(f"no school {op.record_id!r} in {SYSTEM}")
    period = f"{op.record_id}: {op.params['name']}"
    found = store.get(SYSTEM, "grading_periods", period)
    if found is not None and op.params.get("update_existing") != "1":
        raise RuleViolation(f"grading period {period} exists: select it instead of creating it")
    data = {k: op.params.get(k, "") for k in ("name", "start_date", "end_date")}
    status, kept = found if found is not None else ("active", {})
    store.put(SYSTEM, "grading_periods", period, status, kept | data | {"school": op.record_id})
    if found is None:
        return "created", f"created grading period {op.params['name']} for {op.record_id}"
    before = f"{kept.get('start_date', '?')} to {kept.get('end_date', '?')}"
    return status, (
        f"grading period {op.params['name']} of {op.record_id}: dates {before} -> "
        f"{data['start_date']} to {data['end_date']}"
    )


def sync(store: MockStore, op: Operation) -> tuple[str, str]:
    """A PowerSchool sync run: only the active year's records come in; nothing is removed."""
    mode = store.setting(SYSTEM, "sync_mode", "automatic")
    if mode == "manual":
        raise RuleViolation("sync is Manual: nothing syncs until it is set to automatic")
    year = store.setting(SYSTEM, "active_year")
    applied = skipped = 0
    for row in json.loads(op.params["feed"]):
        if year and row.get("year") != year:
            skipped += 1
            continue
        kind, record = row.pop("kind"), row.pop("id")
        store.put(SYSTEM, kind, record, row.pop("status", "active"), row)
        applied += 1
    return "synced", f"{applied} synced, {skipped} from other years ignored"


def seed(store: MockStore, frames: dict[str, pd.DataFrame]) -> None:
    """Deactivated staff, the schools, and the acting user (the first System Admin)."""
    educators = frames.get("Educators", pd.DataFrame())
    for row in educators.to_dict("records"):
        if str(row.get("Status", "")).strip().casefold() in GONE:
            found = store.get(SYSTEM, "educators", str(row["Educator ID"]).strip())
            if found is not None:
                store.put(
                    SYSTEM, "educators", str(row["Educator ID"]).strip(), "deactivated", found[1]
                )
    schools = sorted(
        {str(s).strip() for f in frames.values() if "School" in f for s in f["School"]} - {""}
    )
    for school in schools:
        store.put(SYSTEM, "schools", school, "active", {"name": school})
    users = store.frame(SYSTEM, "educators")
    if not store.setting(SYSTEM, "acting_user") and "role" in users:
        admins = users[users["role"].str.strip().str.casefold() == ADMIN_ROLE]
        chosen = admins if len(admins) else users
        if len(chosen):
            store.set_setting(SYSTEM, "acting_user", str(chosen.iloc[0].get("email", "")))


HANDLERS: dict[str, Handler] = {
    "check acting user": check_acting_user,
    "set acting user": set_acting_user,
    "set sync mode": set_sync_mode,
    "set active year": set_active_year,
    "create grading periods": create_grading_period,
    "sync now": sync,
}
