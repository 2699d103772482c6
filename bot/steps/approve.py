"""Giving or refusing an approval (the CLI's `approve`; Slack threads use the same rules)."""

from __future__ import annotations

from bot.core.approvals import ApprovalRecord, Decision, refusal
from bot.core.checklist import step_key
from bot.core.status import Status, status_of
from bot.core.values import is_checked
from bot.errors import ApprovalRefused, RolloverError, WorkbookError
from bot.services import Services
from bot.steps.row import read_step, unknown_step

DONE_AS = {Decision.APPROVE: "approved", Decision.REJECT: "rejected", Decision.VOID: "voided"}


def decide(services: Services, step_id: str, who: str, reject_reason: str | None = None) -> str:
    """Record an approval (or rejection) of the step's pending plan; say what was done.

    Raises UnknownStep when the Checklist has no such step, and ApprovalRefused naming the
    reason: no pending plan (the step's status says why, an Invalid step its problems), not
    an admin, the step's own owner under the two-person rule, or already decided.
    """
    step_id = step_key(step_id)
    state = services.state
    request = state.approval_request(step_id)
    if request is None:
        raise _nothing_pending(services, step_id)
    why = refusal(services.policy, who, request.owner)
    if why:
        raise ApprovalRefused(f"{step_id}: {why}")
    latest = state.decision(step_id)
    if (
        latest is not None
        and latest.fingerprint == request.fingerprint
        and (latest.decision is not Decision.VOID)
    ):
        raise ApprovalRefused(
            f"{step_id} was already {DONE_AS[latest.decision]} by {latest.by} at {latest.at}"
        )
    decision = Decision.REJECT if reject_reason is not None else Decision.APPROVE
    at = services.clock.now().isoformat(sep=" ", timespec="seconds")
    state.decide(
        ApprovalRecord(
            step_id, request.fingerprint, decision, who.strip(), (reject_reason or "").strip(), at
        )
    )
    verb = "Rejected" if decision is Decision.REJECT else "Approved"
    return f"{verb} {step_id} (plan {request.fingerprint}): {request.summary}"


def _nothing_pending(services: Services, step_id: str) -> RolloverError:
    """Why there is nothing to approve, from the step's row: no such step, an Invalid step
    (with its reason), or its status. Read only here, so that an approval in a Slack thread
    leaves the cycle's reads of the workbook as they were."""
    try:
        row = read_step(services.workbook, step_id)
    except WorkbookError:
        return ApprovalRefused(f"{step_id} is not awaiting approval (run `rollover-bot check`)")
    if row is None:
        return unknown_step(step_id)
    status = status_of(row.get("Status", ""))
    if status is Status.INVALID:
        why = row.get("Result", "").strip() or "see its Result column"
        return ApprovalRefused(
            f"{step_id} is Invalid, so it has no plan to approve: {why}. Fix the step in the "
            "Checklist; the next cycle plans it and asks for approval"
        )
    shown = row.get("Status", "").strip() or Status.IDLE.value
    ticked = is_checked(row.get("Run", ""))
    hint = {
        Status.IDLE: "; `rollover-bot check` plans it and asks for approval"
        if ticked
        else "; tick its Run box, then `rollover-bot check` plans it",
        Status.PLANNED: ": it is not destructive and needs no approval",
        Status.WAITING: ": it is planned once the steps it waits on are Done",
    }.get(status, "")
    return ApprovalRefused(f"{step_id} is not awaiting approval (its status is {shown}){hint}")
