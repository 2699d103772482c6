"""The step life cycle (DESIGN section 3): statuses and how a step moves between them."""

from __future__ import annotations

from enum import StrEnum


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
