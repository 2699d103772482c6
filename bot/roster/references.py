"""Cross-file references: an enrollment's student and class, a class's course and teacher.

A reference is satisfied by a row the workbook will hold after the import: one already in it,
or one of the bundle's that is added or updated. A new row the bundle marks ``inactive`` or
``tobedeleted`` is not added (see ``merge``), so it satisfies nothing. Enrollments whose
student or class is not there are left out, counted by reason; a class whose course or
teacher is not there is reported and kept. An enrollment the bundle itself marks inactive or
tobedeleted is not checked: it is never added, and an existing one only changes its Status.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bot.roster.csvfile import LINE
from bot.roster.errors import Findings
from bot.roster.frames import SOURCE, RosterData
from bot.roster.merge import GONE
from bot.templates import load_template

MAX_SHOWN = 20
COLUMNS = {"Student ID": "userSourcedId", "Class ID": "classSourcedId"}
NOT_ADDED = "is not added: the bundle marks it inactive or tobedeleted and the workbook lacks it"
MISSING = "is neither in the bundle nor in the workbook"


@dataclass(frozen=True)
class Targets:
    """The IDs of one tab after the import, and the bundle's IDs that will not be added."""

    present: set[str]
    not_added: set[str]

    def why_not(self, ids: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Masks of ``ids`` that are absent: (not added, missing altogether)."""
        absent = ~ids.isin(self.present)
        not_added = absent & ids.isin(self.not_added)
        return not_added, absent & ~not_added


def _targets(data: RosterData, existing: dict[str, pd.DataFrame], tab: str) -> Targets:
    key = load_template().require(tab).key
    present: set[str] = set()
    if tab in existing:
        present.update(existing[tab][key].str.strip())
    not_added: set[str] = set()
    if tab in data.tabs:
        frame = data.tabs[tab].frame
        gone = frame["Status"].isin(GONE) if "Status" in frame else pd.Series(False, frame.index)
        present.update(frame.loc[~gone, key])
        not_added = set(frame.loc[gone, key]) - present
    present.discard("")
    return Targets(present, not_added)


def _report(
    frame: pd.DataFrame, mask: pd.Series, column: str, message: str, findings: Findings
) -> None:
    """A note per row of ``mask`` (the first few, then a count): ``<what> '<id>' <why>``."""
    for _, row in frame.loc[mask].head(MAX_SHOWN).iterrows():
        findings.note(
            str(row[SOURCE]),
            int(row[LINE]),
            COLUMNS.get(column, column),
            message.format(repr(row[column])),
        )
    if int(mask.sum()) > MAX_SHOWN:
        findings.note(
            str(frame[SOURCE].iloc[0]), 0, column, f"... and {int(mask.sum()) - MAX_SHOWN} more"
        )


def _left_out(mask: pd.Series, what: str) -> str:
    count = int(mask.sum())
    if count == 1:
        return f"1 enrollment left out: its {what}"
    return f"{count} enrollments left out: their {what}"


def _enrollments(data: RosterData, existing: dict[str, pd.DataFrame], findings: Findings) -> None:
    enrollments = data.tabs["Enrollments"]
    frame = enrollments.frame
    checked = ~frame["Status"].isin(GONE) if "Status" in frame else pd.Series(True, frame.index)
    dropped = pd.Series(False, index=frame.index)
    summary: list[str] = []
    for column, tab, what in (
        ("Student ID", "Students", "student"),
        ("Class ID", "Classes", "class"),
    ):
        not_added, missing = _targets(data, existing, tab).why_not(frame[column])
        not_added &= checked & ~dropped
        missing &= checked & ~dropped
        _report(frame, not_added, column, f"enrollment's {what} {{}} {NOT_ADDED}", findings)
        _report(frame, missing, column, f"enrollment's {what} {{}} {MISSING}", findings)
        if not_added.any():
            summary.append(
                f"{_left_out(not_added, what)} is not added "
                "(marked inactive or tobedeleted in the bundle, and not in the workbook)"
            )
        if missing.any():
            summary.append(f"{_left_out(missing, what)} {MISSING}")
        dropped |= not_added | missing
    for line in summary:
        findings.note(str(frame[SOURCE].iloc[0]), 0, "", line)
    enrollments.frame = frame.loc[~dropped].reset_index(drop=True)


def check_references(
    data: RosterData, existing: dict[str, pd.DataFrame], findings: Findings
) -> None:
    """Report dangling references; leave out enrollments whose student or class is not there."""
    if "Enrollments" in data.tabs:
        _enrollments(data, existing, findings)
    classes = data.tabs.get("Classes")
    if classes is None:
        return
    frame = classes.frame
    for column, tab in (("Course ID", "Courses"), ("Teacher ID", "Educators")):
        if column not in frame.columns:
            continue
        filled = frame[column].str.strip() != ""
        not_added, missing = _targets(data, existing, tab).why_not(frame[column])
        what = f"class's {column[:-3].lower()} {{}}"
        _report(frame, filled & not_added, column, f"{what} {NOT_ADDED}", findings)
        _report(frame, filled & missing, column, f"{what} {MISSING}", findings)
