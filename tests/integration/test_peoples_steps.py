"""People's steps (Action ``manual``, issue 17): the owner ticks Run to say it is done; where
the bot can read what the claim is about (an LMS setting, the Training tab) it checks it
first, says when what it reads disagrees, and holds the steps that depend on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from bot.config import load_config
from bot.lms.mock import MockLMS
from tests.real_district import (
    COORDINATOR,
    add_admin,
    add_step,
    checklist,
    edit,
    init,
    run_on,
    tab,
)

TODAY = date(2027, 5, 3)


def test_a_claim_the_lms_disagrees_with_is_not_confirmed_until_it_agrees(tmp_path: Path) -> None:
    """Sync set to Manual by hand in Schoology: until Schoology says so, the step is Not
    confirmed and the step after it waits."""
    config = init(
        tmp_path / "d",
        TODAY,
        *("--playbook", "schoology-new-year", "--rollover-date", "2027-06-30", "--country", "US"),
    )
    add_admin(config)
    add_step(
        config,
        Step_ID="S-101",
        System="Schoology",
        Action="manual",
        Parameters="setting=sync_mode; expected=manual",
        Owner=COORDINATOR,
        Notes="Set the PowerSchool data syncing option to Manual by hand.",
        Run=True,
    )
    add_step(
        config,
        Step_ID="S-102",
        System="Schoology",
        Action="manual",
        Depends_on="S-101",
        Owner=COORDINATOR,
        Notes="Tell the schools the sync is stopped.",
        Run=True,
    )
    run_on(config, date(2027, 6, 1))
    steps = checklist(config)
    assert steps["S-101"]["Status"] == (
        "Not confirmed: Schoology says sync_mode is automatic, not manual"
    )
    assert steps["S-101"]["Result"].startswith(
        f"{COORDINATOR} ticked Run, but Schoology says sync_mode is automatic, not manual; "
        "the bot reads it again every cycle"
    )
    assert steps["S-102"]["Status"] == "Waiting on S-101"
    assert tab(config, "Log").empty

    lms = MockLMS(load_config(str(config)).lms_path)
    try:
        with lms.store.transaction():
            lms.store.set_setting("Schoology", "sync_mode", "manual")
    finally:
        lms.close()
    run_on(config, date(2027, 6, 2))
    steps = checklist(config)
    assert steps["S-101"]["Status"] == f"Done by {COORDINATOR} on 2027-06-02"
    assert "Schoology says sync_mode is manual" in steps["S-101"]["Result"]
    assert steps["S-102"]["Status"] == f"Done by {COORDINATOR} on 2027-06-02"
    assert tab(config, "Log")["Step"].tolist() == ["S-101", "S-102"]


def test_reserving_training_is_checked_against_the_training_tab(tmp_path: Path) -> None:
    """The Edgenuity playbook's reserve-training row is a person's step linked to the
    Training tab: done once every session there is reserved."""
    config = init(
        tmp_path / "d",
        TODAY,
        *("--playbook", "edgenuity-mid-year", "--rollover-date", "2027-06-30", "--country", "US"),
    )
    add_admin(config)
    path = load_config(str(config)).workbook_path
    book = load_workbook(path)
    book["Training"].append(
        ["Mid-year webinar", "2027-07-12", "admins", "2027-06-15", "", "requested"]
    )
    book.save(path)
    edit(config, "S-017", Owner=COORDINATOR, Run=True)
    run_on(config, date(2027, 6, 1))
    training = checklist(config)["S-017"]
    assert training["Status"] == (
        "Not confirmed: the Training tab has 1 session not reserved: Mid-year webinar (requested)"
    )
    assert training["Plan"].startswith("To: [to]\nSubject: Training dates for My District")
    book = load_workbook(path)
    book["Training"]["F2"] = "reserved"
    book.save(path)
    run_on(config, date(2027, 6, 2))
    training = checklist(config)["S-017"]
    assert training["Status"] == f"Done by {COORDINATOR} on 2027-06-02"
    assert "every session of the Training tab is reserved or done" in training["Result"]
