"""The step life cycle (DESIGN section 3), as a pure function.

The cycle gathers what is known of a step (``StepFacts``: its row, validation, dependencies,
plan, latest run, approval request and decision) and calls ``advance``, which returns the
step's ``StepView`` (the bot's columns of the Checklist) and the ``Effect``\\ s to carry out:
forget a finished run, void a decision, request an approval, execute the plan, keep a finished
step's rows for other tabs. Once a plan was executed, ``finished`` gives the view after it and
whether to post the result in the approval thread. Nothing here reads or writes anything.

::

    Run unticked ........................ Idle                     (ResetRuns)
    Run ticked, checks fail ............. Invalid: <each problem>
    depends on a step not Done .......... Waiting on S-003
    manual, the owner ticked Run ........ Done by <owner> on <date> (RecordDone)
      what the bot reads disagrees ...... Not confirmed: <what it read>
    plan refused ........................ Invalid (a finished step keeps its result)
    checks pass, not executing .......... Planned: <plan>
    destructive, not yet approved ....... Awaiting approval        (RequestApproval)
      changes nothing, never decided .... Execute -> Done (nothing to approve: the LMS holds it)
      plan changed after a decision ..... Awaiting approval, Void  (Void, RequestApproval)
      rejected .......................... Rejected by <who>: <reason>
      approved .......................... Execute -> Done | Partly done (N failed) | Failed
    before its Run-on date .............. Scheduled: runs on <date> (approved ahead, or
                                          Awaiting approval ahead: RequestApproval)
    not destructive ..................... Execute -> Done | Partly done (N failed) | Failed
    ran this plan already ............... its result, kept
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.approvals import Decision, standing
from bot.core.plan import Plan
from bot.core.problems import Problem, describe
from bot.core.status import Status, StepView, scheduled, status_of
from bot.core.step_facts import (
    Effect,
    Execute,
    KeepOutputs,
    Manual,
    PostResult,
    RecordDone,
    RequestApproval,
    ResetRuns,
    StepFacts,
    Verdict,
    Void,
)
from bot.core.targets import FATE, Fate


def advance(facts: StepFacts) -> Verdict:
    """Where the step is now and what to do about it (see the module's table)."""
    step = facts.step
    kept = StepView.of(step)
    if facts.manual is not None:
        kept = replace(kept, plan=facts.manual.message)
    if not step.run:
        reset = (ResetRuns(),) if facts.run is not None and facts.run.finished else ()
        return Verdict(replace(kept, status=Status.IDLE.value), reset)
    if facts.error:
        return _broken(facts, kept)
    if facts.problems:
        return _invalid(kept, facts.problems, facts.manual is not None)
    if facts.waiting_on:
        return _waiting(facts, kept)
    if facts.manual is not None:
        return _manual(facts, facts.manual, kept)
    if facts.plan is None:
        run = facts.run
        if run is not None and run.finished and run.same_inputs:
            # What the step did itself (a code used, seniors archived) must not make a
            # finished step Invalid: unchanged, it keeps its result and its rows for other tabs.
            view = replace(
                kept,
                status=run.status,
                result=run.result,
                last_run=run.at or kept.last_run,
                approval=run.approval or kept.approval,
            )
            return Verdict(view, (KeepOutputs(),))
        return _invalid(kept, facts.plan_problems)
    return _planned(facts, facts.plan, kept)


def finished(facts: StepFacts, plan: Plan, approval: str, status: str, result: str) -> Verdict:
    """The view once ``plan`` was executed (``status`` and ``result`` from the execution), and
    the result posted in the approval thread of a destructive step that is no longer Running.
    ``status`` and ``result`` are final: the step's rows for other tabs were made first."""
    thread, link = _thread(facts, plan)
    view = StepView(status, plan.summary, approval, result, facts.now, link or facts.step.thread)
    if not plan.destructive or not thread or status_of(status) is Status.RUNNING:
        return Verdict(view)
    said = result.startswith(status)
    text = f"{facts.step.step_id} " + (result if said else f"{status}: {result}")
    return Verdict(view, (PostResult(text, thread),))


def awaiting(facts: StepFacts, plan: Plan, requested_at: str, link: str) -> StepView:
    """The view of a step awaiting approval of ``plan`` (asked at ``requested_at``, in the
    thread ``link``), with a note when an earlier decision was voided; Scheduled (awaiting
    approval) before its Run-on date."""
    note = ""
    decision = facts.decision
    if standing(decision, plan.fingerprint) == "void" and decision and decision.fingerprint:
        if decision.decision is Decision.VOID:
            note = "Void: the step changed after approval; "
        else:
            note = f"Void: the step changed after {decision.by} decided; "
    how = facts.approve_how.replace("STEP", facts.step.step_id)
    kept = StepView.of(facts.step)
    status = Status.AWAITING_APPROVAL.value
    if facts.runs_on:
        status = scheduled(facts.runs_on, awaiting_approval=True)
    return StepView(
        status,
        plan.summary,
        f"{note}requested {requested_at}; an admin approves with {how}",
        kept.last_result(),
        kept.last_run,
        link or kept.thread,
    )


def _asks_approval(facts: StepFacts, plan: Plan) -> bool:
    """A destructive plan asks an admin, unless it changes nothing (planned against the LMS,
    every record at target or left alone) and no admin has decided on it: then there is
    nothing to approve. Once decided (an approved run resumed, a rejection), the decision
    stands as for any plan."""
    if not plan.destructive:
        return False
    judged = plan.judged
    if judged is None or FATE not in judged.columns or (judged[FATE] == Fate.CHANGE.value).any():
        return True
    return standing(facts.decision, plan.fingerprint) in ("approved", "rejected")


def _planned(facts: StepFacts, plan: Plan, kept: StepView) -> Verdict:
    approval = ""
    thread = _thread(facts, plan)[1] or kept.thread
    if _asks_approval(facts, plan):
        decision = facts.decision
        now = standing(decision, plan.fingerprint)
        if now == "rejected" and decision is not None:
            why = f": {decision.reason}" if decision.reason else ""
            view = StepView(
                f"Rejected by {decision.by}{why}",
                plan.summary,
                f"Rejected by {decision.by} {decision.at}",
                kept.last_result(),
                kept.last_run,
                thread,
            )
            return Verdict(view)
        if now != "approved":
            return _await(facts, plan, now)
        assert decision is not None
        approval = f"Approved by {decision.by} {decision.at}"
    run = facts.run
    if run is not None and run.finished and run.fingerprint == plan.fingerprint:
        view = StepView(run.status, kept.plan or plan.summary, approval, run.result, run.at, thread)
        return Verdict(view, (KeepOutputs(),))
    if facts.runs_on:
        view = StepView(
            scheduled(facts.runs_on), plan.summary, approval, kept.last_result(), kept.last_run
        )
        return Verdict(replace(view, thread=thread))
    if not facts.executing:
        view = StepView(
            Status.PLANNED.value, plan.summary, approval, kept.last_result(), kept.last_run, thread
        )
        return Verdict(view)
    return Verdict(
        StepView(Status.RUNNING.value, plan.summary, approval), (Execute(plan, approval),)
    )


def _await(facts: StepFacts, plan: Plan, now: str) -> Verdict:
    effects: list[Effect] = []
    decision = facts.decision
    if now == "void" and decision is not None and decision.decision is not Decision.VOID:
        effects.append(Void(decision))
    request = facts.request
    if request is None or request.fingerprint != plan.fingerprint:
        effects.append(RequestApproval(plan, facts.over_threshold, runs_on=facts.runs_on))
        return Verdict(awaiting(facts, plan, facts.now, ""), tuple(effects))
    if request.lost:
        effects.append(RequestApproval(plan, facts.over_threshold, request.thread, facts.runs_on))
    return Verdict(awaiting(facts, plan, request.requested_at, request.link), tuple(effects))


def _thread(facts: StepFacts, plan: Plan) -> tuple[str, str]:
    """The thread reference and link of the request for ``plan`` (blank for another plan)."""
    request = facts.request
    if request is None or request.fingerprint != plan.fingerprint:
        return "", ""
    return request.thread, request.link


def _invalid(kept: StepView, problems: tuple[Problem, ...], keep_plan: bool = False) -> Verdict:
    plan = kept.plan if keep_plan else ""
    return Verdict(replace(kept, status=Status.INVALID.value, plan=plan, result=describe(problems)))


def _manual(facts: StepFacts, manual: Manual, kept: StepView) -> Verdict:
    """A person's task whose owner ticked Run: Done by them once recorded (kept from then
    on), or Not confirmed while what the bot reads says otherwise."""
    owner = facts.step.owner
    run = facts.run
    if run is not None and run.finished and run.fingerprint == manual.fingerprint:
        return Verdict(replace(kept, status=run.status, result=run.result, last_run=run.at))
    if manual.disputed:
        result = (
            f"{owner} ticked Run, but {manual.disputed}; the bot reads it again every cycle "
            "and records the step done once it agrees"
        )
        view = replace(kept, status=f"{Status.UNCONFIRMED.value}: {manual.disputed}")
        return Verdict(replace(view, result=result))
    day = facts.now[:10]
    status = f"{Status.DONE.value} by {owner} on {day}"
    checked = f"; {manual.confirmed}" if manual.confirmed else ""
    if manual.unchecked:
        checked += f"; the bot could not check it: {manual.unchecked}"
    result = f"{owner} ticked Run: done{checked} (recorded {facts.now})"
    view = replace(kept, status=status, result=result, last_run=facts.now)
    return Verdict(view, (RecordDone(manual.fingerprint, status, result),))


def _waiting(facts: StepFacts, kept: StepView) -> Verdict:
    waiting = ", ".join(facts.waiting_on)
    reasons = sorted(set(facts.waiting_reasons))
    why = f"waiting for {waiting} to be Done" + (f" ({'; '.join(reasons)})" if reasons else "")
    return Verdict(replace(kept, status=f"Waiting on {waiting}", result=why))


def _broken(facts: StepFacts, kept: StepView) -> Verdict:
    """A step whose checks or plan raised: Failed with the reason. A finished step keeps its
    status and result (what it did stays true), with the reason beside it."""
    run = facts.run
    if run is not None and run.finished:
        note = f"{run.result} (not checked again this cycle: {facts.error})"
        return Verdict(replace(kept, status=run.status, result=note))
    return Verdict(
        replace(kept, status=Status.FAILED.value, plan="", result=f"Failed: {facts.error}")
    )
