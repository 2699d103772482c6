"""Giving or refusing an approval (the CLI's `approve`; Slack threads use the same rules)."""

from __future__ import annotations

from bot.core.approvals import ApprovalRecord, Decision, refusal
from bot.core.checklist import step_key
from bot.errors import ApprovalRefused
from bot.services import Services


def decide(services: Services, step_id: str, who: str, reject_reason: str | None = None) -> str:
    """Record an approval (or rejection) of the step's pending plan; say what was done.

    Raises ApprovalRefused naming the reason: no pending plan, not an admin, the step's own
    owner under the two-person rule, or already decided.
    """
    step_id = step_key(step_id)
    state = services.state
    request = state.approval_request(step_id)
    if request is None:
        raise ApprovalRefused(f"{step_id} is not awaiting approval (run `rollover-bot check`)")
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
            f"{step_id} was already {latest.decision.value}d by {latest.by} at {latest.at}"
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
