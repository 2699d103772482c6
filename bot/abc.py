"""The seams: one small interface per outside world. Implementations live in subpackages
(``bot/workbook``, ``bot/lms``, ``bot/state``, ``bot/notify``), each with a ``base.py``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

import pandas as pd

from bot.core.approvals import ApprovalRecord
from bot.core.targets import Done
from bot.errors import LMSError, LMSUnavailable, RuleViolation, StateError
from bot.structures import (
    ApprovalRequest,
    Lease,
    Message,
    OnceKey,
    Operation,
    OpResult,
    OutboxEntry,
    Outcome,
    Run,
    Settlement,
    Snapshot,
    SnapshotRecord,
    WriteBatch,
    WriteReport,
)


class Clock(ABC):
    @abstractmethod
    def now(self) -> datetime:
        """The current time, timezone-aware."""


class Workbook(ABC):
    """The district's workbook: read tabs in one pass, write bot columns in one batch."""

    @abstractmethod
    def read(self, tabs: Collection[str] | None = None) -> Snapshot:
        """Read ``tabs`` (template tab names; default every tab): ``frames`` holds those the
        workbook has, ``missing_tabs`` the others."""

    @abstractmethod
    def write(self, batch: WriteBatch) -> WriteReport:
        """Apply ``batch``, finding each row again by its key; drop (and report) lost rows."""


class LMS(ABC):
    """One learning-management system family (mock or real), addressed by system name."""

    @abstractmethod
    def execute(self, op: Operation) -> OpResult:
        """Apply one operation; raises RuleViolation or LMSUnavailable. Like a real API, it
        applies every call it receives: the bot never relies on it to deduplicate."""

    def bulk_size(self, system: str) -> int:
        """How many operations of ``system`` ``execute_many`` takes at once: one by default
        (the in-process mock); an API adapter takes its vendor's batch size times the bulk
        requests it sends at once."""
        return 1

    def execute_many(self, ops: Sequence[Operation]) -> list[OpResult | LMSError]:
        """Apply operations (at most ``bulk_size``), each on its own: per operation, in order,
        its result, or the ``RuleViolation`` (refused, naming the record) or
        ``LMSUnavailable`` (not applied, or not known to be) it met. An error that is no one
        record's (a fault in the bot, credentials refused) is raised. By default, one
        ``execute`` after another."""
        results: list[OpResult | LMSError] = []
        for op in ops:
            try:
                results.append(self.execute(op))
            except (RuleViolation, LMSUnavailable) as exc:
                results.append(exc)
        return results

    @abstractmethod
    def records(self, system: str, kind: str) -> pd.DataFrame:
        """The LMS's current view of ``kind`` records: columns ``id``, ``status`` and fields."""

    @abstractmethod
    def settings(self, system: str) -> dict[str, str]: ...

    @abstractmethod
    def close(self) -> None:
        """Let go of what the LMS holds open (its connection)."""


class RunsAndLedger(ABC):
    """Runs of steps, the per-record ledger of what was done, and each record's state from
    before a step first touched it (for undo)."""

    failures: tuple[type[Exception], ...] = (StateError,)
    """The errors that mean the store itself failed: a cycle cannot go on after one."""

    @abstractmethod
    def run_for(self, step_id: str) -> Run | None:
        """The latest run of a step that was not reset."""

    @abstractmethod
    def start_run(self, step_id: str, fingerprint: str, at: str, inputs: str = "") -> None:
        """Start a run, unless the latest is this plan's and still running."""

    @abstractmethod
    def finish_run(
        self, step_id: str, fingerprint: str, status: str, result: str, at: str
    ) -> None: ...

    @abstractmethod
    def reset_runs(self, step_id: str) -> None:
        """Forget finished runs of a step (Run was unticked); the ledger is kept."""

    @abstractmethod
    def applied(self, step_id: str) -> set[str]:
        """Record IDs already applied by this step."""

    @abstractmethod
    def intend(self, step_id: str, fingerprint: str, record_ids: Sequence[str]) -> None:
        """Before the calls: the records this run of the step's plan will change (replacing
        an earlier run's), in one durable write."""

    @abstractmethod
    def unresolved(self, step_id: str, fingerprint: str) -> set[str]:
        """Records a run of this plan meant to change but did not record as applied (a crash
        between the call and its outcome, or a call that timed out after the LMS applied it):
        read back to resolve them."""

    @abstractmethod
    def record_outcome(self, outcome: Outcome) -> None:
        """Add ``outcome`` to the ledger, durably before this returns."""

    @abstractmethod
    def record_outcomes(
        self, outcomes: Sequence[Outcome], settled: Settlement | None = None
    ) -> None:
        """Add a bulk request's ``outcomes`` to the ledger and settle its once-per-rollover
        entries (``settled``), in one durable write."""

    @abstractmethod
    def outcomes(self, step_id: str | None = None) -> list[Outcome]:
        """The ledger, oldest first (one step's, or everything)."""

    @abstractmethod
    def unlogged(self) -> list[Outcome]:
        """Outcomes not yet confirmed written to the workbook's Log tab."""

    @abstractmethod
    def mark_logged(self, seqs: list[int]) -> None: ...

    @abstractmethod
    def save_snapshot(self, step_id: str, records: list[SnapshotRecord]) -> int:
        """Keep each record's state from before the step first touched it; returns how many
        were new (a record already in the step's snapshot keeps its first state)."""

    @abstractmethod
    def snapshot(self, step_id: str) -> list[SnapshotRecord]: ...


