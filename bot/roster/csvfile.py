"""Reading one CSV file of a bundle into a frame of text, checked against its spec.

Every value stays text (IDs keep their leading zeros). Problems name the file, the row (the
header is row 1) and the column: a file that is not UTF-8, a misspelled or missing header, a
row cut short (a truncated file), a date not in the format's form, a blank required value.
IDs are trimmed, line breaks unified and characters a cell cannot hold removed
(``bot.roster.cells``).
Duplicate keys are reported and the later rows ignored.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from bot.roster.bundle import Bundle, decode
from bot.roster.cells import remove_control_characters, trim_ids, unify_line_breaks
from bot.roster.errors import Findings

LINE = "_line"
EXTENSION_PREFIXES = ("metadata.", "ext_")
MAX_PER_CHECK = 20
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = (
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


@dataclass(frozen=True)
class FileSpec:
    """One file of a format: its header names as the spec spells them, and its checks."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    nonblank: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    datetimes: tuple[str, ...] = ()
    key: tuple[str, ...] = ("sourcedId",)
    us_dates: bool = False

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass(frozen=True)
class Table:
    """A file's rows: every known column (blank where the file lacks it), extensions, ``_line``."""

    file: str
    frame: pd.DataFrame
    present: frozenset[str]

    def has(self, column: str) -> bool:
        return column in self.present


def flag(
    findings: Findings,
    file: str,
    frame: pd.DataFrame,
    mask: pd.Series,
    column: str,
    message: Callable[[pd.Series], str],
    error: bool = True,
) -> int:
    """Report the rows of ``frame`` where ``mask`` holds (the first few, then a count)."""
    count = int(mask.sum())
    if not count:
        return 0
    add = findings.error if error else findings.note
    for _, row in frame.loc[mask].head(MAX_PER_CHECK).iterrows():
        add(file, int(row[LINE]), column, message(row))
    if count > MAX_PER_CHECK:
        add(file, 0, column, f"... and {count - MAX_PER_CHECK} more rows like these")
    return count


def _check_header(spec: FileSpec, file: str, header: list[str], findings: Findings) -> None:
    seen: set[str] = set()
    known_folded = {k.casefold(): k for k in spec.known}
    for index, name in enumerate(header, start=1):
        if not name:
            findings.error(file, 1, f"field {index}", "blank header name")
            continue
        if name in seen:
            findings.error(file, 1, name, "header appears twice")
        seen.add(name)
        if name in spec.known or name.startswith(EXTENSION_PREFIXES):
            continue
        close = known_folded.get(name.casefold())
        if close is None:
            guesses = difflib.get_close_matches(name, spec.known, n=1, cutoff=0.75)
            close = guesses[0] if guesses else None
        if close is not None and close not in header:
            findings.error(file, 1, name, f"unknown header {name!r}: the spec spells it {close!r}")
        else:
            findings.note(file, 1, name, "not a column of this format; ignored")
    for name in spec.required:
        if name not in header:
            findings.error(file, 1, name, "required column is missing from the header")


def _cut_short_column(text: str, start_line: int, header: list[str]) -> str:
    rest = "\n".join(text.splitlines()[start_line - 1 :])
    partial = next(csv.reader(io.StringIO(rest, newline="")), [])
    index = max(len(partial) - 1, 0)
    return header[index] if index < len(header) else f"field {index + 1}"


def _rows(
    text: str, file: str, header_width: int, header: list[str], findings: Findings
) -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    shown = 0
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if start == 1 or not any(v.strip() for v in record):
                continue
            width = len(record)
            if width < header_width:
                shown += 1
                if shown <= MAX_PER_CHECK:
                    findings.error(
                        file,
                        start,
                        header[width] if width else header[0],
                        f"the row has {width} of {header_width} fields: it is cut short "
                        "(a truncated file?)",
                    )
                continue
            if width > header_width:
                if any(v.strip() for v in record[header_width:]):
                    shown += 1
                    if shown <= MAX_PER_CHECK:
                        findings.error(
                            file,
                            start,
                            f"field {header_width + 1}",
                            f"the row has {width} fields but the header names {header_width}",
                        )
                    continue
                record = record[:header_width]
            rows.append(record)
            lines.append(start)
    except csv.Error as exc:
        start = previous + 1
        findings.error(
            file,
            start,
            _cut_short_column(text, start, header),
            f"unreadable row ({exc}): a quote is not closed (a truncated file?)",
        )
    return rows, lines


