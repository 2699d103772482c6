"""The four APIs designed for vendors that publish none (Edgenuity, SchoolStatus, Twig
Science, Renaissance; ``docs/lms-api/``): what they share, and the adapter that maps the bot's
operations and reads onto them.

* Reads: ``GET /v1/<collection>?limit=&offset=`` pages (``data``, ``total``, ``next_offset``),
  the first page first, the others a few at once; ``GET /v1/settings``.
* Record operations: ``POST /v1/<collection>:<verb>`` with ``{"ids": [...]}`` or
  ``{"records": [...]}``, at most the batch size, answered per record (``applied``,
  ``unchanged``, ``refused``, ``not_found``, ``failed``); ``failed`` records (not attempted:
  the server failed part-way) are sent again; a 400 naming one record leaves it out and sends
  the others again.
* Single operations (settings, a sync, a transfer): one request each, in order, answered with
  the result object; a 404 or 422 is the vendor refusing the record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pandas as pd

from bot.errors import LMSError, LMSUnavailable, RuleViolation
from bot.lms.http.client import Answer, ApiClient, error_message
from bot.lms.http.limits import Limit
from bot.lms.http.system import (
    RESTORE,
    Result,
    SystemAdapter,
    for_record,
    frame_of,
    named,
    unknown_operation,
)
from bot.structures import Operation, OpResult
from bot.templates import normalize_header

PAGE = 1000
"""Records per page read (the designed APIs' most)."""
STUDENT_FIELDS = (
    "first_name",
    "last_name",
    "grade",
    "school",
    "graduation_year",
    "birth_date",
    "email",
)
"""A student's fields the designed APIs take (the bot's names, as the Students tab maps them)."""
REFUSALS = frozenset({"refused", "not_found"})
DONE = frozenset({"applied", "unchanged"})
Body = Callable[[Operation], Any]
Payload = Callable[[Sequence[Operation]], dict[str, Any]]


@dataclass(frozen=True)
class BulkWrite:
    """``POST path`` for many records: each record's ``fields`` from the operation's
    parameters (``required`` must be there, else the record is refused before anything is
    sent); ``repeatable``: sending it again leaves the record as the first time (archiving
    an archived record is ``unchanged``), so it is retried after an answer was lost;
    ``payload``: the body, when it is not ``ids`` or ``records``."""

    path: str
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    repeatable: bool = True
    payload: Payload | None = None

    def body(self, ops: Sequence[Operation]) -> dict[str, Any]:
        if self.payload is not None:
            return self.payload(ops)
        if not self.fields:
            return {"ids": [op.record_id for op in ops]}
        return {
            "records": [
                {"id": op.record_id, **{f: op.params[f] for f in self.fields if f in op.params}}
                for op in ops
            ]
        }


@dataclass(frozen=True)
class SingleWrite:
    """One request per operation: ``method`` ``path`` (``{id}``: the record, quoted) with
    ``body`` made from the operation; ``repeatable`` as for ``BulkWrite``."""

    method: str
    path: str
    body: Body | None = None
    repeatable: bool = True

    def url(self, op: Operation) -> str:
        return self.path.replace("{id}", quote(op.record_id, safe=""))


@dataclass(frozen=True)
class DesignedApi:
    """One designed API: the system, its URL prefix on the LMS host, its batch size and
    rate limit, the collection of each record kind (and how to read a listed record back into
    the model's shape), and each operation's write."""

    system: str
    slug: str
    batch: int
    limit: Limit
    collections: Mapping[str, str]
    writes: Mapping[str, BulkWrite | SingleWrite]
    shapes: Mapping[str, Callable[[dict[str, Any]], dict[str, Any]]] = field(default_factory=dict)

    def write(self, action: str) -> BulkWrite | SingleWrite | None:
        return {normalize_header(k): v for k, v in self.writes.items()}.get(
            normalize_header(action)
        )


def params_body(*names: str) -> Body:
    """A body of the operation's parameters ``names`` (those it has)."""

    def body(op: Operation) -> dict[str, Any]:
        return {n: op.params[n] for n in names if n in op.params}

    return body


def no_body(op: Operation) -> dict[str, Any]:
    return {}


class DesignedAdapter(SystemAdapter):
    def __init__(self, api: DesignedApi, client: ApiClient) -> None:
        self.api = api
        self.system = api.system
        self.client = client
        self.batch = client.policy.batch(api.batch)

    def records(self, kind: str) -> pd.DataFrame:
        """A kind's records, every page; a kind the API has no collection of has none."""
        collection = self.api.collections.get(kind)
        if collection is None:
            return frame_of([])
        first = self._page(collection, 0)
        total = int(first.get("total") or 0)
        rest = self.client.map(
            lambda offset: self._page(collection, offset), range(PAGE, total, PAGE)
        )
        rows = [r for page in (first, *rest) for r in page.get("data", [])]
        shape = self.api.shapes.get(kind)
        return frame_of(shape(r) for r in rows) if shape is not None else frame_of(rows)

    def _page(self, collection: str, offset: int) -> dict[str, Any]:
        answer = self.client.get(collection, {"limit": PAGE, "offset": offset})
        body = self._expect(answer, f"GET {collection}")
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise LMSError(f"{self.system} answered GET {collection} with no list of records")
        return body

    def settings(self) -> dict[str, str]:
        body = self._expect(self.client.get("/v1/settings"), "GET /v1/settings")
        found = body.get("settings") if isinstance(body, dict) else None
        if not isinstance(found, dict):
            raise LMSError(f"{self.system} answered GET /v1/settings with no settings")
        return {str(k): str(v) for k, v in found.items()}

    def _expect(self, answer: Answer, what: str) -> Any:
        if not answer.ok:
            said = error_message(answer.body)
            raise LMSUnavailable(f"{self.system} answered {what} with {answer.status}: {said}")
        return answer.body

    def execute_many(self, ops: Sequence[Operation]) -> list[Result]:
        """Bulk writes grouped by operation and sent a batch per request, several at once;
        single writes one after another, in order."""
        results: dict[int, Result] = {}
        groups: dict[str, list[int]] = {}
        for n, op in enumerate(ops):
            write = self.api.write(op.action)
            if op.action == RESTORE:
                results[n] = self.cannot_restore(op)
            elif write is None:
                raise unknown_operation(self.system, op)
            elif isinstance(write, SingleWrite):
                results[n] = self._single(write, op)
            else:
                groups.setdefault(normalize_header(op.action), []).append(n)
        for indexes in groups.values():
            write = self.api.write(ops[indexes[0]].action)
            assert isinstance(write, BulkWrite)
            for n, result in zip(
                indexes, self._bulk(write, [ops[i] for i in indexes]), strict=True
            ):
                results[n] = result
        return [results[n] for n in range(len(ops))]

    def _single(self, write: SingleWrite, op: Operation) -> Result:
        body = write.body(op) if write.body is not None else None
        try:
            answer = self.client.request(
                write.method, write.url(op), body=body, repeatable=write.repeatable
            )
        except LMSUnavailable as exc:
            return for_record(op, exc)
        if answer.ok and isinstance(answer.body, dict):
            return OpResult(str(answer.body.get("status", "")), str(answer.body.get("message", "")))
        said = error_message(answer.body) or f"answered {answer.status}"
        if answer.status in (400, 404, 409, 422):
            return RuleViolation(named(said, op.record_id))
        return LMSUnavailable(
            named(f"{self.system} answered {answer.status}: {said}", op.record_id)
        )

    def _bulk(self, write: BulkWrite, ops: list[Operation]) -> list[Result]:
        """Records without a required field refused here; the others in batches, a request
        each, up to the client's concurrency at once."""
        results: dict[int, Result] = {}
        todo = []
        for n, op in enumerate(ops):
            missing = [f for f in write.required if not str(op.params.get(f, "")).strip()]
            if missing:
                results[n] = RuleViolation(
                    f"{op.record_id} has no {', '.join(missing)} to send to {self.system}"
                )
            else:
                todo.append(n)
        chunks = [todo[i : i + self.batch] for i in range(0, len(todo), self.batch)]
        answered = self.client.map(
            lambda chunk: self._request(write, [ops[n] for n in chunk]), chunks
        )
        for chunk, chunk_results in zip(chunks, answered, strict=True):
            results.update(zip(chunk, chunk_results, strict=True))
        return [results[n] for n in range(len(ops))]

    def _request(self, write: BulkWrite, ops: list[Operation]) -> list[Result]:
        """One bulk request, and again for the records it did not attempt (``failed``) or
        left out (a 400 naming one record), up to the client's attempts."""
        results: dict[int, Result] = {}
        pending = list(range(len(ops)))
        tries = 0
        while pending:
            tries += 1
            sent = [ops[n] for n in pending]
            try:
                answer = self.client.request(
                    "POST", write.path, body=write.body(sent), repeatable=write.repeatable
                )
            except LMSUnavailable as exc:
                results.update((n, for_record(ops[n], exc)) for n in pending)
                break
            named_record = _record_of(answer)
            if answer.status == 400 and named_record in {op.record_id for op in sent}:
                for n in pending:
                    if ops[n].record_id == named_record:
                        results[n] = RuleViolation(named(error_message(answer.body), named_record))
                pending = [n for n in pending if n not in results]
                continue
            outcomes = self._outcomes(answer, write, sent)
            again = []
            for n, outcome in zip(pending, outcomes, strict=True):
                if outcome is None:
                    again.append(n)
                else:
                    results[n] = outcome
            if again and tries >= self.client.policy.attempts:
                for n in again:
                    results[n] = LMSUnavailable(
                        f"{ops[n].record_id} was not applied: {self.system} failed part-way "
                        f"through {tries} bulk requests; the next run sends it again"
                    )
                break
            if again:
                self.client.retries += 1
                self.client.sleep(self.client.policy.backoff)
            pending = again
        return [results[n] for n in range(len(ops))]

    def _outcomes(
        self, answer: Answer, write: BulkWrite, sent: list[Operation]
    ) -> list[Result | None]:
        """Each record's outcome in a bulk answer (``None``: not attempted, send again)."""
        if not answer.ok:
            said = error_message(answer.body) or f"answered {answer.status}"
            return [
                LMSUnavailable(
                    named(f"{self.system} refused the bulk request: {said}", op.record_id)
                )
                for op in sent
            ]
        body = answer.body if isinstance(answer.body, dict) else {}
        found = body.get("results")
        if not isinstance(found, list) or len(found) != len(sent):
            raise LMSError(
                f"{self.system} answered POST {write.path} with {len(found or [])} results for "
                f"{len(sent)} records"
            )
        out: list[Result | None] = []
        for op, result in zip(sent, found, strict=True):
            outcome = str(result.get("outcome", ""))
            message = str(result.get("message", ""))
            if outcome in DONE:
                out.append(OpResult(str(result.get("status", "")), message))
            elif outcome in REFUSALS:
                out.append(RuleViolation(named(message, op.record_id)))
            elif outcome == "failed":
                out.append(None)
            else:
                out.append(LMSUnavailable(named(f"unknown outcome {outcome!r}", op.record_id)))
        return out


def _record_of(answer: Answer) -> str:
    """The record a designed API's error names (``error.record``), else ``""``."""
    if isinstance(answer.body, dict) and isinstance(answer.body.get("error"), dict):
        return str(answer.body["error"].get("record") or "")
    return ""


def json_param(name: str) -> Callable[[Operation], Any]:
    """An operation's parameter that holds JSON text, decoded (empty: an empty list)."""

    def value(op: Operation) -> Any:
        return json.loads(op.params.get(name) or "[]")

    return value
