"""Bad input against the pure core: Scope and Parameters strings of every shape, Checklist
rows of every shape, roster tabs of every shape. Nothing raises; every bad step is Invalid
with problems naming a Checklist column and a short reason; a good step among them is not
affected; records are selected by their typed values only."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from bot.actions import registry
from bot.core.catalogue import ActionSpec
from bot.core.checklist import ROW, parse_checklist
from bot.core.ordering import in_cycle
from bot.core.params import check_parameters, parse_parameters
from bot.core.problems import ProblemError
from bot.core.scope import check_values, parse_scope, select
from bot.core.validate import validate_step
from bot.core.values import parse_number
from bot.errors import HeaderError
from bot.templates import normalize_header
from bot.workbook.base import frame_from_grid
from tests.reliability.figures import FIGURES
from tests.reliability.settings import examples
from tests.reliability.strategies import (
    CELL,
    CONDITION,
    DATES,
    FORMULA_LIKE,
    IDS,
    ODD,
    PARAMETERS,
    SCOPE,
    TEMPLATE,
    checklist_row,
)

TODAY = date(2026, 11, 23)
PLAIN_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
CATALOGUE = registry().catalogue
CHECKLIST = TEMPLATE.require("Checklist")
STAFF = {c.name for c in CHECKLIST.columns if not c.is_bot}
REASON_LIMIT = 800
SPECS = [spec for spec in CATALOGUE if spec.params]
GOOD = {
    "Step ID": "S-900",
    "Phase": "Students",
    "System": "Edgenuity",
    "Action": "archive students",
    "Scope": "Students: grade = 12; status = graduated",
    "Parameters": "allow_over_threshold=no",
    "Depends on": "",
    "Owner": "owner@district.test",
    "Due": "2026-12-01",
    "Run": "TRUE",
}


def frame_of(tab: str, rows: list[dict[str, str]]) -> pd.DataFrame:
    """Rows as the workbook seam reads them: every template column as text, the row number."""
    columns = TEMPLATE.require(tab).headers
    frame = pd.DataFrame(
        [[r.get(c, "") for c in columns] for r in rows], columns=columns, dtype=object
    )
    frame[ROW] = list(range(2, len(rows) + 2))
    return frame


def roster_of_junk(tab: str) -> pd.DataFrame:
    """Every odd and formula-looking value in every column of ``tab``."""
    values = [*ODD, *FORMULA_LIKE, "x" * 50_000]
    columns = TEMPLATE.require(tab).headers
    return frame_of(tab, [dict.fromkeys(columns, v) for v in values])


JUNK = {t.name: roster_of_junk(t.name) for t in TEMPLATE.roster_tabs}


def assert_named(column: str, reason: str) -> None:
    assert column in STAFF, column
    assert reason.strip(), column
    assert len(reason) <= REASON_LIMIT, f"{column}: {len(reason):,} characters"


@examples(700)
@given(text=SCOPE)
def test_scope_of_any_shape_is_read_or_refused_naming_the_scope(text: str) -> None:
    FIGURES.bad_inputs += 1
    try:
        scope = parse_scope(text, TEMPLATE)
        check_values(scope, TEMPLATE, TODAY)
    except ProblemError as exc:
        assert exc.problem.column == "Scope"
        assert_named(exc.problem.column, exc.problem.reason)
        return
    frame = JUNK[scope.tab]
    mask = select(scope, frame, TEMPLATE, TODAY)
    assert mask.dtype == bool and mask.index.equals(frame.index)


@examples(500)
@given(text=PARAMETERS, spec=st.sampled_from(SPECS))
def test_parameters_of_any_shape_are_typed_or_refused_naming_parameters(
    text: str, spec: ActionSpec
) -> None:
    FIGURES.bad_inputs += 1
    raw, problems = parse_parameters(text)
    typed, more = check_parameters(raw, spec.params, TODAY)
    problems += more
    if not more and spec.param_check is not None:
        problems += spec.param_check(typed, TODAY)
    for problem in problems:
        assert problem.column == "Parameters"
        assert_named(problem.column, problem.reason)


ROWS = st.lists(st.one_of(checklist_row("S-900"), st.just({})), max_size=8)


@examples(500)
@given(
    rows=ROWS,
    at=st.integers(0, 8),
)
def test_checklist_rows_of_any_shape_are_invalid_naming_column_and_reason(
    rows: list[dict[str, str]], at: int
) -> None:
    FIGURES.bad_inputs += 1
    rows = [*rows[:at], GOOD, *rows[at:]]
    steps, _ = parse_checklist(frame_of("Checklist", rows))
    assert len(steps) == sum(1 for r in rows if any(str(v).strip() for v in r.values()))
    first = {s.step_id: s for s in reversed(steps)}
    cycles = in_cycle({sid: s.depends_on for sid, s in first.items()})
    for step in steps:
        checked, problems = validate_step(
            step, CATALOGUE, TEMPLATE, set(first), cycles.get(step.step_id), TODAY
        )
        assert (checked is None) == bool(problems)
        for problem in problems:
            assert_named(problem.column, problem.reason)
    good = first["S-900"]
    alone, _ = parse_checklist(frame_of("Checklist", [GOOD]))
    checked, problems = validate_step(good, CATALOGUE, TEMPLATE, set(first), None, TODAY)
    expected, _ = validate_step(alone[0], CATALOGUE, TEMPLATE, {"S-900"}, None, TODAY)
    assert problems == [] and checked is not None and expected is not None
    assert (checked.scope, checked.params, checked.params_text) == (
        expected.scope,
        expected.params,
        expected.params_text,
    )


STUDENT = st.fixed_dictionaries(
    {
        "Student ID": st.one_of(IDS, CELL),
        "Grade": st.one_of(st.integers(-1, 13).map(str), CELL),
        "Status": st.one_of(st.sampled_from(("active", "graduated", " Active ")), CELL),
        "Birth date": st.one_of(DATES, CELL),
        "Last login": st.one_of(DATES, CELL),
        "Select": st.sampled_from(("TRUE", "FALSE", "", "x", "no")),
    }
)


@examples(400)
@given(
    rows=st.lists(STUDENT, min_size=1, max_size=12),
    wanted=IDS,
    condition=CONDITION,
)
def test_roster_tabs_of_any_shape_select_records_by_typed_value_only(
    rows: list[dict[str, str]], wanted: str, condition: str
) -> None:
    FIGURES.bad_inputs += 1
    frame = frame_of("Students", rows)
    by_id = select(
        parse_scope(f"Students: student id = {wanted}", TEMPLATE), frame, TEMPLATE, TODAY
    )
    same = frame["Student ID"].str.strip().str.casefold() == wanted.strip().casefold()
    assert by_id.tolist() == same.tolist()

    graded = select(parse_scope("Students: grade >= 0", TEMPLATE), frame, TEMPLATE, TODAY)
    for cell, hit in zip(frame["Grade"], graded, strict=True):
        if hit:
            assert _number_at_least(cell, 0), cell
        elif PLAIN_NUMBER.match(cell) and math.isfinite(float(cell)):
            assert float(cell) < 0, cell

    try:
        scope = parse_scope(f"Students: {condition}", TEMPLATE)
        check_values(scope, TEMPLATE, TODAY)
    except ProblemError as exc:
        assert_named(exc.problem.column, exc.problem.reason)
        return
    mask = select(scope, frame, TEMPLATE, TODAY)
    assert mask.dtype == bool and len(mask) == len(frame)


def _number_at_least(cell: str, least: float) -> bool:
    try:
        number = parse_number(cell)
    except ValueError:
        return False
    return math.isfinite(number) and number >= least


STUDENT_TAB = TEMPLATE.require("Students")
HEADERS = st.fixed_dictionaries(
    {
        "order": st.permutations(STUDENT_TAB.headers),
        "extras": st.lists(st.tuples(st.integers(0, 20), CELL), max_size=4),
        "twice": st.one_of(
            st.none(), st.tuples(st.integers(0, 20), st.sampled_from(STUDENT_TAB.headers))
        ),
        "spelling": st.sampled_from((str, str.upper, str.lower, lambda n: f" {n}  ")),
    }
)


@examples(150)
@given(drawn=HEADERS)
def test_headers_of_any_shape_are_read_by_name_or_refused_naming_the_tab(
    drawn: dict[str, Any],
) -> None:
    """Random, reordered, differently spelled, blank and duplicate headers: values follow their
    header wherever it is; a blank header between others or a repeated one is a HeaderError
    naming the tab (the cycle stops with exit code 2 and writes nothing)."""
    FIGURES.bad_inputs += 1
    spell = drawn["spelling"]
    header = [spell(n) for n in drawn["order"]]
    for at, extra in drawn["extras"]:
        header.insert(at, extra)
    if drawn["twice"] is not None:
        at, name = drawn["twice"]
        header.insert(at, name)
    row = [f"v-{normalize_header(h)}" for h in header]
    names = [normalize_header(h) for h in header]
    while names and not names[-1]:
        names.pop()
    bad = "" in names or len(set(names)) < len(names)
    try:
        frame = frame_from_grid(STUDENT_TAB, [header, row])
    except HeaderError as exc:
        assert bad and "'Students'" in str(exc), str(exc)[:200]
        return
    assert not bad
    for column in STUDENT_TAB.headers:
        assert frame[column].tolist() == [f"v-{normalize_header(column)}"]
