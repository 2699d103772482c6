"""A step's status as the Checklist shows it, and the bot's columns of its row (``StepView``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.checklist import Step


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


def scheduled(runs_on: str, awaiting_approval: bool = False) -> str:
    """``Scheduled: runs on 2027-06-29`` (``; awaiting approval`` until it is approved)."""
    return f"{Status.SCHEDULED.value}: runs on {runs_on}" + (
        " (awaiting approval)" if awaiting_approval else ""
    )
