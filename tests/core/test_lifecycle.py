"""DESIGN section 3, row by row, on the pure life cycle: no store, no notifier, no workbook."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from bot.core.approvals import ApprovalRecord, Decision
from bot.core.checklist import Step
from bot.core.lifecycle import advance, awaiting, finished
from bot.core.plan import Plan, make_plan
from bot.core.problems import Problem
from bot.core.status import Status, StepView, status_of
from bot.core.step_facts import (
    Effect,
    Execute,
    KeepOutputs,
    LastRun,
    Manual,
    PostResult,
    RecordDone,
    Request,
    RequestApproval,
    ResetRuns,
    StepFacts,
    Void,
)
from bot.core.targets import FATE, ID, Fate

NOW = "2026-11-27 09:00:00"
STEP = Step("S-007", 8, "Edgenuity", "archive students", "Students: grade = 12", run=True)
TASK = Step("S-003", 4, "Twig Science", "manual", owner="coordinator@d.org", run=True)
CLAIM = Manual("task-fp", "To: csm@twig.example ...")


def plan(destructive: bool = True, records: tuple[str, ...] = ("1", "2")) -> Plan:
    return make_plan(
        "S-007",
        "Edgenuity",
        "archive students",
        "grade = 12",
        "",
        records,
        f"Will archive {len(records)} of 10 active students",
        destructive,
    )


PLAN = plan()
OTHER = plan(records=("1", "2", "3"))


def judged(*fates: Fate) -> Plan:
    """PLAN as planned against the LMS: each record's fate."""
    table = pd.DataFrame({ID: [str(n) for n in range(len(fates))], FATE: [f.value for f in fates]})
    return replace(PLAN, judged=table)


AT_TARGET = judged(Fate.AT_TARGET, Fate.AT_TARGET)
CHANGING = judged(Fate.CHANGE, Fate.AT_TARGET)


def decided(
    kind: Decision, fingerprint: str = PLAN.fingerprint, reason: str = ""
) -> ApprovalRecord:
    return ApprovalRecord("S-007", fingerprint, kind, "admin@d.org", reason, "2026-11-26 10:00")


def asked(fingerprint: str = PLAN.fingerprint, lost: bool = False) -> Request:
    return Request(fingerprint, "2026-11-26 09:00", "1700000000.000100", "https://t/1", lost)


def facts(**given: Any) -> StepFacts:
    return replace(StepFacts(STEP, now=NOW), **given)


def kinds(effects: tuple[Effect, ...]) -> list[type[Effect]]:
    return [type(e) for e in effects]


