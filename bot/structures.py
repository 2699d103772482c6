"""The data that crosses the seams (workbook, LMS, state store, notifier)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from bot.core.id_fill import IdFill

ROW = "_row"


@dataclass
class Snapshot:
    """Every tab read in one pass: template columns as text (``""`` for blank) plus ``_row``.
    A roster tab whose header row is unusable (a repeated or blank header, a missing column) is
    not in ``frames`` but in ``broken``, with the reason: only the steps that need it fail."""

    frames: dict[str, pd.DataFrame]
    missing_tabs: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)

    def frame(self, tab: str) -> pd.DataFrame:
        return self.frames[tab]


@dataclass(frozen=True)
class CellWrite:
    """Set ``column`` of the row whose key column holds ``key`` (found again at write time)."""

    tab: str
    key: str
    column: str
    value: str


@dataclass
class WriteBatch:
    cells: list[CellWrite] = field(default_factory=list)
    id_fills: list[IdFill] = field(default_factory=list)
    log_rows: list[dict[str, str]] = field(default_factory=list)
    new_rows: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """Rows for keyed bot-filled tabs (Matches): appended unless their key is there already."""

    def __bool__(self) -> bool:
        return bool(self.cells or self.id_fills or self.log_rows or self.new_rows)


@dataclass
class WriteReport:
    cells_written: int = 0
    ids_filled: int = 0
    log_rows_appended: int = 0
    rows_appended: int = 0
    dropped: list[str] = field(default_factory=list)
    logged: list[int] = field(default_factory=list)
    """Positions in the batch's ``log_rows`` of the rows the Log tab now holds (appended by
    this write, or there already): only these outcomes may be marked logged."""
    tabs_created: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Operation:
    """One call to the LMS for one record. Nothing makes a repeat of it harmless: like a real
    API, the LMS applies every call it receives (the bot sends a change only to a record not
    yet at its target, and records once-per-rollover changes before it sends them)."""

    system: str
    action: str
    kind: str
    record_id: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OpResult:
    status: str
    message: str


@dataclass(frozen=True)
class OnceKey:
    """One rollover's change of one kind of record that is not idempotent by state (a
    promotion, a creation): the rollover ledger keeps each record's entry under it."""

    rollover: str
    system: str
    kind: str
    change: str


@dataclass(frozen=True)
class Settlement:
    """What became of a batch's once-per-rollover changes: ``applied`` records are settled
    applied, ``dropped`` ones are forgotten (refused: they may be tried again); the others
    stay intended (the call's outcome is unknown: the next plan reads the record back)."""

    key: OnceKey
    applied: frozenset[str] = frozenset()
    dropped: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Outcome:
    """A record's outcome in a step, as the ledger keeps it."""

    step_id: str
    record_id: str
    action: str
    kind: str
    outcome: str
    message: str
    lms_status: str
    at: str
    seq: int = 0
    by: str = ""
    """Who acted, for the Log's By column (the admin who undid); blank is the bot."""


@dataclass(frozen=True)
class Run:
    step_id: str
    fingerprint: str
    state: str
    status: str = ""
    result: str = ""
    started: str = ""
    finished: str = ""
    inputs: str = ""
    """What the step said when it ran (action, scope, parameters, owner), before planning."""


@dataclass(frozen=True)
class ApprovalRequest:
    step_id: str
    fingerprint: str
    summary: str
    owner: str
    requested_at: str
    thread: str = ""


@dataclass(frozen=True)
class Message:
    """A message for people: an approval request, a result, a digest."""

    kind: str
    text: str
    step_id: str = ""
    thread: str = ""
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class SnapshotRecord:
    """A record's LMS state before a destructive step changed it (for `undo`)."""

    system: str
    kind: str
    record_id: str
    status: str
    data: str


@dataclass(frozen=True)
class Lease:
    """Who may act on ``name`` (e.g. a workbook) until ``expires``; free from ``expires`` on.
    Times are timezone-aware UTC; ``acquired`` is when this holder first took it."""

    name: str
    holder: str
    acquired: datetime
    expires: datetime


PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"
"""An outbox message's states: waiting to be sent, sent, refused by Slack, or dropped (no
longer wanted)."""


@dataclass(frozen=True)
class OutboxEntry:
    """One message as the outbox keeps it (``blocks`` as Block Kit dicts)."""

    key: str
    kind: str
    step_id: str
    channel: str
    thread: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    state: str = PENDING
    ts: str = ""
    channel_id: str = ""
    attempts: int = 0
    error: str = ""


def outbox_entry(*row: Any) -> OutboxEntry:
    """An entry from a stored row, its ``blocks`` as JSON text."""
    values = list(row)
    values[6] = json.loads(values[6] or "[]")
    return OutboxEntry(*values)
