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
      plan changed after a decision ..... Awaiting approval, Void  (Void, RequestApproval)
      rejected .......................... Rejected by <who>: <reason>
      approved .......................... Execute -> Done | Partly done (N failed) | Failed
    before its Run-on date .............. Scheduled: runs on <date> (approved ahead, or
                                          Awaiting approval ahead: RequestApproval)
    not destructive ..................... Execute -> Done | Partly done (N failed) | Failed
    ran this plan already ............... its result, kept
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot.core.approvals import ApprovalRecord, Decision, standing
from bot.core.checklist import Step
from bot.core.plan import Plan
from bot.core.problems import Problem, describe


class Status(StrEnum):
    IDLE = "Idle"
    INVALID = "Invalid"
    WAITING = "Waiting"
    PLANNED = "Planned"
    AWAITING_APPROVAL = "Awaiting approval"
    RUNNING = "Running"
    DONE = "Done"
    PARTLY_DONE = "Partly done"
    FAILED = "Failed"
    REJECTED = "Rejected"
    UNDONE = "Undone"
    SCHEDULED = "Scheduled"
    UNCONFIRMED = "Not confirmed"


FINISHED = frozenset({Status.DONE, Status.PARTLY_DONE, Status.FAILED, Status.UNDONE})


def status_of(text: str) -> Status:
    """Read a Status cell back: ``Waiting on S-003`` is WAITING, ``Partly done (4 failed)``..."""
    folded = str(text or "").strip().casefold()
    for status in sorted(Status, key=lambda s: -len(s.value)):
        if folded.startswith(status.value.casefold()):
            return status
    return Status.IDLE


def finished_label(applied: int, failed: int) -> tuple[Status, str]:
    """The status after executing: Done, Partly done (N failed) or Failed."""
    if failed == 0:
        return Status.DONE, Status.DONE.value
    if applied == 0:
        return Status.FAILED, Status.FAILED.value
    return Status.PARTLY_DONE, f"{Status.PARTLY_DONE.value} ({failed:,} failed)"


@dataclass(frozen=True)
class StepView:
    """What the bot shows for a step in its columns of the Checklist."""

    status: str
    plan: str = ""
    approval: str = ""
    result: str = ""
    last_run: str = ""
    thread: str = ""

    def cells(self) -> dict[str, str]:
        return {
            "Status": self.status,
            "Plan": self.plan,
            "Approval": self.approval,
            "Result": self.result,
            "Last run": self.last_run,
            "Thread": self.thread,
        }

    @classmethod
    def of(cls, step: Step) -> StepView:
        """The bot's columns of ``step`` as the sheet has them now."""
        return cls(step.status, step.plan, step.approval, step.result, step.last_run, step.thread)

    def last_result(self) -> str:
        """The Result of the last run, kept while a new plan waits; other notes are dropped (a
        step Failed with no Plan never ran: its plan could not be made)."""
        return self.result if status_of(self.status) in FINISHED and self.plan else ""


@dataclass(frozen=True)
class LastRun:
    """A step's latest run, as far as the life cycle cares."""

    fingerprint: str
    finished: bool
    status: str = ""
    result: str = ""
    at: str = ""
    same_inputs: bool = False
    """The run was of the step as staff wrote it now (action, scope, parameters)."""
    approval: str = ""
    """The approval it ran under (``Approved by ...``), for a destructive step."""


@dataclass(frozen=True)
class Request:
    """The step's latest approval request: its plan, when, and its thread (reference, link)."""

    fingerprint: str
    requested_at: str
    thread: str = ""
    link: str = ""
    lost: bool = False
    """Its thread is not one the notifier can reply in (posted elsewhere, or gone)."""


@dataclass(frozen=True)
class Manual:
    """What the cycle knows of a person's task (Action ``manual``)."""

    fingerprint: str
    """The task as staff wrote it (system, parameters): a recorded claim holds for it."""
    message: str = ""
    """The filled-in message the step carries, shown in its Plan."""
    disputed: str = ""
    """What the bot read that contradicts the owner's claim (blank: nothing does)."""
    confirmed: str = ""
    """What the bot read that bears the claim out (blank: nothing to check)."""


@dataclass(frozen=True)
class StepFacts:
    """What the cycle knows of one step when it decides what happens to it."""

    step: Step
    problems: tuple[Problem, ...] = ()
    """Validation problems: any makes the step Invalid."""
    waiting_on: tuple[str, ...] = ()
    waiting_reasons: tuple[str, ...] = ()
    plan: Plan | None = None
    plan_problems: tuple[Problem, ...] = ()
    """Why no plan could be made (with ``plan`` None)."""
    error: str = ""
    """An unexpected error while checking or planning the step (a reason people can act on)."""
    run: LastRun | None = None
    request: Request | None = None
    decision: ApprovalRecord | None = None
    over_threshold: str = ""
    """How far over the safety threshold an allowed plan goes, to call out in the request."""
    executing: bool = True
    """The cycle executes (``run``), rather than only checking (``check``), and is not
    stopping."""
    now: str = ""
    approve_how: str = "`rollover-bot approve STEP --as EMAIL`"
    runs_on: str = ""
    """The step's Run-on date when it is still to come (ISO): it is Scheduled till then."""
    manual: Manual | None = None
    """Set for a person's task: it is never planned or executed."""


class Effect:
    """Something the cycle carries out for a step."""


@dataclass(frozen=True)
class ResetRuns(Effect):
    """Forget the step's finished runs (its Run box was unticked); the ledger is kept."""


@dataclass(frozen=True)
class KeepOutputs(Effect):
    """Keep a finished step's rows for other tabs (Matches, its Log) in line."""


@dataclass(frozen=True)
class Void(Effect):
    """A decision given for another plan no longer holds: record it void, and say so."""

    decision: ApprovalRecord


@dataclass(frozen=True)
class RequestApproval(Effect):
    """Ask the admins to approve ``plan``: once per plan, and once more in a new thread when
    the thread it was asked in is lost (``lost``)."""

    plan: Plan
    over_threshold: str = ""
    lost: str = ""
    runs_on: str = ""
    """The step's Run-on date when still to come: approved ahead, it runs then."""


@dataclass(frozen=True)
class Execute(Effect):
    """Execute ``plan`` now; ``approval`` is the Approval column while it runs."""

    plan: Plan
    approval: str = ""


@dataclass(frozen=True)
class RecordDone(Effect):
    """Record that the owner says a person's task is done (its run and a Log row)."""

    fingerprint: str
    status: str
    result: str


@dataclass(frozen=True)
class PostResult(Effect):
    """Post a destructive step's result in its approval thread."""

    text: str
    thread: str


@dataclass(frozen=True)
class Verdict:
    view: StepView
    effects: tuple[Effect, ...] = field(default=())


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


def _planned(facts: StepFacts, plan: Plan, kept: StepView) -> Verdict:
    approval = ""
    thread = _thread(facts, plan)[1] or kept.thread
    if plan.destructive:
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


def scheduled(runs_on: str, awaiting_approval: bool = False) -> str:
    """``Scheduled: runs on 2027-06-29`` (``; awaiting approval`` until it is approved)."""
    return f"{Status.SCHEDULED.value}: runs on {runs_on}" + (
        " (awaiting approval)" if awaiting_approval else ""
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