ROWS = [
    # (DESIGN row, facts, status, effects)
    ("Run unticked: Idle", facts(step=replace(STEP, run=False)), Status.IDLE, []),
    (
        "Run unticked after a finished run: Idle, its runs forgotten",
        facts(step=replace(STEP, run=False), run=LastRun(PLAN.fingerprint, True, "Done")),
        Status.IDLE,
        [ResetRuns],
    ),
    (
        "Run ticked, checks fail: Invalid",
        facts(problems=(Problem("Scope", "unknown column 'grad'"),)),
        Status.INVALID,
        [],
    ),
    ("depends on a step not Done: Waiting on", facts(waiting_on=("S-003",)), Status.WAITING, []),
    (
        "the plan is refused: Invalid",
        facts(plan_problems=(Problem("Scope", "would archive 50%"),)),
        Status.INVALID,
        [],
    ),
    (
        "checks pass, not destructive, checking only: Planned",
        facts(plan=plan(False), executing=False),
        Status.PLANNED,
        [],
    ),
    (
        "not destructive: Running (executed now)",
        facts(plan=plan(False)),
        Status.RUNNING,
        [Execute],
    ),
    (
        "destructive, never asked: Awaiting approval, the request posted",
        facts(plan=PLAN),
        Status.AWAITING_APPROVAL,
        [RequestApproval],
    ),
    (
        "destructive, planned against the LMS, one record to change: Awaiting approval",
        facts(plan=CHANGING),
        Status.AWAITING_APPROVAL,
        [RequestApproval],
    ),
    (
        "destructive, changes nothing, never decided: executed, nothing to approve",
        facts(plan=AT_TARGET),
        Status.RUNNING,
        [Execute],
    ),
    (
        "destructive, changes nothing, rejected: the rejection stands",
        facts(plan=AT_TARGET, request=asked(), decision=decided(Decision.REJECT, reason="no")),
        Status.REJECTED,
        [],
    ),
    (
        "destructive, changes nothing, approved (a run resumed): executed under the approval",
        facts(plan=AT_TARGET, request=asked(), decision=decided(Decision.APPROVE)),
        Status.RUNNING,
        [Execute],
    ),
    (
        "destructive, asked already: Awaiting approval, nothing posted again",
        facts(plan=PLAN, request=asked()),
        Status.AWAITING_APPROVAL,
        [],
    ),
    (
        "destructive, its thread lost: posted anew",
        facts(plan=PLAN, request=asked(lost=True)),
        Status.AWAITING_APPROVAL,
        [RequestApproval],
    ),
    (
        "approved by an admin: Running (executed now)",
        facts(plan=PLAN, request=asked(), decision=decided(Decision.APPROVE)),
        Status.RUNNING,
        [Execute],
    ),
    (
        "approved, checking only: Planned",
        facts(plan=PLAN, request=asked(), decision=decided(Decision.APPROVE), executing=False),
        Status.PLANNED,
        [],
    ),
    (
        "rejected: Rejected by <who>: <reason>",
        facts(plan=PLAN, request=asked(), decision=decided(Decision.REJECT, reason="too many")),
        Status.REJECTED,
        [],
    ),
    (
        "plan changed after approval: the approval void, Awaiting approval again",
        facts(plan=OTHER, request=asked(), decision=decided(Decision.APPROVE)),
        Status.AWAITING_APPROVAL,
        [Void, RequestApproval],
    ),
    (
        "plan changed after a rejection: void too",
        facts(plan=OTHER, request=asked(), decision=decided(Decision.REJECT, reason="no")),
        Status.AWAITING_APPROVAL,
        [Void, RequestApproval],
    ),
    (
        "a decision voided before: not voided twice",
        facts(plan=OTHER, request=asked(OTHER.fingerprint), decision=decided(Decision.VOID)),
        Status.AWAITING_APPROVAL,
        [],
    ),
    (
        "ran this plan already: its result kept, not executed again",
        facts(
            plan=PLAN,
            request=asked(),
            decision=decided(Decision.APPROVE),
            run=LastRun(PLAN.fingerprint, True, "Done", "Archived 2 students", NOW),
        ),
        Status.DONE,
        [KeepOutputs],
    ),
    (
        "finished, then its plan refused because of what it did: keeps its result",
        facts(
            plan_problems=(Problem("Parameters", "the code was used"),),
            run=LastRun(PLAN.fingerprint, True, "Done", "Made code X", NOW, same_inputs=True),
        ),
        Status.DONE,
        [KeepOutputs],
    ),
    (
        "finished, then changed and refused: Invalid",
        facts(
            plan_problems=(Problem("Parameters", "bad"),),
            run=LastRun(PLAN.fingerprint, True, "Done", "Made code X", NOW, same_inputs=False),
        ),
        Status.INVALID,
        [],
    ),
    (
        "before its Run-on date: Scheduled, not executed",
        facts(plan=plan(False), runs_on="2027-06-29"),
        Status.SCHEDULED,
        [],
    ),
    (
        "before its Run-on date, destructive: approval asked ahead, still Scheduled",
        facts(plan=PLAN, runs_on="2027-06-29"),
        Status.SCHEDULED,
        [RequestApproval],
    ),
    (
        "before its Run-on date, approved ahead: Scheduled, not executed",
        facts(plan=PLAN, request=asked(), decision=decided(Decision.APPROVE), runs_on="2027-06-29"),
        Status.SCHEDULED,
        [],
    ),
    (
        "before its Run-on date, rejected: Rejected",
        facts(plan=PLAN, request=asked(), decision=decided(Decision.REJECT), runs_on="2027-06-29"),
        Status.REJECTED,
        [],
    ),
    (
        "a Run-on date after a finished run of the same plan: its result kept",
        facts(
            plan=plan(False),
            runs_on="2027-06-29",
            run=LastRun(plan(False).fingerprint, True, "Done", "Paused", NOW),
        ),
        Status.DONE,
        [KeepOutputs],
    ),
    (
        "manual, Run unticked: Idle",
        facts(step=replace(TASK, run=False), manual=CLAIM),
        Status.IDLE,
        [],
    ),
    (
        "manual, the owner ticked Run: Done by the owner, recorded",
        facts(step=TASK, manual=CLAIM),
        Status.DONE,
        [RecordDone],
    ),
    (
        "manual, recorded before: its status kept, nothing recorded again",
        facts(
            step=TASK,
            manual=CLAIM,
            run=LastRun("task-fp", True, "Done by coordinator@d.org on 2026-11-20", "ok", NOW),
        ),
        Status.DONE,
        [],
    ),
    (
        "manual, the LMS disagrees: Not confirmed, nothing recorded",
        facts(step=TASK, manual=replace(CLAIM, disputed="Schoology says sync_mode is automatic")),
        Status.UNCONFIRMED,
        [],
    ),
    (
        "manual, depends on a step not Done: Waiting on it",
        facts(step=TASK, manual=CLAIM, waiting_on=("S-002",)),
        Status.WAITING,
        [],
    ),
    (
        "manual, unticked after it was recorded: Idle, the record forgotten",
        facts(
            step=replace(TASK, run=False),
            manual=CLAIM,
            run=LastRun("task-fp", True, "Done by coordinator@d.org on 2026-11-20"),
        ),
        Status.IDLE,
        [ResetRuns],
    ),
    ("checking or planning it broke: Failed", facts(error="a file is gone"), Status.FAILED, []),
    (
        "a finished step that broke while checked: keeps its status",
        facts(error="a file is gone", run=LastRun(PLAN.fingerprint, True, "Done", "ok", NOW)),
        Status.DONE,
        [],
    ),
]


