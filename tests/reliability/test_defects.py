"""The defects this suite found, one small test each (the property tests found them first)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.core.checklist import Step
from bot.core.params import ParamSpec, check_parameters, parse_parameters
from bot.core.plan import summarize
from bot.core.problems import ProblemError
from bot.core.scope import check_values, parse_scope, select
from bot.core.validate import is_email, validate_step
from bot.core.values import parse_number
from bot.structures import CellWrite, WriteBatch
from bot.workbook.cell_limit import CELL_LIMIT, fit_batch
from tests.reliability.strategies import TEMPLATE
from tests.reliability.test_bad_input_core import CATALOGUE

TODAY = date(2026, 11, 23)
LONG = 50_000


def scope_problem(text: str) -> str:
    try:
        parse_scope(text, TEMPLATE)
    except ProblemError as exc:
        return exc.problem.reason
    raise AssertionError("parsed")


def test_a_50000_character_scope_is_refused_at_once_in_a_short_message() -> None:
    """Was: the condition regexes backtracked for 50-120 s on a long run of spaces or words,
    and the message quoted the whole cell."""
    for text in (
        "Students: grade" + " " * LONG + "x",
        "Students: grade in" + " " * LONG + "(",
        "Students: " + "a " * (LONG // 2),
        "x" * LONG,
    ):
        assert len(scope_problem(text)) < 300


def test_scope_conditions_still_read_as_before() -> None:
    scope = parse_scope(
        "Students: grade >= 9; status not in (new, 'transfer'); email not blank; "
        "last login is blank; school != North High; selected",
        TEMPLATE,
    )
    assert [c.canonical() for c in scope.conditions] == [
        "Grade >= 9",
        "Status not in (new, transfer)",
        "Email not blank",
        "Last login is blank",
        "School != North High",
        "selected",
    ]
    assert scope_problem("Students: grade ! 9").startswith("unknown operator '!'")
    assert scope_problem("Students: grade = ") == "'grade' = needs a value"


def test_an_owner_that_made_the_email_check_backtrack_is_simply_not_an_email() -> None:
    assert not is_email("x@" + "a." * (LONG // 2) + "@")
    assert is_email("a.b@district.org") and not is_email("a b@district.org")


def test_out_of_range_dates_and_numbers_are_problems_not_crashes() -> None:
    step = Step("S-001", 2, "Edgenuity", "pause imports", due="today-99999999999y", run=True)
    checked, problems = validate_step(step, CATALOGUE, TEMPLATE, {"S-001"}, None, TODAY)
    assert checked is None and [str(p) for p in problems] == [
        "Due: not a date: 'today-99999999999y' is out of range"
    ]
    spec = (ParamSpec("count", "int"), ParamSpec("share", "number"))
    _, problems = check_parameters({"count": "1e999", "share": "nan"}, spec, TODAY)
    assert [str(p) for p in problems] == [
        "Parameters: count: not a number: '1e999'",
        "Parameters: share: not a number: 'nan'",
    ]


def test_non_finite_cells_are_not_numbers_in_a_scope() -> None:
    frame = pd.DataFrame({c.name: ["x", "x", "x"] for c in TEMPLATE.require("Students").columns})
    frame["Grade"] = ["inf", "1e999", "11"]
    mask = select(parse_scope("Students: grade >= 0", TEMPLATE), frame, TEMPLATE, TODAY)
    assert mask.tolist() == [False, False, True]
    assert parse_number("1,000") == 1000


def test_an_absurd_or_malformed_step_id_is_invalid_naming_the_step_id_column() -> None:
    """Was: a Step ID of ``S-`` and 4,301 digits crashed every cycle (ValueError: exceeds the
    limit for integer string conversion). Now that step is Invalid, its ID quoted cut short."""
    huge = "S-" + "1" * 4_301
    for step_id, why in (
        (huge, "is too long for a Step ID (at most 40 characters, such as S-012)"),
        ("S 001", "is not a Step ID: use letters, digits, '-', '_' and '.' only"),
        ("S-1,S-2", "is not a Step ID: use letters, digits, '-', '_' and '.' only"),
    ):
        step = Step(step_id, 2, "Edgenuity", "pause imports", run=True)
        checked, problems = validate_step(step, CATALOGUE, TEMPLATE, {step_id}, None, TODAY)
        assert checked is None and [p.column for p in problems] == ["Step ID"]
        assert why in problems[0].reason and len(problems[0].reason) < 300
    assert "(4,303 characters)" in str(problems_of(huge))
    for good in ("S-001", "S-0000000000000000000000000000000000012", "PREP-1", "A.1_b"):
        step = Step(good, 2, "Edgenuity", "pause imports", run=True)
        assert validate_step(step, CATALOGUE, TEMPLATE, {good}, None, TODAY)[1] == []


def problems_of(step_id: str) -> list[str]:
    step = Step(step_id, 2, "Edgenuity", "pause imports", run=True)
    return [str(p) for p in validate_step(step, CATALOGUE, TEMPLATE, {step_id}, None, TODAY)[1]]


def test_relative_dates_with_thousands_of_digits_are_out_of_range() -> None:
    """Was: ``today+`` and 4,400 digits in Due or a Scope gave Python's own int-string message."""
    digits = "9" * 4_400
    assert problems_of_due(f"today+{digits}d") == [
        f"Due: not a date: 'today+{digits[:54]}…' (4,407 characters) is out of range"
    ]
    assert "out of range" in scope_problem_of(f"Students: last login < today-{digits}d")


