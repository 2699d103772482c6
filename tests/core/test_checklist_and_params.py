from __future__ import annotations

from datetime import date

import pandas as pd

from bot.core.checklist import parse_checklist
from bot.core.ordering import execution_order, find_cycles
from bot.core.params import ParamSpec, check_parameters, parse_parameters

TODAY = date(2026, 11, 22)


def checklist(rows: list[dict[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).fillna("")
    frame["_row"] = range(2, len(rows) + 2)
    return frame


def test_blank_step_ids_get_the_next_free_number_and_blank_rows_are_skipped() -> None:
    steps, fills = parse_checklist(
        checklist(
            [
                {"Step ID": "S-004", "System": "Edgenuity", "Action": "pause imports"},
                {"Step ID": "", "System": "", "Action": ""},
                {"Step ID": "", "System": "Edgenuity", "Action": "resume imports", "Run": "TRUE"},
                {"Step ID": "s-002", "System": "Edgenuity", "Action": "pause imports"},
                {"Step ID": "", "System": "Edgenuity", "Action": "archive students"},
            ]
        )
    )
    assert [s.step_id for s in steps] == ["S-004", "S-005", "S-002", "S-006"]
    assert [(f.tab, f.row, f.value) for f in fills] == [
        ("Checklist", 4, "S-005"),
        ("Checklist", 6, "S-006"),
    ]
    assert steps[1].run and steps[1].id_was_blank and not steps[0].run


def test_absurd_step_ids_are_read_and_filled_around_never_reused() -> None:
    """Was: ``S-`` and 4,301 digits raised ValueError (Python's int-string limit) on every
    read of the Checklist. Such an ID is now read as it is; the next free number skips every
    number the sheet uses, however written."""
    huge = "S-" + "1" * 4_301
    zeros = "S-" + "0" * 4_300 + "7"
    steps, fills = parse_checklist(
        checklist(
            [
                {"Step ID": huge, "System": "Edgenuity", "Action": "pause imports"},
                {"Step ID": zeros, "System": "Edgenuity", "Action": "pause imports"},
                {"Step ID": "S-005", "System": "Edgenuity", "Action": "pause imports"},
                {"Step ID": "S-" + "9" * 19, "System": "Edgenuity", "Action": "pause imports"},
                {"Step ID": "", "System": "Edgenuity", "Action": "resume imports"},
                {"Step ID": "", "System": "Edgenuity", "Action": "archive students"},
            ]
        )
    )
    assert [s.step_id for s in steps][:3] == [huge, zeros, "S-005"]
    assert [f.value for f in fills] == ["S-008", "S-009"]


def test_duplicate_step_ids_are_marked_on_every_row() -> None:
    steps, _ = parse_checklist(
        checklist([{"Step ID": "S-001", "Action": "a"}, {"Step ID": "S-001", "Action": "b"}])
    )
    assert [s.duplicate_id for s in steps] == [True, True]


def test_parameters_report_every_malformed_part() -> None:
    values, problems = parse_parameters(
        "target_date=2027-01-10; bogus; Start Date = 2027-01-01; 9x=1; target_date=2027-02-01"
    )
    assert values == {"target_date": "2027-01-10", "start_date": "2027-01-01"}
    reasons = [p.reason for p in problems]
    assert reasons == [
        "'bogus' is not key=value",
        "'9x' is not a parameter name",
        "target_date is given twice",
    ]
    assert {p.column for p in problems} == {"Parameters"}


def test_parameters_are_typed_against_the_actions_spec() -> None:
    specs = (
        ParamSpec("target_date", "date", required=True),
        ParamSpec("count", "int"),
        ParamSpec("allow", "bool"),
    )
    typed, problems = check_parameters(
        {"count": "3.5", "allow": "maybe", "extra": "1"}, specs, TODAY
    )
    reasons = sorted(p.reason for p in problems)
    assert reasons == [
        "allow: not yes or no: 'maybe'",
        "count: not a whole number: '3.5'",
        "target_date is required (date)",
        "unknown parameter 'extra' (expected: target_date, count, allow)",
    ]
    typed, problems = check_parameters({"target_date": "today+7d", "allow": "yes"}, specs, TODAY)
    assert typed == {"target_date": date(2026, 11, 29), "allow": True} and not problems


def test_dependency_cycles_are_found_and_order_respects_depends_on() -> None:
    graph = {"S-1": ("S-3",), "S-2": (), "S-3": ("S-2",), "S-4": ("S-5",), "S-5": ("S-4",)}
    assert find_cycles(graph) == [["S-4", "S-5", "S-4"]]
    order = execution_order(graph)
    assert order.index("S-2") < order.index("S-3") < order.index("S-1")
    assert sorted(order) == sorted(graph)
