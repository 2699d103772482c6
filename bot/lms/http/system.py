"""What each system's adapter gives the LMS seam, and what the adapters share: a record frame
as the bot plans with it, and refusals that name their record."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from bot.errors import LMSError, LMSUnavailable, RuleViolation
from bot.lms.http.client import ApiClient, Unsure
from bot.structures import Operation, OpResult

Result = OpResult | LMSError

RESTORE = "restore from snapshot"
"""``undo``'s operation: put a record back as a snapshot saw it (the in-process mock's own)."""


class SystemAdapter(ABC):
    """One system's API behind the LMS seam."""

    system: str
    client: ApiClient
    batch: int
    """The vendor's batch size: records per bulk request."""

    @abstractmethod
    def records(self, kind: str) -> pd.DataFrame: ...

    @abstractmethod
    def settings(self) -> dict[str, str]: ...

    @abstractmethod
    def execute_many(self, ops: Sequence[Operation]) -> list[Result]:
        """Per operation, in order, its result or the error it met (see ``LMS``)."""

    def bulk_size(self) -> int:
        """Operations taken at once: a bulk request per batch, several batches at once."""
        return self.batch * max(1, self.client.policy.concurrency)

    def close(self) -> None:
        self.client.close()

    def cannot_restore(self, op: Operation) -> RuleViolation:
        """``undo`` asks to put a record back as a snapshot saw it: no vendor's API can."""
        return RuleViolation(
            f"{op.record_id}: {self.system}'s API has no way to put a record back as the "
            f"snapshot saw it ({op.params.get('status', '')}): restore it in {self.system} "
            "by hand"
        )


def frame_of(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Records (``id``, ``status`` and fields) as the frame the bot plans with: text IDs and
    statuses, each field a column in the order first seen, ``None`` where a record lacks it
    (as the in-process mock gives it)."""
    rows = list(records)
    if not rows:
        return pd.DataFrame({"id": [], "status": []}, dtype=object)
    names: dict[str, None] = {}
    for row in rows:
        for name in row:
            if name not in ("id", "status"):
                names.setdefault(name, None)
    columns: dict[str, list[object]] = {
        "id": [str(r["id"]) for r in rows],
        "status": [str(r.get("status") or "") for r in rows],
    }
    for name in names:
        columns[name] = [_text(r.get(name)) for r in rows]
    return pd.DataFrame(columns, dtype=object)


def _text(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def named(message: str, record: str) -> str:
    """A refusal's message, naming its record (the vendor's message mostly does)."""
    message = message.strip() or "refused"
    return message if record in message else f"{record}: {message}"


def unknown_operation(system: str, op: Operation) -> LMSError:
    return LMSError(f"{system}'s API adapter has no operation {op.action!r}")


def for_record(op: Operation, exc: LMSUnavailable) -> LMSUnavailable:
    """A request's failure, for one of its records (a lost answer stays ``Unsure``: the bot
    reads the record back on its next run)."""
    if isinstance(exc, Unsure):
        return Unsure(f"{op.record_id}: {exc}; the next run reads it back")
    return LMSUnavailable(named(str(exc), op.record_id))
