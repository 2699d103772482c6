"""What `status` says of the steps that need someone (Failed, Partly done, Not confirmed,
Invalid, Rejected, Awaiting approval), and what `show STEP` says of one step: its row, plan,
approval, result, the records that failed (from the ledger) and its Log rows."""

from __future__ import annotations

import pandas as pd

from bot.abc import StateStore
from bot.commands.table import shorten
from bot.core.status import Status, status_of
from bot.core.values import is_checked
from bot.core.wording import count
from bot.steps.approve import DONE_AS
from bot.steps.row import find_row, step_key, unknown_step
from bot.structures import Outcome

ATTENTION = (
    Status.FAILED,
    Status.PARTLY_DONE,
    Status.UNCONFIRMED,
    Status.INVALID,
    Status.REJECTED,
    Status.AWAITING_APPROVAL,
)
"""Statuses someone has to act on, most urgent first."""
LINE_WIDTH = 110
LABEL_WIDTH = 18
SHOWN_FAILURES = 20
SHOWN_LOG_ROWS = 10
NOT_RECORDS = frozenset({"step log", "plan"})
"""Ledger kinds that are notes, not records a step acted on (a per-record log, a void)."""


def status_counts(frame: pd.DataFrame) -> str:
    """``3 Awaiting approval, 2 Done, 1 Invalid``: statuses by name, without their details
    (``Rejected by X: why`` counts as Rejected); a step no cycle has seen yet is ``(new)``."""
    names = [status_of(s).value if str(s).strip() else "(new)" for s in frame["Status"]]
    counted = pd.Series(names, dtype=object).value_counts().sort_index()
    return ", ".join(f"{n} {name}" for name, n in counted.items()) or "none"


def attention_lines(frame: pd.DataFrame, width: int = LINE_WIDTH) -> list[str]:
    """One line per step someone has to act on, most urgent first, in sheet order within a
    status: its status, Step ID, action and why (its Result) or what (its Plan)."""
    rows = frame.to_dict("records")
    lines = []
    for status in ATTENTION:
        for row in rows:
            said_as = status_of(row.get("Status", ""))
            if str(row.get("Status", "")).strip().endswith("(awaiting approval)"):
                said_as = Status.AWAITING_APPROVAL  # Scheduled, asked ahead of its date
            if said_as is not status or not str(row["Status"]).strip():
                continue
            said = str(row.get("Status", "")).strip()
            label = said
            if status is Status.AWAITING_APPROVAL:
                why = row.get("Plan", "")
            elif status in (Status.REJECTED, Status.UNCONFIRMED):
                why = said.partition(":")[2].strip() or row.get("Plan", "")
                label = said.partition(":")[0]
            else:
                why = row.get("Result", "")
            head = f"{step_key(row.get('Step ID', ''))} {row.get('Action', '').strip()}"
            text = f"{label}: {head}: {' '.join(str(why).split()) or '-'}"
            lines.append("    " + shorten(text, width - 4))
    return lines


def show_step(
    checklist: pd.DataFrame,
    log: pd.DataFrame | None,
    state: StateStore,
    step_id: str,
    log_rows: int = SHOWN_LOG_ROWS,
) -> str:
    """One step whole. Raises UnknownStep when the Checklist has no such step."""
    row = find_row(checklist, step_id)
    if row is None:
        raise unknown_step(step_id)
    sid = step_key(step_id)
    lines = [f"{sid}  {row.get('System', '').strip()} / {row.get('Action', '').strip()}"]
    lines += _fields(
        [
            ("Phase", row.get("Phase", "")),
            ("Scope", row.get("Scope", "")),
            ("Parameters", row.get("Parameters", "")),
            ("Depends on", row.get("Depends on", "")),
            ("Owner", row.get("Owner", "")),
            ("Due", row.get("Due", "")),
            ("Run", "ticked" if is_checked(row.get("Run", "")) else "not ticked"),
            ("Notes", row.get("Notes", "")),
            ("Status", row.get("Status", "") or "(no cycle has seen it yet)"),
            ("Plan", row.get("Plan", "")),
            ("Approval", row.get("Approval", "")),
            ("Result", row.get("Result", "")),
            ("Last run", row.get("Last run", "")),
            ("Thread", row.get("Thread", "")),
        ]
    )
    lines += _approvals(state, sid)
    lines += _failures(state.outcomes(sid))
    lines += _log(log, sid, log_rows)
    return "\n".join(lines)


def _fields(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"  {name + ':':<{LABEL_WIDTH}}{' '.join(str(v).split()) or '-'}" for name, v in pairs]


def _approvals(state: StateStore, step_id: str) -> list[str]:
    """The bot's own record: the latest request and decision, and the run."""
    request = state.approval_request(step_id)
    decision = state.decision(step_id)
    run = state.run_for(step_id)
    pairs = []
    if request is not None:
        thread = f", thread {request.thread}" if request.thread else ""
        pairs.append(("Requested", f"plan {request.fingerprint} at {request.requested_at}{thread}"))
    if decision is not None:
        why = f": {decision.reason}" if decision.reason else ""
        current = request is not None and decision.fingerprint == request.fingerprint
        pairs.append(
            (
                "Decision",
                f"{DONE_AS[decision.decision]} by {decision.by} at {decision.at} (plan "
                f"{decision.fingerprint}{'' if current else ', an earlier plan'}){why}",
            )
        )
    if run is not None:
        ended = (
            f"finished {run.finished}: {run.status}"
            if run.state == "finished"
            else "not finished (the next cycle carries on)"
        )
        pairs.append(("Last run", f"started {run.started}, {ended}"))
    return ["  The bot's record:", *("  " + line for line in _fields(pairs))] if pairs else []


def _failures(outcomes: list[Outcome]) -> list[str]:
    """Records whose latest outcome in this step is a failure, with the reason."""
    latest: dict[tuple[str, str], Outcome] = {}
    for outcome in outcomes:
        if outcome.kind not in NOT_RECORDS:
            latest[(outcome.kind, outcome.record_id)] = outcome
    failed = [o for o in latest.values() if o.outcome == "failed"]
    if not failed:
        return ["  Failures: none"]
    lines = [f"  Failures ({count(len(failed), 'record')}, from the ledger):"]
    lines += [
        "    " + shorten(f"{o.record_id} ({o.action}, {o.at}): {o.message}", LINE_WIDTH - 4)
        for o in failed[:SHOWN_FAILURES]
    ]
    if len(failed) > SHOWN_FAILURES:
        lines.append(f"    and {len(failed) - SHOWN_FAILURES:,} more")
    return lines


def _log(log: pd.DataFrame | None, step_id: str, shown: int) -> list[str]:
    if log is None:
        return ["  Log: the workbook has no Log tab"]
    mine = log[log["Step"].map(step_key) == step_id] if not log.empty else log
    if mine.empty:
        return ["  Log: no rows for this step"]
    last = mine.tail(shown) if shown else mine.head(0)
    lines = [f"  Log ({count(len(mine), 'row')}; the last {len(last):,}):"]
    for row in last.to_dict("records"):
        text = (
            f"{row['Time']} | {row['By'] or 'rollover-bot'} | {row['Action']} | "
            f"{row['Record']} | {row['Outcome']}: {row['Message']}"
        )
        lines.append("    " + shorten(text, LINE_WIDTH - 4))
    return lines