class Approvals(ABC):
    """Approval requests (one per step and plan), the Slack threads they were posted in, and
    the decisions taken on them."""

    @abstractmethod
    def request_approval(self, request: ApprovalRequest) -> bool:
        """Record a request; False if the step's latest request is for this fingerprint
        already. Atomic across processes: of two callers at once, one gets True."""

    @abstractmethod
    def approval_request(self, step_id: str) -> ApprovalRequest | None:
        """The latest approval request of a step (None since its changes were undone)."""

    @abstractmethod
    def set_thread(self, step_id: str, fingerprint: str, thread: str) -> None:
        """Note the thread of the request for this plan, unless it has one already."""

    @abstractmethod
    def replace_thread(self, step_id: str, fingerprint: str, old: str, new: str) -> bool:
        """Move a request's thread from ``old`` (one that was lost: not in this Slack, or
        deleted) to ``new``; False when its thread is no longer ``old``."""

    @abstractmethod
    def step_for_thread(self, thread: str) -> str | None:
        """The step whose approval request (any plan of it) was posted in ``thread``."""

    @abstractmethod
    def awaiting_threads(self) -> list[ApprovalRequest]:
        """Each step's latest approval request that has a thread and no decision yet."""

    @abstractmethod
    def decide(self, record: ApprovalRecord) -> None: ...

    @abstractmethod
    def reset_approvals(self, step_id: str, at: str) -> None:
        """The step's changes were undone: its next plan needs a request of its own (posted
        anew, in a new thread) and a new decision, even for the same plan."""

    @abstractmethod
    def decision(self, step_id: str) -> ApprovalRecord | None:
        """The latest approval or rejection of a step, whatever plan it was given for."""


class LeasesAndClaims(ABC):
    """Who may run a district's cycles (a lease), and things done once (claimed keys)."""

    @abstractmethod
    def acquire_lease(self, name: str, holder: str, now: datetime, seconds: float) -> Lease:
        """Take the lease if it is free, expired at ``now``, or ``holder``'s already (then renew it
        to ``now + seconds``, keeping ``acquired``). Returns the lease as it stands afterwards: when
        someone else holds it, ``lease.holder`` names them. Atomic across processes."""

    @abstractmethod
    def release_lease(self, name: str, holder: str) -> bool:
        """Give the lease up if ``holder`` holds it; True if it did."""

    @abstractmethod
    def lease(self, name: str) -> Lease | None:
        """The lease as stored (it may have expired), or None when nobody holds it."""

    @abstractmethod
    def claim(self, keys: Sequence[str], at: str) -> bool:
        """True, once: when none of ``keys`` was claimed before (all are claimed now, at
        ``at``). Atomic across processes: when any key was claimed already, none is claimed."""

    @abstractmethod
    def claimed(self, key: str) -> bool:
        """Whether ``key`` was claimed."""


class SlackOutbox(ABC):
    """Messages for Slack, kept before they are sent so that each is sent once."""

    @abstractmethod
    def outbox_record(self, entry: OutboxEntry, at: str) -> OutboxEntry:
        """Keep ``entry`` (created ``at``) unless its key is known; return what the outbox holds
        for the key."""

    @abstractmethod
    def outbox_entry(self, key: str) -> OutboxEntry | None: ...

    @abstractmethod
    def outbox_entries(self, state: str = "") -> list[OutboxEntry]:
        """Every message (or those in ``state``), oldest first."""

    @abstractmethod
    def outbox_attempt(self, key: str) -> None:
        """Count one more try to send ``key``."""

    @abstractmethod
    def outbox_sent(self, key: str, ts: str, channel_id: str, at: str) -> None:
        """Slack accepted ``key`` as ``ts`` in ``channel_id``, ``at``; the error is cleared."""

    @abstractmethod
    def outbox_error(self, key: str, error: str, state: str) -> None:
        """Keep ``error`` as ``key``'s last, and put it in ``state``."""

    @abstractmethod
    def outbox_channel_id(self, channel: str) -> str:
        """The ID Slack gave ``channel`` (a name or ID) in its latest answer, else ``""``."""

    @abstractmethod
    def outbox_sent_as(self, ts: str) -> OutboxEntry | None:
        """The message Slack accepted with ``ts``."""