def parse_us_or_iso(values: pd.Series) -> pd.Series:
    """Dates as ISO text from ``YYYY-MM-DD``, ``YYYYMMDD`` or US ``M/D/YYYY``; NaN if neither."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y"):
        missing = out.isna()
        if not missing.any():
            break
        out[missing] = pd.to_datetime(values[missing], format=fmt, errors="coerce")
    return out.dt.strftime("%Y-%m-%d")


def _bad_value(column: str, expected: str) -> Callable[[pd.Series], str]:
    def message(row: pd.Series) -> str:
        return f"{row[column]!r} is not {expected}"

    return message


def _check_values(spec: FileSpec, table: Table, findings: Findings) -> pd.DataFrame:
    frame = table.frame
    file = table.file
    for column in (c for c in spec.nonblank if table.has(c)):
        blank = frame[column].str.strip() == ""
        flag(findings, file, frame, blank, column, lambda _: "a value is required")
    for column in (c for c in spec.dates if table.has(c)):
        filled = frame[column].str.strip() != ""
        if spec.us_dates:
            parsed = parse_us_or_iso(frame[column].str.strip())
            expected = "a date (YYYY-MM-DD or M/D/YYYY)"
        else:
            ok_shape = frame[column].str.match(ISO_DATE)
            stamps = pd.to_datetime(frame[column].where(ok_shape), errors="coerce")
            parsed = stamps.dt.strftime("%Y-%m-%d")
            expected = "a date as YYYY-MM-DD"
        bad = filled & parsed.isna()
        flag(
            findings,
            file,
            frame,
            bad,
            column,
            _bad_value(column, expected),
        )
        frame[column] = parsed.where(filled, "").fillna("")
    for column in (c for c in spec.datetimes if table.has(c)):
        filled = frame[column].str.strip() != ""
        bad = filled & ~frame[column].str.match(ISO_DATETIME)
        flag(
            findings,
            file,
            frame,
            bad,
            column,
            _bad_value(column, "an ISO 8601 date-time (YYYY-MM-DDThh:mm:ssZ)"),
        )
    if spec.key and all(table.has(k) for k in spec.key):
        keyed = frame[list(spec.key)]
        filled = (keyed.apply(lambda s: s.str.strip()) != "").all(axis=1)
        duplicate = keyed.duplicated(keep="first") & filled
        if duplicate.any():
            first = frame.loc[filled].drop_duplicates(list(spec.key)).set_index(list(spec.key))
            label = " + ".join(spec.key)

            def message(row: pd.Series) -> str:
                value = tuple(row[k] for k in spec.key)
                at = first.loc[value if len(value) > 1 else value[0], LINE]
                shown = " / ".join(value)
                return f"duplicate {label} {shown!r} (first at row {at}); this row is ignored"

            flag(findings, file, frame, duplicate, spec.key[0], message, error=False)
            frame = frame.loc[~duplicate]
    return frame


def read_table(bundle: Bundle, spec: FileSpec, findings: Findings) -> Table | None:
    """The file ``spec.name`` read and checked; None if it is absent or has errors."""
    if not bundle.has(spec.name):
        return None
    file = bundle.name(spec.name)
    before = len(findings.errors)
    text = decode(bundle, spec.name, findings)
    if text is None:
        return None
    first = next(csv.reader(io.StringIO(text, newline="")), None)
    if first is None or not any(v.strip() for v in first):
        column = spec.required[0] if spec.required else ""
        findings.error(file, 1, column, "the file is empty: no header row")
        return None
    header = [h.strip() for h in first]
    while header and not header[-1]:
        header.pop()
    _check_header(spec, file, header, findings)
    rows, lines = _rows(text, file, len(header), header, findings)
    if len(findings.errors) > before:
        return None
    frame = (
        pd.DataFrame(rows, columns=header, dtype=str)
        if rows
        else pd.DataFrame({h: pd.Series([], dtype=str) for h in header})
    )
    for column in spec.known:
        if column not in frame.columns:
            frame[column] = ""
    frame[LINE] = lines
    trim_ids(frame, header)
    unify_line_breaks(frame, header)
    remove_control_characters(frame, file, header, frame[LINE], findings)
    table = Table(file=file, frame=frame, present=frozenset(header))
    frame = _check_values(spec, table, findings)
    if len(findings.errors) > before:
        return None
    return Table(file=file, frame=frame.reset_index(drop=True), present=table.present)


def require_files(bundle: Bundle, specs: tuple[FileSpec, ...], findings: Findings) -> None:
    """Report each required file the bundle lacks (row 0: the file itself)."""
    for spec in specs:
        if not bundle.has(spec.name):
            findings.error(
                spec.name,
                0,
                spec.required[0],
                f"the required file {spec.name} is missing from the bundle",
            )
