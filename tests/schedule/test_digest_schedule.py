"""The digest job on a real APScheduler driven by a fake clock: 07:30 local on school days,
never on weekends, holidays or in quiet hours, once a day across daylight-saving changes; a
digest missed while the bot was down (or suspended) is sent once when it returns."""

from __future__ import annotations

from datetime import date, timedelta

from bot.config import Config
from tests.schedule.clocked import add_calendar_rows, clocked, configured, local

US_CALENDAR = '\n[calendar]\ncountry = "US"\n'


def test_digests_at_0730_on_school_days_only_once_a_day_across_the_dst_change(
    demo_config: Config,
) -> None:
    config = configured(demo_config, US_CALENDAR)
    add_calendar_rows(config, [("2026-11-04", "holiday", "Board day"), ("2026-11-06", "break", "")])
    with clocked(config, local("2026-10-29", "06:30")) as bot:
        bot.run_until(local("2026-11-12", "06:00"))
        times = bot.notifier.digest_times()
    school_days = ["10-29", "10-30", "11-02", "11-03", "11-05", "11-09", "11-10"]
    assert times == {date.fromisoformat(f"2026-{d}"): [local(f"2026-{d}")] for d in school_days}, (
        "weekends, the Calendar's holiday and break, and Veterans Day (US) have no digest"
    )
    assert {t[0].utcoffset() for t in times.values()} == {timedelta(hours=-5), timedelta(hours=-6)}


def test_spring_forward_keeps_0730_local(demo_config: Config) -> None:
    config = configured(demo_config, "")
    with clocked(config, local("2026-03-05", "06:30")) as bot:
        bot.run_until(local("2026-03-10", "06:00"))
        times = bot.notifier.digest_times()
    assert times == {date(2026, 3, d): [local(f"2026-03-{d:02d}")] for d in (5, 6, 9)}


def test_no_digest_in_quiet_hours(demo_config: Config) -> None:
    config = configured(demo_config, '\n[calendar]\nquiet_hours = "19:00-08:00"\n')
    with clocked(config, local("2026-11-02", "06:30")) as bot:
        bot.run_until(local("2026-11-04", "12:00"))
        assert bot.notifier.digest_times() == {}


def test_a_digest_missed_while_down_is_sent_once_on_return(demo_config: Config) -> None:
    config = configured(demo_config, "")
    with clocked(config, local("2026-11-03", "10:15")) as bot:
        bot.run_until(local("2026-11-04", "09:00"), step=timedelta(minutes=15))
        times = bot.notifier.digest_times()
    assert times == {
        date(2026, 11, 3): [local("2026-11-03", "10:15")],
        date(2026, 11, 4): [local("2026-11-04", "07:30")],
    }


def test_no_catch_up_on_a_weekend_or_in_quiet_hours(demo_config: Config) -> None:
    config = configured(demo_config, '\n[calendar]\nquiet_hours = "21:00-06:00"\n')
    with clocked(config, local("2026-11-07", "10:00")) as bot:  # a Saturday
        bot.run_until(local("2026-11-07", "12:00"))
        assert bot.notifier.digest_times() == {}
    with clocked(config, local("2026-11-09", "22:30")) as bot:  # Monday night, quiet
        bot.run_until(local("2026-11-10", "08:00"))
        assert bot.notifier.digest_times() == {date(2026, 11, 10): [local("2026-11-10")]}


def test_a_digest_that_misfired_while_suspended_runs_once(demo_config: Config) -> None:
    """The process is frozen from 07:00 to 11:40 (laptop lid, VM pause): APScheduler runs the
    missed 07:30 job once when it wakes up, not never and not twice."""
    config = configured(demo_config, "")
    with clocked(config, local("2026-11-10", "07:00")) as bot:
        assert bot.notifier.digest_times() == {}
        bot.run_until(local("2026-11-10", "11:40"), step=timedelta(minutes=280))
        bot.run_until(local("2026-11-10", "18:00"))
        times = bot.notifier.digest_times()
    assert times == {date(2026, 11, 10): [local("2026-11-10", "11:40")]}
