"""Renaissance student data transfer: each rule quotes the vendor's procedure (seed 003)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import pytest

from bot.clock import FixedClock
from bot.core.targets import TO
from bot.errors import RuleViolation
from bot.lms.mock import MockLMS
from bot.lms.mock import renaissance as model
from bot.structures import Operation
from tests.actions.action_helpers import (
    AT_TARGET,
    CHANGE,
    TODAY,
    Planned,
    calls,
    execute,
    fates,
    plan,
    seeded,
    tab,
)

SYS = "Renaissance"
OTHER = "Lakeside"


@pytest.fixture
def frames() -> dict[str, pd.DataFrame]:
    students = [
        {
            "Student ID": "100",
            "First name": "Ana",
            "Last name": "Ruiz",
            "Grade": "7",
            "Birth date": "2014-02-03",
            "Email": "ana@d.org",
        },
        {"Student ID": "200", "First name": "Bo", "Last name": "Lin", "Grade": "7"},
    ]
    return {"Students": tab("Students", students)}


@pytest.fixture
def lms(tmp_path: Path, frames: dict[str, pd.DataFrame]) -> MockLMS:
    lms = seeded(tmp_path, SYS, frames, FixedClock(datetime.combine(TODAY, time(9), UTC)))
    incoming = [
        {
            "student_id": "L1",
            "first_name": "Ana",
            "last_name": "Ruiz",
            "birth_date": "2014-02-03",
            "year": "7",
            "scores": "5",
            "user_name": "aruiz",
            "email": "ana@lake.org",
        },
        {
            "student_id": "200",
            "first_name": "Cal",
            "last_name": "Dee",
            "year": "7",
            "user_name": "cdee",
            "scores": "2",
        },
        {"student_id": "L3", "first_name": "Di", "last_name": "Fox", "year": "7"},
        {"student_id": "L4", "first_name": "Ed", "last_name": "Gu", "year": "8"},
    ]
    with lms.store.transaction():
        model.add_site(lms.store, OTHER, incoming)
        model.generate_code(lms.store, "lake-7", OTHER, TODAY - timedelta(days=2), year="7")
    return lms


CODE = model.code_for("lake-7")


def _preview(lms: MockLMS, frames: dict[str, pd.DataFrame], step: str = "S-001") -> dict[str, str]:
    planned = plan(lms, SYS, "preview transfer", frames, params=f"code={CODE}", step_id=step)
    return execute(lms, planned, step)


def test_a_code_is_generated_on_the_source_site_for_a_student_or_a_year(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "When the administrator has followed the steps you have sent, they will receive a
    Transfer Code that they can send to you so that you can import the data." (seed 003)"""
    assert "give student=ID or year=N" in plan(lms, SYS, "generate transfer code", frames).why
    planned = plan(lms, SYS, "generate transfer code", frames, params="student=100")
    assert planned.plan and "usable once, on another site, until 2027-06-19" in planned.plan.summary
    message = next(iter(execute(lms, planned).values()))
    assert message.startswith("transfer code RT-") and "student 100 on District site" in message


