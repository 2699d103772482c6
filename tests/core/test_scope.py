from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bot.core.problems import ProblemError
from bot.core.scope import check_values, parse_scope, select
from bot.templates import WorkbookTemplate

TODAY = date(2026, 11, 22)


def students() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Student ID": ["00123", "00124", "00125", "00126"],
            "Grade": ["12", "11", "12", "9"],
            "School": ["North High", "North High", "south high", "South High"],
            "Status": ["graduated", "active", "active", ""],
            "Last login": ["2026-01-01", "2026-11-01", "", "03/15/2026"],
            "Select": ["TRUE", "FALSE", "", "TRUE"],
        }
    )


def picked(text: str, template: WorkbookTemplate) -> list[str]:
    scope = parse_scope(text, template)
    frame = students()
    return frame[select(scope, frame, template, TODAY)]["Student ID"].tolist()


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Students: grade = 12; school = North High", ["00123"]),
        ("Students: grade = 12", ["00123", "00125"]),
        ("students : GRADE >= 11 ; School = SOUTH HIGH", ["00125"]),
        ("Students: grade != 12", ["00124", "00126"]),
        ("Students: grade < 11", ["00126"]),
        ("Students: last login < today-180d", ["00123", "00126"]),
        ("Students: last login is blank", ["00125"]),
        ("Students: last login not blank", ["00123", "00124", "00126"]),
        ("Students: status in (graduated, active)", ["00123", "00124", "00125"]),
        ("Students: status not in (graduated)", ["00124", "00125"]),
        ("Students: selected", ["00123", "00126"]),
        ("Students: all", ["00123", "00124", "00125", "00126"]),
        ("Students: school = 'North High'", ["00123", "00124"]),
    ],
)
def test_scope_selects_rows_by_column_type(
    text: str, ids: list[str], template: WorkbookTemplate
) -> None:
    assert picked(text, template) == ids


def test_ids_compare_as_text_keeping_leading_zeros(template: WorkbookTemplate) -> None:
    scope = parse_scope("Enrollments: student id = 00123", template)
    frame = pd.DataFrame({"Student ID": ["00123", "123"], "Enrollment ID": ["E1", "E2"]})
    assert frame[select(scope, frame, template, TODAY)]["Enrollment ID"].tolist() == ["E1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Studnts: grade = 12", "unknown tab 'Studnts'"),
        ("Students: grde = 12", "unknown column 'grde' in tab Students"),
        ("Students: grade ~ 12", "unknown operator '~' after column 'grade'"),
        ("Students: grade like 12", "unknown operator 'like'"),
        ("Students: grade = ", "needs a value"),
        ("grade = 12", "needs a tab and a colon"),
        ("Students", "needs a colon and conditions"),
        ("", "is blank"),
        ("Checklist: status = Done", "unknown tab 'Checklist'"),
        ("Students: grade in ()", "needs at least one value"),
    ],
)
def test_scope_errors_name_tab_column_or_operator(
    text: str, message: str, template: WorkbookTemplate
) -> None:
    with pytest.raises(ProblemError) as caught:
        parse_scope(text, template)
    assert caught.value.problem.column == "Scope"
    assert message in caught.value.problem.reason


def test_values_must_read_as_the_columns_type(template: WorkbookTemplate) -> None:
    with pytest.raises(ProblemError, match="compares as date"):
        check_values(parse_scope("Students: last login < tomorrow", template), template, TODAY)
    with pytest.raises(ProblemError, match="compares as int"):
        check_values(parse_scope("Students: grade = twelve", template), template, TODAY)


def test_scope_is_data_never_code(template: WorkbookTemplate) -> None:
    scope = parse_scope("Students: school = __import__('os').system('echo hi')", template)
    frame = students()
    assert frame[select(scope, frame, template, TODAY)].empty


def test_canonical_form_ignores_spelling_and_order(template: WorkbookTemplate) -> None:
    one = parse_scope("Students: grade = 12; school = North High", template)
    two = parse_scope("students:school=North High ;GRADE = 12", template)
    assert one.canonical() == two.canonical()
