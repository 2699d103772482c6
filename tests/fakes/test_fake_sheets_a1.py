"""A1 parsing and printing, number formatting and user-entered parsing of the fake Sheets server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.testing.sheets_fake.a1 import (
    A1Error,
    Bounds,
    col_to_index,
    format_range,
    index_to_col,
    parse_cells,
    quote_title,
    split_sheet,
)
from bot.testing.sheets_fake.fieldmask import apply, parse
from bot.testing.sheets_fake.formats import color
from bot.testing.sheets_fake.numfmt import general, render
from bot.testing.sheets_fake.userinput import from_raw, from_user_entered


@given(st.integers(min_value=0, max_value=18277))
def test_column_letters_round_trip(index: int) -> None:
    assert col_to_index(index_to_col(index)) == index


def test_column_letters_known_values() -> None:
    assert [index_to_col(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


@pytest.mark.parametrize(
    ("text", "sheet", "cells"),
    [
        ("'My Tab'!A1:C3", "My Tab", "A1:C3"),
        ("'It''s'!B2", "It's", "B2"),
        ("'Sheet1'", "Sheet1", None),
        ("Sheet1!A1", "Sheet1", "A1"),
        ("🌵 test 1!A:A", "🌵 test 1", "A:A"),
        ("A1:B2", None, "A1:B2"),
        ("'a!b'!C4", "a!b", "C4"),
    ],
)
def test_split_sheet(text: str, sheet: str | None, cells: str | None) -> None:
    parsed = split_sheet(text)
    assert (parsed.sheet, parsed.cells) == (sheet, cells)


@pytest.mark.parametrize("text", ["'unterminated!A1", "'Tab'A1"])
def test_split_sheet_rejects_bad_quoting(text: str) -> None:
    with pytest.raises(A1Error):
        split_sheet(text)


@pytest.mark.parametrize(
    ("cells", "bounds"),
    [
        ("A1", Bounds(0, 1, 0, 1)),
        ("b2", Bounds(1, 2, 1, 2)),
        ("C3:A1", Bounds(0, 3, 0, 3)),
        ("A:C", Bounds(None, None, 0, 3)),
        ("2:5", Bounds(1, 5, None, None)),
        ("A2:Z", Bounds(1, None, 0, 26)),
        ("A1:1", Bounds(0, 1, 0, None)),
        ("$A$1:$B$2", Bounds(0, 2, 0, 2)),
    ],
)
def test_parse_cells(cells: str, bounds: Bounds) -> None:
    assert parse_cells(cells) == bounds


@pytest.mark.parametrize("cells", ["A0", "1", "A", "A1:B2:C3", "5:A", "A:5", "A1B", "!"])
def test_parse_cells_rejects(cells: str) -> None:
    with pytest.raises(A1Error):
        parse_cells(cells)


@pytest.mark.parametrize(
    ("title", "quoted"),
    [
        ("Sheet1", "Sheet1"),
        ("My Tab", "'My Tab'"),
        ("D3", "'D3'"),
        ("It's", "'It''s'"),
        ("Лист1", "'Лист1'"),
        ("🌵", "'🌵'"),
        ("data_2024", "data_2024"),
    ],
)
def test_quote_title_like_google(title: str, quoted: str) -> None:
    assert quote_title(title) == quoted


def test_format_range_single_cell_and_rectangle() -> None:
    assert format_range("Sheet1", 0, 1, 0, 1) == "Sheet1!A1"
    assert format_range("My Tab", 0, 1000, 0, 26) == "'My Tab'!A1:Z1000"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.0, "2"),
        (1.45, "1.45"),
        (1 / 1024, "0.0009765625"),
        (1 / 3, "0.3333333333"),
        (-0.5, "-0.5"),
    ],
)
def test_automatic_number_format(value: float, text: str) -> None:
    assert general(value) == text


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (2000000.01, {"type": "NUMBER", "pattern": "#,##0.00"}, "2,000,000.01"),
        (0.125, {"type": "PERCENT", "pattern": "0.00%"}, "12.50%"),
        (43831, {"type": "DATE", "pattern": "yyyy-mm-dd"}, "2020-01-01"),
        (43831.5, {"type": "DATE_TIME", "pattern": "M/d/yyyy H:mm:ss"}, "1/1/2020 12:00:00"),
        (-3.5, {"type": "NUMBER", "pattern": "0.0"}, "-3.5"),
    ],
)
def test_number_patterns(value: float, fmt: dict[str, str], text: str) -> None:
    assert render(value, fmt) == text


def test_raw_never_converts() -> None:
    assert from_raw("123").value == "123"
    assert from_raw("=1+1").value == "=1+1"
    assert from_raw("TRUE").value == "TRUE"
    assert from_raw(None).skip
    assert from_raw(7).value == 7.0


def test_user_entered_parses_like_the_ui() -> None:
    assert from_user_entered("123").value == 123.0
    assert from_user_entered("0042").value == 42.0
    assert from_user_entered("true").value is True
    assert from_user_entered("=A1*2").formula == "=A1*2"
    assert from_user_entered("'123").value == "123"
    parsed = from_user_entered("2,000,000.01")
    assert parsed.value == 2000000.01 and parsed.number_format == {
        "type": "NUMBER",
        "pattern": "#,##0.00",
    }
    assert from_user_entered("12%").value == pytest.approx(0.12)
    assert from_user_entered("2020-01-01").value == 43831
    assert from_user_entered("2020-02-30").value == "2020-02-30"
    assert from_user_entered("hello").value == "hello"


def test_colors_are_quantized_like_google() -> None:
    assert color({"red": 1.0, "green": 0.0, "blue": 0.5}) == {"red": 1, "blue": 0.49803922}


def test_field_mask_parse_and_apply() -> None:
    tree = parse("sheets(properties(title,index)),namedRanges")
    data = {
        "spreadsheetId": "x",
        "sheets": [{"properties": {"title": "A", "index": 0, "sheetId": 1}}],
    }
    assert apply(data, tree) == {"sheets": [{"properties": {"title": "A", "index": 0}}]}
    assert parse("a/b.c,d") == {"a": {"b": {"c": True}}, "d": True}