def test_a_code_cannot_be_used_on_the_site_that_made_it(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "You cannot use a code on the same site where the code was generated - in that case, the
    data is already on the site and does not need to be transferred." (seed 003)"""
    mine = next(
        iter(
            execute(lms, plan(lms, SYS, "generate transfer code", frames, params="year=7")).values()
        )
    ).split()[2]
    refused = plan(lms, SYS, "preview transfer", frames, params=f"code={mine}", step_id="S-2")
    assert f"code {mine} was made on District site" in refused.why
    with pytest.raises(RuleViolation, match="cannot be used on the site that generated it"):
        lms.execute(Operation(SYS, "preview transfer", "transfers", mine, {"on": "2027-05-20"}))


def test_a_code_expires_after_30_days(lms: MockLMS, frames: dict[str, pd.DataFrame]) -> None:
    """ "Codes must be used within 30 days. If more than 30 days has passed since the code was
    generated, contact the administrator of the students' original Renaissance site and request
    a new code." (seed 003)"""
    late = TODAY + timedelta(days=29)
    stale = plan(lms, SYS, "preview transfer", frames, params=f"code={CODE}", today=late)
    assert f"code {CODE} was generated 2027-05-18, more than 30 days ago" in stale.why
    op = Operation(SYS, "preview transfer", "transfers", CODE, {"on": late.isoformat()})
    with pytest.raises(RuleViolation, match="31 days old"):
        lms.execute(op)
    on_time = plan(
        lms,
        SYS,
        "preview transfer",
        frames,
        params=f"code={CODE}",
        today=TODAY + timedelta(days=28),
    )
    assert on_time.plan is not None


def test_the_preview_counts_new_and_matched_students_for_the_matches_tab(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "When the preview is ready, you will see the number of new and matched students under the
    import preview." (seed 003)"""
    assert _preview(lms, frames) == {CODE: "import preview from Lakeside: 2 new, 1 matched"}
    planned = plan(lms, SYS, "preview transfer", frames, params=f"code={CODE}")
    assert planned.action and planned.ctx
    rows = planned.action.output_rows(lms, planned.ctx)["Matches"]
    by_transfer = {r["Transfer"]: r for r in rows}
    assert by_transfer[f"{CODE}:L1"] == {
        "Transfer": f"{CODE}:L1",
        "Incoming student": "Ana Ruiz (L1, year 7)",
        "Proposed match": "100",
        "Confidence": "high",
        "Decision": "",
    }
    assert sorted(r["Proposed match"] for r in rows) == ["100", "new student", "new student"]


def test_staff_may_change_a_proposed_match_then_the_import_writes_its_log(
    lms: MockLMS, frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    """ "Review the student matches ... When you have reviewed the student matches and you are
    ready to transfer the student(s), select Import Students to continue the transfer." and
    "The log provides more information about each of the students imported, including whether
    the import succeeded and if so, whether changes were made (SourceImportStatus)." (seed 003)"""
    before = plan(lms, SYS, "import transfer", frames, params=f"code={CODE}")
    assert "preview it first" in before.why
    _preview(lms, frames)
    matches = tab(
        "Matches",
        [{"Transfer": f"{CODE}:L3", "Decision": "200"}, {"Transfer": f"{CODE}:L1", "Decision": ""}],
    )
    reviewed = dict(frames, Matches=matches)
    planned = plan(lms, SYS, "import transfer", reviewed, params=f"code={CODE}", step_id="S-002")
    assert planned.plan and planned.plan.destructive
    assert planned.plan.summary == (
        f"Will import 3 students from transfer {CODE}: 1 new, 2 matched; staff changed 1 "
        "match: L3: 200"
    )
    outcome = execute(lms, planned, "S-002")[CODE]
    assert outcome.startswith("imported with changes: 3 students, 1 new, 2 matched")
    log = pd.read_csv(tmp_path / "reports" / f"renaissance-import-{CODE}.csv", dtype=str)
    assert list(log.columns) == model.LOG_COLUMNS
    by_source = log.set_index("SourceStudentID")
    assert by_source.loc["L1", "DestinationStudentID"] == "100"
    assert by_source.loc["L1", "ScoreImportStatus"] == "All scores imported"
    assert by_source.loc["L3", "DestinationStudentID"] == "200"
    assert planned.action and planned.ctx
    logged = planned.action.output_rows(lms, planned.ctx)["Log"]
    assert {r["Record"] for r in logged} == {"L1", "200", "L3"}
    assert all("ScoreImportStatus" in r["Message"] for r in logged)


def test_id_conflicts_import_with_changes_and_a_code_works_once(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Data may be "imported with no changes", or it may be "imported with changes" because of
    conflicts with information for students that are already on your site (such as an ID)." and
    "A code cannot be used to transfer student data more than once." (seed 003)"""
    _preview(lms, frames)
    execute(lms, plan(lms, SYS, "import transfer", frames, params=f"code={CODE}"), "S-002")
    log = pd.read_csv(
        Path(lms.store.path).parent / "reports" / f"renaissance-import-{CODE}.csv", dtype=str
    ).set_index("SourceStudentID")
    assert log.loc["200", "SourceImportStatus"] == "Imported with changes"
    assert log.loc["200", "DestinationStudentID"] == "200T"
    assert log.loc["L3", "SourceImportStatus"] == "Imported with no changes"
    assert log.loc["L3", "ScoreImportStatus"] == "No scores to import"
    again = plan(lms, SYS, "preview transfer", frames, params=f"code={CODE}", step_id="S-3")
    assert f"code {CODE} was already used" in again.why


def test_a_failed_import_carries_a_reference_code(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "If you see "Import Failed" in the Status column, select the message. In the window that
    opens, you will see a reference code; contact Renaissance Support and provide the reference
    code to get assistance." (seed 003)"""
    with lms.store.transaction():
        model.add_site(lms.store, OTHER, [{"student_id": "L5", "first_name": "No", "year": "7"}])
    _preview(lms, frames)
    outcome = execute(lms, plan(lms, SYS, "import transfer", frames, params=f"code={CODE}"))
    assert outcome[CODE].startswith("failed: Import Failed: reference code REF-")
    transfer = lms.records(SYS, "transfers").set_index("id").loc[CODE]
    assert transfer["status"] == "failed" and transfer["reference"].startswith("REF-")


def test_blank_values_in_the_import_log_say_blank_not_a_double_space(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """Di Fox (L3) comes with no user name and no email (issue 13, item 15)."""
    _preview(lms, frames)
    planned = plan(lms, SYS, "import transfer", frames, params=f"code={CODE}", step_id="S-002")
    execute(lms, planned, "S-002")
    assert planned.action and planned.ctx
    logged = {
        r["Record"]: r["Message"] for r in planned.action.output_rows(lms, planned.ctx)["Log"]
    }
    assert all("  " not in message for message in logged.values())
    assert "user (blank) -> " in logged["L3"] and "email (blank) -> " in logged["L3"]
    assert logged["L3"].startswith("Di Fox (year 7); ScoreImportStatus: No scores to import")


def test_a_code_is_generated_once_then_found_in_the_sites_code_list(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """Each generation makes a new code, so a second run (or a run after a crash between the
    call and its outcome) looks at the site's code list: a usable code for that student is the
    one to send, no second one is made. Another student is a new target."""
    first = plan(lms, SYS, "generate transfer code", frames, params="student=100")
    assert fates(first) == {"District site: student 100": CHANGE}
    code = execute(lms, first)["District site: student 100"].split()[2]
    again = plan(lms, SYS, "generate transfer code", frames, params="student=100")
    assert fates(again) == {"District site: student 100": AT_TARGET}
    assert again.plan and again.plan.summary == (
        f"Transfer code {code} for student 100 on District site (made 2027-05-20) is unused "
        "and usable until 2027-06-19: send that one; no new code is made while it is usable"
    )
    assert execute(lms, again) == {}
    assert first.plan and again.plan.fingerprint == first.plan.fingerprint
    other = plan(lms, SYS, "generate transfer code", frames, params="student=200")
    assert fates(other) == {"District site: student 200": CHANGE}
    assert "for student 200 on District site" in execute(lms, other)["District site: student 200"]
    assert calls(lms, SYS, "generate transfer code") == 2
    late = plan(
        lms,
        SYS,
        "generate transfer code",
        frames,
        params="student=100",
        today=TODAY + timedelta(days=31),
    )
    assert fates(late) == {"District site: student 100": CHANGE}
    unknown = plan(lms, SYS, "generate transfer code", frames, params="student=999")
    assert unknown.why == (
        "Parameters: no student 999 on District site in Renaissance: check the student ID "
        "(or give year=N for a whole year)"
    )


def test_a_preview_is_made_once_and_again_for_another_school(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    params = f"code={CODE}; enrol_in=North"
    first = plan(lms, SYS, "preview transfer", frames, params=params)
    assert fates(first) == {CODE: CHANGE}
    execute(lms, first)
    again = plan(lms, SYS, "preview transfer", frames, params=params)
    assert fates(again) == {CODE: AT_TARGET}
    assert again.plan and again.plan.summary == (
        f"Transfer code {CODE} is previewed already (2 new, 1 matched): review the Matches "
        "tab; nothing is sent again"
    )
    assert execute(lms, again) == {}
    moved = plan(lms, SYS, "preview transfer", frames, params=f"code={CODE}; enrol_in=South")
    assert fates(moved) == {CODE: CHANGE}
    execute(lms, moved)
    assert lms.records(SYS, "transfers").set_index("id").loc[CODE, "enrol_in"] == "South"
    assert calls(lms, SYS, "preview transfer") == 2


def test_an_import_happens_once_the_vendor_lists_it_among_completed_imports(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """An import merges students: once the vendor lists it as imported, a second run of the
    step, or another step importing the same code, sends nothing."""
    _preview(lms, frames)
    first = plan(lms, SYS, "import transfer", frames, params=f"code={CODE}", step_id="S-002")
    assert fates(first) == {CODE: CHANGE}
    execute(lms, first, "S-002")
    for step in ("S-002", "S-009"):
        again = plan(lms, SYS, "import transfer", frames, params=f"code={CODE}", step_id=step)
        assert fates(again) == {CODE: AT_TARGET}
        assert again.plan and again.plan.summary == (
            f"Transfer {CODE} is imported already (imported with changes, 3 students): nothing "
            "is sent again; its log is in the Log tab and the reports folder"
        )
        assert execute(lms, again, step) == {}
    assert calls(lms, SYS, "import transfer") == 1


def test_the_import_plan_binds_to_what_happens_to_every_incoming_student(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """The import's target is each incoming student's fate (the proposal, or the staff's
    Decision): a changed Decision is a new plan (its approval is void); a Decision that says
    what the proposal says already (blank, accept, the proposed student) is the same plan;
    ``new student`` counts as new."""
    _preview(lms, frames)

    def planned(decisions: dict[str, str]) -> Planned:
        rows = [{"Transfer": f"{CODE}:{s}", "Decision": d} for s, d in decisions.items()]
        reviewed = dict(frames, Matches=tab("Matches", rows))
        return plan(lms, SYS, "import transfer", reviewed, params=f"code={CODE}")

    proposed = planned({})
    assert proposed.plan and proposed.plan.judged is not None
    assert json.loads(proposed.plan.judged.iloc[0][TO + "merges"]) == {
        "200": "new",
        "L1": "100",
        "L3": "new",
    }
    same = planned({"L1": "accept", "200": "", "L3": "New"})
    assert same.plan and same.plan.fingerprint == proposed.plan.fingerprint
    changed = planned({"L3": "200"})
    assert changed.plan and changed.plan.fingerprint != proposed.plan.fingerprint
    separate = planned({"L1": "New student"})
    assert separate.plan and separate.plan.summary == (
        f"Will import 3 students from transfer {CODE}: 3 new, 0 matched; staff changed 1 match: "
        "L1: new student"
    )
    unknown = planned({"L3": "999"})
    assert unknown.why == (
        f"Matches: 1 Decision of transfer {CODE} names no student of District site: '999' for "
        "L3; give a student ID of District site, new, or leave it blank to keep the proposed "
        "match"
    )


def test_an_approval_binds_to_the_import_not_to_the_day_it_was_planned(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    _preview(lms, frames)
    today = plan(lms, SYS, "import transfer", frames, params=f"code={CODE}")
    later = plan(
        lms, SYS, "import transfer", frames, params=f"code={CODE}", today=TODAY + timedelta(1)
    )
    assert today.plan and later.plan and today.plan.fingerprint == later.plan.fingerprint


def test_a_cancel_is_sent_once_and_only_for_a_pending_import(
    lms: MockLMS, frames: dict[str, pd.DataFrame]
) -> None:
    """ "Cancel a pending import; the code can be entered again later." """
    none = plan(lms, SYS, "cancel transfer", frames, params=f"code={CODE}")
    assert none.why == f"Parameters: no import of transfer {CODE} on this site to cancel"
    _preview(lms, frames)
    first = plan(lms, SYS, "cancel transfer", frames, params=f"code={CODE}")
    assert fates(first) == {CODE: CHANGE}
    assert execute(lms, first) == {
        CODE: f"import of {CODE} cancelled; the code can be entered again"
    }
    again = plan(lms, SYS, "cancel transfer", frames, params=f"code={CODE}")
    assert fates(again) == {CODE: AT_TARGET}
    assert execute(lms, again) == {}
    assert calls(lms, SYS, "cancel transfer") == 1
    _preview(lms, frames, "S-003")
    execute(lms, plan(lms, SYS, "import transfer", frames, params=f"code={CODE}"))
    late = plan(lms, SYS, "cancel transfer", frames, params=f"code={CODE}")
    assert late.why == (
        f"Parameters: transfer {CODE} is imported with changes: only a pending import "
        "(previewed, not yet imported) can be cancelled"
    )
