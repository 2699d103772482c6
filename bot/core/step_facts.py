"""What the life cycle is told of a step (``StepFacts``) and what it asks the cycle to do
(``Effect``\\ s), with the step's view, in a ``Verdict``."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.approvals import ApprovalRecord
from bot.core.checklist import Step
from bot.core.plan import Plan
from bot.core.problems import Problem
from bot.core.status import StepView


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
    unchecked: str = ""
    """Why the bot could not check the claim (the LMS has no API for it): the tick is
    recorded, saying so."""


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
