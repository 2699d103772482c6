"""Renaissance student data transfer: each rule quotes the vendor's procedure (seed 003)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from bot.errors import RuleViolation
from bot.lms.mock import MockLMS
from bot.lms.mock import renaissance as model
from bot.structures import Operation
from tests.actions.action_helpers import TODAY, execute, plan, seeded, tab

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
    lms = seeded(tmp_path, SYS, frames)
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
