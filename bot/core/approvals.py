"""Who may approve a step, and whether an approval still holds for the plan in hand."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    VOID = "void"


@dataclass(frozen=True)
class ApprovalRecord:
    step_id: str
    fingerprint: str
    decision: Decision
    by: str
    reason: str = ""
    at: str = ""


@dataclass(frozen=True)
class Policy:
    admins: frozenset[str]
    two_person_rule: bool = True

    @classmethod
    def of(cls, admins: list[str], two_person_rule: bool = True) -> Policy:
        return cls(frozenset(a.strip().casefold() for a in admins if a.strip()), two_person_rule)


def refusal(policy: Policy, who: str, owner: str) -> str | None:
    """Why ``who`` may not approve or reject a step owned by ``owner``; None when they may."""
    person = who.strip().casefold()
    if not person:
        return "an approval must say who gives it"
    if person not in policy.admins:
        return f"{who} is not an approver (approvals.admins)"
    if policy.two_person_rule and owner and person == owner.strip().casefold():
        return f"{who} owns this step and may not approve it (two-person rule)"
    return None


def parse_reply(text: str) -> tuple[Decision, str] | None:
    """A thread reply's decision: first word ``approve`` or ``reject <reason>``, any case."""
    words = str(text or "").strip().split(maxsplit=1)
    if not words:
        return None
    first = words[0].casefold().rstrip(".!,:")
    rest = words[1].strip() if len(words) > 1 else ""
    if first in ("approve", "approved"):
        return Decision.APPROVE, rest
    if first in ("reject", "rejected"):
        return Decision.REJECT, rest
    return None


def standing(record: ApprovalRecord | None, fingerprint: str) -> str:
    """``none``, ``approved``, ``rejected`` or ``void`` (given for another plan)."""
    if record is None:
        return "none"
    if record.decision is Decision.VOID or record.fingerprint != fingerprint:
        return "void"
    return "approved" if record.decision is Decision.APPROVE else "rejected"
