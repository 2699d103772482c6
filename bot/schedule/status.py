"""What `rollover-bot status` says of a district beyond its steps: the lease holder, when its
jobs run next, and the Slack outbox."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.abc import StateStore
from bot.config import Config
from bot.schedule.digest import DayRules
from bot.schedule.holders import is_gone

LOOK_AHEAD_DAYS = 30


def lease_line(config: Config, state: StateStore, now: datetime) -> str:
    lease = state.lease(f"workbook:{config.workbook_key}")
    if lease is None:
        return "Lease: free (no instance is serving this workbook)"
    local = lease.expires.astimezone(ZoneInfo(config.timezone))
    if lease.expires <= now:
        return f"Lease: expired at {local:%Y-%m-%d %H:%M:%S %Z} (last held by {lease.holder})"
    line = f"Lease: held by {lease.holder} until {local:%Y-%m-%d %H:%M:%S %Z}"
    if is_gone(lease.holder):
        line += " (its process is no longer running: the next command or instance takes it over)"
    return line


def next_digest(config: Config, rules: DayRules, now: datetime) -> datetime | None:
    """The next digest time that falls on a school day outside quiet hours."""
    at = config.schedule.digest_time
    trigger = CronTrigger(hour=at.hour, minute=at.minute, timezone=ZoneInfo(config.timezone))
    moment: datetime | None = trigger.get_next_fire_time(None, now)
    horizon = now + timedelta(days=LOOK_AHEAD_DAYS)
    while moment is not None and moment < horizon:
        if not rules.in_quiet_hours(moment) and rules.digest_allowed(moment):
            return moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return None


def next_runs_line(
    config: Config, rules: DayRules, last_cycle: str, lease_held: bool, now: datetime
) -> str:
    zone = ZoneInfo(config.timezone)
    if not lease_held:
        cycle = "when an instance holds the lease"
    elif last_cycle:
        started = datetime.fromisoformat(last_cycle)
        if started.tzinfo is None:
            started = started.replace(tzinfo=zone)
        due = max(started + timedelta(seconds=config.schedule.poll_seconds), now)
        cycle = f"about {due.astimezone(zone):%H:%M:%S}"
    else:
        cycle = "at once"
    if not config.slack.digests:
        digest = "off"
    else:
        found = next_digest(config, rules, now)
        digest = f"{found:%a %b %d %H:%M %Z}" if found else f"none in {LOOK_AHEAD_DAYS} days"
    return f"Next: cycle {cycle}; digests {digest}"


def outbox_line(config: Config, state: StateStore) -> str:
    if config.slack.mode == "console":
        return "Outbox: none (console mode)"
    counts = Counter(entry.state for entry in state.outbox_entries())
    if not counts:
        return "Outbox: empty"
    return "Outbox: " + ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
