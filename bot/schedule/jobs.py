"""A district's four jobs on an APScheduler 3 scheduler.

* ``<district>:poll``: a cycle every ``poll_seconds`` (with jitter), the first at once;
  coalesced, never two at a time.
* ``<district>:digest``: cron at ``digest_time`` in the district's time zone (DST-correct);
  a run that misfired while the process was suspended still runs once (the job itself
  checks the day, quiet hours and whether today's digests went out).
* ``<district>:outbox``: retry the Slack messages the outbox still holds.
* ``<district>:lease``: the heartbeat, three times per lease period.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.schedule.district import District

JOBS = ("poll", "digest", "outbox", "lease")


def scheduler_now() -> datetime:
    """'At once' for APScheduler. Not the district's Clock: the scheduler compares a job's next
    run time with its own reading of the wall clock, so only the wall clock's now is now to it
    (a now from another clock would make the first poll late or a misfire)."""
    return datetime.now(UTC)


def job_id(district: District, job: str) -> str:
    return f"{district.id}:{job}"


def add_jobs(scheduler: BaseScheduler, district: District) -> None:
    schedule = district.config.schedule
    once = {"coalesce": True, "max_instances": 1, "replace_existing": True}
    poll_id = job_id(district, "poll")
    scheduler.add_job(
        district.poll,
        IntervalTrigger(seconds=schedule.poll_seconds, jitter=schedule.jitter_seconds or None),
        id=poll_id,
        name=f"{district.name}: cycle",
        next_run_time=scheduler_now(),
        misfire_grace_time=schedule.poll_seconds,
        **once,
    )
    at = schedule.digest_time
    scheduler.add_job(
        district.digest,
        CronTrigger(hour=at.hour, minute=at.minute, timezone=ZoneInfo(district.config.timezone)),
        id=job_id(district, "digest"),
        name=f"{district.name}: digests",
        misfire_grace_time=None,
        **once,
    )
    scheduler.add_job(
        district.flush,
        IntervalTrigger(seconds=schedule.outbox_retry_seconds),
        id=job_id(district, "outbox"),
        name=f"{district.name}: outbox",
        misfire_grace_time=schedule.outbox_retry_seconds,
        **once,
    )
    scheduler.add_job(
        district.heartbeat,
        IntervalTrigger(seconds=schedule.heartbeat_seconds),
        id=job_id(district, "lease"),
        name=f"{district.name}: lease",
        misfire_grace_time=int(schedule.heartbeat_seconds) or 1,
        **once,
    )

    def wake() -> None:
        scheduler.modify_job(poll_id, next_run_time=scheduler_now())

    district.wake = wake
