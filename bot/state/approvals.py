"""Approval requests, the Slack threads they were posted in, and the decisions on them."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from bot.abc import Approvals
from bot.core.approvals import ApprovalRecord, Decision, standing
from bot.state.base import SqlBase
from bot.state.tables import DECISION_COLUMNS, REQUEST_COLUMNS, approval_requests, decisions
from bot.structures import ApprovalRequest


def latest_request(conn: Connection, step_id: str) -> ApprovalRequest | None:
    row = conn.execute(
        select(*REQUEST_COLUMNS)
        .where(approval_requests.c.step_id == step_id)
        .order_by(approval_requests.c.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else ApprovalRequest(*row)


def latest_decision(conn: Connection, step_id: str) -> ApprovalRecord | None:
    row = conn.execute(
        select(*DECISION_COLUMNS)
        .where(decisions.c.step_id == step_id)
        .order_by(decisions.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return ApprovalRecord(row[0], row[1], Decision(row[2]), row[3], row[4], row[5])


class SqlApprovals(SqlBase, Approvals):
    def request_approval(self, request: ApprovalRequest) -> bool:
        with self.writing(f"approval:{request.step_id}") as conn:
            latest = latest_request(conn, request.step_id)
            if latest is not None and latest.fingerprint == request.fingerprint:
                return False
            conn.execute(insert(approval_requests), asdict(request))
        return True

    def approval_request(self, step_id: str) -> ApprovalRequest | None:
        with self.reading() as conn:
            latest = latest_request(conn, step_id)
        return latest if latest is not None and latest.fingerprint else None

    def set_thread(self, step_id: str, fingerprint: str, thread: str) -> None:
        with self.writing() as conn:
            conn.execute(
                update(approval_requests)
                .where(
                    approval_requests.c.step_id == step_id,
                    approval_requests.c.fingerprint == fingerprint,
                    approval_requests.c.thread == "",
                )
                .values(thread=thread)
            )

    def replace_thread(self, step_id: str, fingerprint: str, old: str, new: str) -> bool:
        with self.writing() as conn:
            moved = conn.execute(
                update(approval_requests)
                .where(
                    approval_requests.c.step_id == step_id,
                    approval_requests.c.fingerprint == fingerprint,
                    approval_requests.c.thread == old,
                )
                .values(thread=new)
            )
            return moved.rowcount > 0

    def step_for_thread(self, thread: str) -> str | None:
        if not thread:
            return None
        query = (
            select(approval_requests.c.step_id)
            .where(approval_requests.c.thread == thread)
            .order_by(approval_requests.c.seq.desc())
            .limit(1)
        )
        with self.reading() as conn:
            step = conn.execute(query).scalar()
        return None if step is None else str(step)

    def awaiting_threads(self) -> list[ApprovalRequest]:
        latest = select(func.max(approval_requests.c.seq)).group_by(approval_requests.c.step_id)
        query = (
            select(*REQUEST_COLUMNS)
            .where(approval_requests.c.seq.in_(latest), approval_requests.c.thread != "")
            .order_by(approval_requests.c.seq)
        )
        waiting = []
        with self.reading() as conn:
            for row in conn.execute(query).all():
                request = ApprovalRequest(*row)
                decided = latest_decision(conn, request.step_id)
                if decided is None or standing(decided, request.fingerprint) == "void":
                    waiting.append(request)
        return waiting

    def decide(self, record: ApprovalRecord) -> None:
        with self.writing() as conn:
            conn.execute(
                insert(decisions).values(
                    step_id=record.step_id,
                    fingerprint=record.fingerprint,
                    decision=record.decision.value,
                    by=record.by,
                    reason=record.reason,
                    at=record.at,
                )
            )

    def reset_approvals(self, step_id: str, at: str) -> None:
        """A request and a decision for no plan (fingerprint ""): the step's latest, so the
        next plan is asked for anew and no earlier decision stands for it."""
        with self.writing(f"approval:{step_id}") as conn:
            latest = latest_request(conn, step_id)
            if latest is None or not latest.fingerprint:
                return
            conn.execute(
                insert(approval_requests),
                asdict(ApprovalRequest(step_id, "", "", "", at)),
            )
            conn.execute(
                insert(decisions).values(
                    step_id=step_id,
                    fingerprint="",
                    decision=Decision.VOID.value,
                    by="bot",
                    reason="the step's changes were undone",
                    at=at,
                )
            )

    def decision(self, step_id: str) -> ApprovalRecord | None:
        with self.reading() as conn:
            return latest_decision(conn, step_id)
