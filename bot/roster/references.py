"""Cross-file references: an enrollment's student and class, a class's course and teacher.

A reference is satisfied by a row of the bundle or a row already in the workbook (a delta
bundle may name records it does not carry). Enrollments whose student or class is missing are
reported and left out; a class whose course or teacher is missing is reported and kept.
"""

from __future__ import annotations

import pandas as pd

from bot.core.wording import agree, count
from bot.roster.csvfile import LINE
from bot.roster.errors import Findings
from bot.roster.frames import SOURCE, RosterData

MAX_SHOWN = 20
COLUMNS = {"Student ID": "userSourcedId", "Class ID": "classSourcedId"}


def _known(data: RosterData, existing: dict[str, pd.DataFrame], tab: str, key: str) -> set[str]:
    ids: set[str] = set()
    if tab in data.tabs:
        ids.update(data.tabs[tab].frame[key])
    if tab in existing:
        ids.update(existing[tab][key].str.strip())
    ids.discard("")
    return ids


def _report(
    frame: pd.DataFrame, mask: pd.Series, column: str, what: str, findings: Findings
) -> None:
    for _, row in frame.loc[mask].head(MAX_SHOWN).iterrows():
        findings.note(
            str(row[SOURCE]),
            int(row[LINE]),
            COLUMNS.get(column, column),
            f"{what} {row[column]!r} is neither in the bundle nor in the workbook",
        )
    if int(mask.sum()) > MAX_SHOWN:
        findings.note(
            str(frame[SOURCE].iloc[0]), 0, column, f"... and {int(mask.sum()) - MAX_SHOWN} more"
        )


def check_references(
    data: RosterData, existing: dict[str, pd.DataFrame], findings: Findings
) -> None:
    """Report dangling references; drop enrollments that point at nothing."""
    enrollments = data.tabs.get("Enrollments")
    if enrollments is not None:
        frame = enrollments.frame
        no_student = ~frame["Student ID"].isin(_known(data, existing, "Students", "Student ID"))
        no_class = ~frame["Class ID"].isin(_known(data, existing, "Classes", "Class ID"))
        _report(frame, no_student, "Student ID", "enrollment's student", findings)
        _report(frame, no_class & ~no_student, "Class ID", "enrollment's class", findings)
        dropped = no_student | no_class
        if dropped.any():
            findings.note(
                str(frame[SOURCE].iloc[0]),
                0,
                "",
                f"{count(int(dropped.sum()), 'enrollment')} with a missing student or class "
                f"{agree(int(dropped.sum()), 'was', 'were')} left out",
            )
        enrollments.frame = frame.loc[~dropped].reset_index(drop=True)
    classes = data.tabs.get("Classes")
    if classes is not None:
        frame = classes.frame
        for column, tab, key in (
            ("Course ID", "Courses", "Course ID"),
            ("Teacher ID", "Educators", "Educator ID"),
        ):
            if column in frame.columns:
                filled = frame[column].str.strip() != ""
                missing = filled & ~frame[column].isin(_known(data, existing, tab, key))
                _report(frame, missing, column, f"class's {column[:-3].lower()}", findings)