@pytest.mark.parametrize(("row", "given", "status", "effects"), ROWS, ids=[r[0] for r in ROWS])
def test_each_row_of_the_life_cycle(
    row: str, given: StepFacts, status: Status, effects: list[type[Effect]]
) -> None:
    verdict = advance(given)
    assert status_of(verdict.view.status) is status, verdict.view
    assert kinds(verdict.effects) == effects


def test_invalid_names_each_problem_with_its_column() -> None:
    view = advance(facts(problems=(Problem("Scope", "bad"), Problem("Due", "not a date")))).view
    assert (view.status, view.plan, view.result) == ("Invalid", "", "Scope: bad; Due: not a date")


def test_waiting_names_the_steps_and_the_vendor_rule() -> None:
    view = advance(
        facts(waiting_on=("S-003", "S-004"), waiting_reasons=("archive seniors first",))
    ).view
    assert view.status == "Waiting on S-003, S-004"
    assert view.result == "waiting for S-003, S-004 to be Done (archive seniors first)"


def test_rejected_says_who_and_why() -> None:
    given = facts(plan=PLAN, request=asked(), decision=decided(Decision.REJECT, reason="no"))
    view = advance(given).view
    assert view.status == "Rejected by admin@d.org: no"
    assert view.approval == "Rejected by admin@d.org 2026-11-26 10:00"
    assert view.thread == "https://t/1"


def test_a_request_carries_the_over_threshold_call_out_and_the_lost_thread() -> None:
    given = facts(plan=PLAN, request=asked(lost=True), over_threshold="12% > 10%")
    (effect,) = advance(given).effects
    assert effect == RequestApproval(PLAN, "12% > 10%", lost="1700000000.000100")


def test_a_void_is_said_in_the_approval_column() -> None:
    given = facts(plan=OTHER, request=asked(), decision=decided(Decision.APPROVE))
    verdict = advance(given)
    assert verdict.effects[0] == Void(decided(Decision.APPROVE))
    assert verdict.view.approval.startswith("Void: the step changed after admin@d.org decided; ")
    assert verdict.view.approval.endswith(
        "requested 2026-11-27 09:00:00; an admin approves with "
        "`rollover-bot approve S-007 --as EMAIL`"
    )


