"""What every scenario checks at its end: each planned record applied exactly once, and the
workbook (Status, Result, Log, roster columns) agreeing with the mock LMS."""

from __future__ import annotations

import re
from collections import Counter

from bot.lms.mock import MockLMS
from bot.steps.approve import decide
from tests.reliability.district import ADMIN, STEP, District
from tests.reliability.figures import count_outcomes


def approve(district: District, step_id: str = STEP) -> str:
    """Plan the step (``check``), then approve it as an admin; returns the plan's fingerprint."""
    district.cycle(execute=False)
    with district.open() as svc:
        decide(svc, step_id, ADMIN)
        request = svc.state.approval_request(step_id)
    assert request is not None
    return request.fingerprint


def planned_enrollments(district: District) -> list[str]:
    enrollments = district.frames()["Enrollments"]
    return enrollments["Enrollment ID"].tolist()


def assert_applied_once(
    district: District, planned: list[str], fingerprint: str, lms_status: str = "completed"
) -> None:
    """Every planned record changed once in the LMS under the step's key, once in the ledger,
    and the sheet says so; the approval still binds the plan that ran."""
    changes = district.changes()
    applied, failed = district.ledger()
    lost, doubled = count_outcomes(planned, applied, failed, changes)
    assert (lost, doubled) == (0, 0)
    assert sorted(k.rsplit(":", 1)[1] for k in changes) == sorted(planned)
    assert Counter(applied) == Counter(planned)

    frames = district.frames()
    step = frames["Checklist"].set_index("Step ID").loc[STEP]
    assert step["Status"] == "Done", step["Result"]
    done = sum(
        int(n.replace(",", ""))
        for n in re.findall(r"([\d,]+) (?:enrollments?|already)", step["Result"])
    )
    assert done == len(planned), step["Result"]
    assert step["Approval"].startswith(f"Approved by {ADMIN}"), step.to_dict()

    lms = MockLMS(district.config.lms_path)
    try:
        statuses = lms.records("Edgenuity", "enrollments").set_index("id")["status"]
    finally:
        lms.close()
    enrollments = frames["Enrollments"].set_index("Enrollment ID")
    assert set(statuses.loc[planned]) == {lms_status}
    assert (enrollments.loc[planned, "LMS status"] == statuses.loc[planned]).all()
    assert (
        enrollments.loc[planned, "Last action"]
        .str.startswith(f"{STEP} complete enrollments: applied")
        .all()
    )

    log = frames["Log"]
    ours = log[log["Step"] == STEP]
    assert Counter(ours[ours["Outcome"] == "applied"]["Record"]) == Counter(planned)
    with district.open() as svc:
        failures = [o.record_id for o in svc.state.outcomes(STEP) if o.outcome == "failed"]
        decision = svc.state.decision(STEP)
        run = svc.state.run_for(STEP)
        assert svc.state.unlogged() == []
    assert Counter(ours[ours["Outcome"] == "failed"]["Record"]) == Counter(failures)
    assert decision is not None and run is not None
    assert decision.fingerprint == run.fingerprint == fingerprint