def problems_of_due(due: str) -> list[str]:
    step = Step("S-001", 2, "Edgenuity", "pause imports", due=due, run=True)
    return [str(p) for p in validate_step(step, CATALOGUE, TEMPLATE, {"S-001"}, None, TODAY)[1]]


def scope_problem_of(text: str) -> str:
    try:
        check_values(parse_scope(text, TEMPLATE), TEMPLATE, TODAY)
    except ProblemError as exc:
        return exc.problem.reason
    raise AssertionError("accepted")


def test_a_long_parameter_given_twice_is_quoted_cut_short() -> None:
    """Was: ``<50,000-character key> is given twice`` quoted the whole key."""
    key = "a_b_c" * 10_000
    _, problems = parse_parameters(f"{key}=1; {key}=2")
    assert [p.column for p in problems] == ["Parameters"]
    assert problems[0].reason.endswith("(50,000 characters) is given twice")


def test_a_number_of_thousands_of_digits_compares_as_its_value_in_a_scope() -> None:
    """Was: a Grade of 4,400 zeros and a 7 read as no number at all (pandas gave up on it);
    4,301 ones is past any float, so not a number, like ``1e999``."""
    frame = pd.DataFrame({c.name: ["x", "x", "x"] for c in TEMPLATE.require("Students").columns})
    frame["Grade"] = ["0" * 4_400 + "7", "1" * 4_301, "-" + "0" * 4_400 + "2"]
    mask = select(parse_scope("Students: grade >= 0", TEMPLATE), frame, TEMPLATE, TODAY)
    assert mask.tolist() == [True, False, False]


def test_a_cell_listing_thousands_of_steps_makes_a_bounded_result() -> None:
    step = Step("S-001", 2, "Edgenuity", "pause imports", depends_on=("S-X",) * 25_000, run=True)
    _, problems = validate_step(step, CATALOGUE, TEMPLATE, {"S-001"}, None, TODAY)
    assert [str(p) for p in problems][-2:] == [
        "Depends on: unknown step S-X",
        "Depends on: and 24,995 more problems like these",
    ]


def test_plans_and_writes_fit_in_a_cell() -> None:
    summary = summarize("archive", "students", 3, 10, "x" * LONG, ["y" * LONG] * 3)
    assert len(summary) < 1_000
    batch = WriteBatch(
        cells=[CellWrite("Checklist", "K" * LONG, "Result", "r" * LONG)],
        log_rows=[{"Record": "i" * LONG, "Message": "m" * 10}],
        new_rows=[("Matches", {"Transfer": "T" * LONG, "Confidence": "c" * LONG})],
    )
    fit_batch(batch, TEMPLATE)
    (cell,) = batch.cells
    assert cell.key == "K" * LONG and len(cell.value) == CELL_LIMIT
    assert cell.value.endswith("… (cut from 50,000 characters)")
    assert (
        len(batch.log_rows[0]["Record"]) == CELL_LIMIT and batch.log_rows[0]["Message"] == "m" * 10
    )
    assert batch.new_rows[0][1]["Transfer"] == "T" * LONG
    assert len(batch.new_rows[0][1]["Confidence"]) == CELL_LIMIT