def test_awaiting_keeps_the_last_result_of_a_finished_step() -> None:
    before = replace(STEP, status="Done", plan="Will archive 1", result="Archived 1 student")
    view = awaiting(facts(step=before), PLAN, "2026-11-27", "https://t/2")
    assert (view.result, view.thread) == ("Archived 1 student", "https://t/2")
    failed_unplanned = replace(STEP, status="Failed", plan="", result="Failed: bad")
    assert awaiting(facts(step=failed_unplanned), PLAN, "x", "").result == ""


def test_an_executed_destructive_step_posts_its_result_in_its_thread() -> None:
    given = facts(plan=PLAN, request=asked(), decision=decided(Decision.APPROVE))
    verdict = finished(given, PLAN, "Approved", "Done", "Archived 2 students")
    assert verdict.view == StepView(
        "Done", PLAN.summary, "Approved", "Archived 2 students", NOW, "https://t/1"
    )
    assert verdict.effects == (PostResult("S-007 Done: Archived 2 students", "1700000000.000100"),)


def test_a_step_stopped_at_shutdown_posts_nothing_and_a_failed_one_says_so_once() -> None:
    given = facts(plan=PLAN, request=asked(), decision=decided(Decision.APPROVE))
    assert finished(given, PLAN, "", "Running", "Stopped at shutdown").effects == ()
    failed = finished(given, PLAN, "", "Failed", "Failed on record 2: gone")
    assert failed.effects == (PostResult("S-007 Failed on record 2: gone", "1700000000.000100"),)
    quiet = finished(facts(plan=plan(False)), plan(False), "", "Done", "Set 2")
    assert quiet.effects == ()


def test_scheduled_says_its_date_and_whether_it_awaits_approval() -> None:
    early = advance(facts(plan=plan(False), runs_on="2027-06-29")).view
    assert (early.status, early.plan) == ("Scheduled: runs on 2027-06-29", plan(False).summary)
    ahead = advance(facts(plan=PLAN, runs_on="2027-06-29")).view
    assert ahead.status == "Scheduled: runs on 2027-06-29 (awaiting approval)"
    assert ahead.approval.startswith("requested 2026-11-27 09:00:00; an admin approves with")
    approved = facts(
        plan=PLAN, request=asked(), decision=decided(Decision.APPROVE), runs_on="2027-06-29"
    )
    view = advance(approved).view
    assert (view.status, view.approval) == (
        "Scheduled: runs on 2027-06-29",
        "Approved by admin@d.org 2026-11-26 10:00",
    )
    asked_ahead = awaiting(facts(runs_on="2027-06-29"), PLAN, "2026-11-27", "https://t/1")
    assert asked_ahead.status == "Scheduled: runs on 2027-06-29 (awaiting approval)"
    on_the_day = advance(replace(approved, runs_on=""))
    assert kinds(on_the_day.effects) == [Execute]


def test_a_persons_task_is_done_by_its_owner_on_the_day_and_shows_its_message() -> None:
    verdict = advance(facts(step=TASK, manual=replace(CLAIM, confirmed="Twig says ok")))
    assert verdict.view.status == "Done by coordinator@d.org on 2026-11-27"
    assert verdict.view.plan == "To: csm@twig.example ..."
    assert verdict.view.result == (
        "coordinator@d.org ticked Run: done; Twig says ok (recorded 2026-11-27 09:00:00)"
    )
    (effect,) = verdict.effects
    assert effect == RecordDone("task-fp", verdict.view.status, verdict.view.result)
    idle = advance(facts(step=replace(TASK, run=False), manual=CLAIM)).view
    assert (idle.status, idle.plan) == ("Idle", "To: csm@twig.example ...")
    disputed = replace(CLAIM, disputed="Schoology says sync_mode is automatic, not manual")
    view = advance(facts(step=TASK, manual=disputed)).view
    assert view.status == "Not confirmed: Schoology says sync_mode is automatic, not manual"
    assert view.result.startswith("coordinator@d.org ticked Run, but Schoology says")
    invalid = advance(facts(step=TASK, manual=CLAIM, problems=(Problem("Owner", "blank"),)))
    assert (invalid.view.status, invalid.view.plan) == ("Invalid", "To: csm@twig.example ...")
