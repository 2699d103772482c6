"""Approval requests and voided decisions, as the cycle carries them out: the state store
records them, the notifier posts them (once per plan; once more when a thread is lost)."""

from __future__ import annotations

from collections.abc import Callable

from bot.actions.base import ALLOW_OVER
from bot.core.approvals import ApprovalRecord, Decision
from bot.core.checklist import Step
from bot.core.plan import Plan
from bot.core.step_facts import RequestApproval
from bot.notify.rich import RichMessage
from bot.services import Services
from bot.structures import ApprovalRequest, Message, Outcome

Send = Callable[[Message], str]


def request(
    services: Services, send: Send, step: Step, effect: RequestApproval, stamp: str
) -> ApprovalRequest:
    """Record the request for ``effect.plan`` and post it (or post it anew, when its thread is
    lost); return the request as stored, with its thread."""
    state = services.state
    plan = effect.plan
    created = state.request_approval(
        ApprovalRequest(step.step_id, plan.fingerprint, plan.summary, step.owner, stamp)
    )
    current = state.approval_request(step.step_id)
    assert current is not None
    if not created and not effect.lost:
        return current
    lost = current.thread
    again = f"{step.step_id}:approval_request:{plan.fingerprint}:after:{lost}"
    thread = send(
        RichMessage(
            "approval_request",
            approval_text(step, plan, effect.over_threshold, effect.runs_on),
            step.step_id,
            recipients=tuple(sorted(services.policy.admins)),
            key="" if created else again,
        )
    )
    if created:
        state.set_thread(step.step_id, plan.fingerprint, thread)
    else:
        state.replace_thread(step.step_id, plan.fingerprint, lost, thread)
    current = state.approval_request(step.step_id)
    assert current is not None
    return current


def void(services: Services, send: Send, step: Step, decision: ApprovalRecord, stamp: str) -> None:
    """Record that ``decision`` no longer holds, and say why: in the Log (its Record is the
    plan), and in the thread it was given in."""
    state = services.state
    state.decide(
        ApprovalRecord(
            step.step_id,
            decision.fingerprint,
            Decision.VOID,
            "bot",
            "step changed after the decision",
            stamp,
        )
    )
    why = (
        f"the {decision.decision.value} by {decision.by} ({decision.at}) is void: the step "
        "changed since (action, scope, parameters, selected records or owner); "
        "a new approval is needed"
    )
    state.record_outcome(
        Outcome(step.step_id, decision.fingerprint, "approval", "plan", "void", why, "", stamp)
    )
    asked = state.approval_request(step.step_id)
    if asked is not None and asked.fingerprint == decision.fingerprint and asked.thread:
        send(Message("void", f"{step.step_id}: {why}.", step.step_id, asked.thread))


def approval_text(step: Step, plan: Plan, over: str = "", runs_on: str = "") -> str:
    """The request; ``over``: how far an ``allow_over_threshold=yes`` plan goes past the
    safety threshold, called out on its own line; ``runs_on``: the date a step approved
    ahead runs on."""
    alert = (
        [
            f"Over the safety threshold: this step {over}. Its Parameters say "
            f"{ALLOW_OVER}=yes, so it runs if approved: approve only if that many is intended."
        ]
        if over
        else []
    )
    lines = [
        f"Approval needed: {step.step_id} {plan.system} / {plan.action}",
        *alert,
        plan.summary,
        f"Scope: {plan.scope or '-'}   Parameters: {plan.parameters or '-'}",
        f"Owner: {step.owner or '-'}   Due: {step.due or '-'}   Plan {plan.fingerprint}",
        *([f"Scheduled: runs on {runs_on}, not before, once approved"] if runs_on else []),
        f"Reply `approve` or `reject <reason>` (CLI: rollover-bot approve {step.step_id} "
        "--as EMAIL [--reject REASON])",
    ]
    return "\n".join(lines)