class CycleLog(ABC):
    """When each cycle ran and what it did."""

    @abstractmethod
    def record_cycle(self, started: str, finished: str, summary: str) -> None: ...

    @abstractmethod
    def cycles(self, limit: int = 10) -> list[tuple[str, str, str]]:
        """The latest ``limit`` cycles, newest first: (started, finished, summary)."""


class Rollovers(ABC):
    """What spans the steps of one rollover: the ledger of changes made once per rollover
    (a promotion, a creation, a merge), the threshold's base, and every Step ID given."""

    @abstractmethod
    def once_entries(self, rollover: str, system: str, kind: str, change: str) -> dict[str, Done]:
        """This rollover's ``change`` of ``kind`` records, by record ID: the step that holds
        each, its target, and whether it was applied (else only intended: a crash may have
        come between the call and its outcome)."""

    @abstractmethod
    def intend_once(
        self,
        rollover: str,
        system: str,
        kind: str,
        change: str,
        record_id: str,
        step_id: str,
        target: Mapping[str, str],
    ) -> bool:
        """Record, durably and before the call, that ``step_id`` makes ``change`` of the
        record towards ``target``; False (recording nothing) when another step holds it."""

    @abstractmethod
    def intend_once_many(
        self, key: OnceKey, step_id: str, targets: Mapping[str, Mapping[str, str]]
    ) -> set[str]:
        """``intend_once`` for a batch (record -> target), in one durable write: the records
        ``step_id`` holds afterwards (recorded now or before); another step's are left out."""

    @abstractmethod
    def settle_once(
        self, rollover: str, system: str, kind: str, change: str, record_id: str, applied: bool
    ) -> None:
        """The call's outcome: applied, or not (then the entry is dropped: it may be tried
        again)."""

    @abstractmethod
    def drop_once(self, step_id: str) -> None:
        """Forget the step's once-per-rollover changes (they were undone)."""

    @abstractmethod
    def baseline(self, rollover: str, system: str, kind: str) -> int:
        """The active records of ``kind`` when the rollover's first plan saw them (0 unknown)."""

    @abstractmethod
    def set_baseline(self, rollover: str, system: str, kind: str, count: int) -> int:
        """Keep ``count`` as the base unless one is kept already; returns the one kept."""

    @abstractmethod
    def reset_baseline(self, rollover: str, system: str, kind: str, count: int) -> None:
        """Make ``count`` the base, replacing any kept: a roster sync starts a new one
        (DESIGN section 7: the active count at the start of the rollover, or the last sync)."""

    @abstractmethod
    def issued_step_ids(self) -> set[str]:
        """Every Step ID the bot has seen in the Checklist or given to a row."""

    @abstractmethod
    def issue_step_ids(self, step_ids: Iterable[str]) -> None: ...


class StateStore(RunsAndLedger, Approvals, LeasesAndClaims, SlackOutbox, CycleLog, Rollovers):
    """What the bot remembers between cycles, one concern per base class. Every method's
    writes are committed before it returns."""

    @abstractmethod
    def close(self) -> None: ...


class Notifier(ABC):
    """Where the bot's messages go. ``bot/notify/base.py`` has the defaults of a notifier
    with no outbox, no listeners and no directory of people (the console)."""

    listens: bool
    """Whether people answer this notifier's messages in their threads, so `serve` listens
    for their replies and buttons (Slack)."""

    @abstractmethod
    def send(self, message: Message) -> str:
        """Deliver a message; return its thread reference (Slack ``ts``) if it starts one."""

    @abstractmethod
    def flush(self) -> int:
        """Send the messages kept to send later (Slack was unreachable); returns how many
        were sent."""

    @abstractmethod
    def close(self) -> None:
        """Let go of what the notifier holds open."""

    @abstractmethod
    def mention(self, who: str) -> str:
        """How a message names ``who`` (an email or a Slack user ID)."""

    @abstractmethod
    def gone(self, thread: str) -> None:
        """``thread`` no longer exists where it was posted: ``lost`` says so from now on."""

    def lost(self, thread: str) -> bool:
        """Whether ``thread`` (kept from an earlier ``send``) is not one this notifier can
        reply in: it was started elsewhere (e.g. on the console before a switch to Slack) or
        is gone. A request posted in a lost thread is posted anew. Never, by default."""
        return False

    def link(self, thread: str, shown: str = "") -> str:
        """What the Checklist's Thread column shows for ``thread`` (Slack: a link to it).
        By default ``shown`` (what it shows now) when that already links to ``thread`` (a
        Slack link made before a switch to the console), else the thread itself."""
        linked = bool(thread) and shown.endswith(f"/p{thread.replace('.', '')}")
        return shown if linked else thread
