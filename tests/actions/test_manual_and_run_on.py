"""Validation of people's steps (Action ``manual``), of ``message=`` and of Run on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.actions import registry
from bot.core.checklist import Step
from bot.core.manual import check_claim
from bot.core.validate import CheckedStep, validate_step
from bot.core.values import DateAnchors
from bot.templates import load_template

TODAY = date(2027, 5, 3)
ANCHORS = DateAnchors(TODAY, date(2027, 6, 30))
OWNER = "coordinator@d.org"


def check(step: Step, anchors: DateAnchors | None = ANCHORS) -> tuple[CheckedStep | None, str]:
    checked, problems = validate_step(
        step, registry().catalogue, load_template(), {step.step_id}, None, TODAY, anchors
    )
    return checked, "; ".join(str(p) for p in problems)


def task(
    system: str = "Schoology", parameters: str = "", owner: str = OWNER, scope: str = ""
) -> Step:
    return Step(
        "S-001", 2, system, "Manual", scope=scope, parameters=parameters, owner=owner, run=True
    )


def test_manual_is_accepted_with_any_system_or_none() -> None:
    for system in ("", "Edgenuity", "schoology", "Twig Science", "Renaissance", "SchoolStatus"):
        checked, why = check(task(system))
        assert checked is not None and why == "", (system, why)
    _, why = check(task("Moodle"))
    assert why == (
        "System: unknown system 'Moodle' (one of: Edgenuity, Renaissance, SchoolStatus, "
        "Schoology, Twig Science, or blank for manual)"
    )


@pytest.mark.parametrize(
    ("step", "why"),
    [
        (
            task(owner=""),
            "Owner: is blank: a manual step is a person's task; give their email",
        ),
        (
            task(scope="Students: all"),
            "Scope: manual takes no scope; leave it blank",
        ),
        (
            task(parameters="setting=sync_mode"),
            "Parameters: setting= needs expected= (the value the LMS should show)",
        ),
        (
            task(parameters="setting=imports; expected=paused"),
            "Parameters: setting: 'imports' is not one of sync_mode, active_year, acting_user",
        ),
        (
            task("", parameters="setting=imports; expected=paused"),
            "Parameters: unknown parameter 'setting' (expected: message, training, to,",
        ),
        (
            task(parameters="message=nope"),
            "Parameters: message: 'nope' is not one of edgenuity-pause-imports,",
        ),
        (
            task(parameters="recipient=x"),
            "Parameters: unknown parameter 'recipient' (expected: message, setting, expected,",
        ),
    ],
)
def test_a_manual_step_names_what_is_wrong(step: Step, why: str) -> None:
    checked, said = check(step)
    assert checked is None and said.startswith(why), said


def test_a_message_may_ride_on_any_step_and_must_exist() -> None:
    pause = Step("S-002", 3, "Edgenuity", "pause imports", owner=OWNER, run=True)
    ok, why = check(replace(pause, parameters="message=edgenuity-pause-imports"))
    assert ok is not None and why == ""
    _, why = check(replace(pause, parameters="message=edgenuity-pause"))
    assert why.startswith(
        "Parameters: message: no message template 'edgenuity-pause' (known: edgenuity-pause-imports"
    )


def test_run_on_is_a_date_or_relative_and_a_vendor_date_needs_the_rollover() -> None:
    pause = Step("S-003", 4, "Twig Science", "pause rostering", owner=OWNER, run=True)
    checked, why = check(pause)
    assert why == "" and checked is not None
    assert checked.run_on == date(2027, 6, 29)
    _, why = check(pause, DateAnchors(TODAY))
    assert why.startswith(
        "Run on: pause rostering runs on rollover-1bd by default, but 'rollover-1bd' needs "
        "the rollover date: set [calendar] rollover_date in the config"
    )
    _, why = check(replace(pause, run_on="next week"))
    assert why == "Run on: not a date: 'next week'"
    later = Step(
        "S-004", 5, "Edgenuity", "resume imports", owner=OWNER, run=True, run_on="rollover+1bd"
    )
    checked, why = check(later)
    assert why == "" and checked is not None and checked.run_on == date(2027, 7, 1)
    due = Step("S-005", 6, "Edgenuity", "resume imports", due="rollover-14d", run=True)
    assert check(due)[1] == ""
    assert "Due: 'rollover-14d' needs the rollover date" in check(due, None)[1]


def test_a_claim_is_checked_against_what_the_bot_reads() -> None:
    defaults = {"sync_mode": "automatic"}
    params = {"setting": "sync_mode", "expected": "Manual"}
    assert check_claim("Schoology", params, {}, defaults, None) == (
        "Schoology says sync_mode is automatic, not Manual",
        "",
    )
    assert check_claim("Schoology", params, {"sync_mode": "manual"}, defaults, None) == (
        "",
        "Schoology says sync_mode is manual",
    )
    training = {"training": "reserved"}
    assert check_claim("Edgenuity", training, {}, {}, []) == (
        "the Training tab lists no session: add the sessions you reserve",
        "",
    )
    assert check_claim("Edgenuity", training, {}, {}, None)[0] == (
        "the Training tab could not be read"
    )
    sessions = [("Webinar", "requested"), ("PD day", "reserved"), ("", ""), ("Kickoff", "")]
    assert check_claim("Edgenuity", training, {}, {}, sessions)[0] == (
        "the Training tab has 2 sessions not reserved: Webinar (requested) and Kickoff (no status)"
    )
    done = [("Webinar", "Reserved"), ("PD day", "done")]
    assert check_claim("Edgenuity", training, {}, {}, done) == (
        "",
        "every session of the Training tab is reserved or done",
    )
    assert check_claim("", {}, {}, {}, None) == ("", "")
