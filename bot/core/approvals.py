"""Who may approve a step, and whether an approval still holds for the plan in hand."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


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


def is_slack_user_id(text: str) -> bool:
    """Whether ``text`` is a Slack user ID (``U...`` or ``W...``) rather than an email."""
    return bool(SLACK_USER_ID.match(text.strip()))


@dataclass(frozen=True)
class Policy:
    """Approvers by email (casefolded) and by Slack user ID (upper case)."""

    admins: frozenset[str]
    two_person_rule: bool = True
    admin_ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, admins: list[str], two_person_rule: bool = True) -> Policy:
        """From ``approvals.admins``: emails and Slack user IDs, mixed."""
        names = [a.strip() for a in admins if a.strip()]
        ids = frozenset(a.upper() for a in names if is_slack_user_id(a))
        emails = frozenset(a.casefold() for a in names if not is_slack_user_id(a))
        return cls(emails, two_person_rule, ids)

    def with_people(self, emails: Iterable[str], ids: Iterable[str]) -> Policy:
        """The same policy, also knowing the emails and IDs its admins were resolved to."""
        return Policy(
            self.admins | {e.strip().casefold() for e in emails if e.strip()},
            self.two_person_rule,
            self.admin_ids | {i.strip().upper() for i in ids if i.strip()},
        )


def refusal(policy: Policy, who: str, owner: str, user_id: str = "") -> str | None:
    """Why ``who`` (an email, or a Slack ID) may not approve or reject a step owned by
    ``owner``; None when they may. ``user_id`` is who's Slack ID when known."""
    person = who.strip().casefold()
    uid = user_id.strip().upper() or (who.strip().upper() if is_slack_user_id(who) else "")
    if not person and not uid:
        return "an approval must say who gives it"
    if person not in policy.admins and uid not in policy.admin_ids:
        return f"{who or uid} is not an approver (approvals.admins)"
    folded = owner.strip().casefold()
    if policy.two_person_rule and folded and (folded in (person, uid.casefold())):
        return f"{who or uid} owns this step and may not approve it (two-person rule)"
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
