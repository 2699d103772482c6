"""JSON records of a OneRoster API as rows of the CSV file the CSV binding has for them.

Values become the text the CSV binding writes: a GUIDRef its ``sourcedId``, a list its items
joined by commas, ``true`` / ``false`` for booleans, ``{type:identifier}`` for userIds, a
date-time given where the binding has a date its date part; ``metadata`` entries become
``metadata.<name>`` columns (nested objects joined with dots). Anything else (an object where
text belongs, a record without a sourcedId) is a malformed record, named.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from bot.roster.rest.errors import Malformed
from bot.roster.rest.fields import (
    BOOL,
    DATE,
    LIST,
    REF,
    REFS,
    ROLES_12,
    ROLES_CSV,
    USER_IDS,
    Field,
)

DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T")
Row = dict[str, str]


def _scalar(value: Any, what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise Malformed(f"{what} is {type(value).__name__} {_shown(value)}, not text")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _ref(value: Any, what: str) -> str:
    """A GUIDRef's sourcedId (a bare string is taken as the sourcedId itself)."""
    if isinstance(value, dict):
        if "sourcedId" not in value:
            raise Malformed(f"{what} is a reference without a sourcedId: {_shown(value)}")
        return _scalar(value["sourcedId"], what)
    return _scalar(value, what)


def _items(value: Any) -> list[Any]:
    """A list as it is; a single value (where the binding has a list) as a list of it."""
    return value if isinstance(value, list) else [value]


def cell(value: Any, field: Field, what: str) -> str:
    """The CSV text of one JSON value."""
    if value is None:
        return ""
    if field.kind == REF:
        return _ref(value, what)
    if field.kind == REFS:
        return ",".join(_ref(item, what) for item in _items(value))
    if field.kind == LIST:
        return ",".join(_scalar(item, what) for item in _items(value))
    if field.kind == USER_IDS:
        return ",".join(_user_id(item, what) for item in _items(value))
    text = _scalar(value, what)
    if field.kind == DATE:
        match = DATE_TIME.match(text)
        return match.group(1) if match else text
    if field.kind == BOOL:
        return text.strip().lower() if text.strip().lower() in ("true", "false") else text
    return text


def _user_id(item: Any, what: str) -> str:
    if isinstance(item, dict):
        kind = _scalar(item.get("type"), what)
        return f"{{{kind}:{_scalar(item.get('identifier'), what)}}}"
    return _scalar(item, what)


def metadata(value: Any, what: str, prefix: str = "metadata") -> Row:
    """``metadata`` as ``metadata.<name>`` columns (nested objects joined with dots)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"{what}: metadata is {type(value).__name__}, not an object")
    out: Row = {}
    for key, item in value.items():
        name = f"{prefix}.{key}"
        if isinstance(item, dict):
            out.update(metadata(item, what, name))
        elif isinstance(item, list):
            out[name] = ",".join(_scalar(part, f"{what}: {name}") for part in item)
        else:
            out[name] = _scalar(item, f"{what}: {name}")
    return out


def sourced_id(record: Any, what: str) -> str:
    """The record's sourcedId; a record that is no object or has none is malformed."""
    if not isinstance(record, dict):
        raise Malformed(f"{what} is {type(record).__name__} {_shown(record)}, not an object")
    value = record.get("sourcedId")
    if not isinstance(value, str | int) or not str(value).strip():
        raise Malformed(f"{what} has no sourcedId")
    return str(value)


def to_row(record: dict[str, Any], fields: Iterable[Field], what: str) -> Row:
    """One record as a CSV row (column -> text)."""
    row = {f.column: cell(record.get(f.key), f, f"{what}: {f.key}") for f in fields}
    row.update(metadata(record.get("metadata"), what))
    return row


def role_rows(user: dict[str, Any], what: str) -> list[Row]:
    """A 1.2 user's ``roles`` as roles.csv rows (a made-up sourcedId: user/roles/N)."""
    roles = user.get("roles")
    if roles is None:
        return []
    if not isinstance(roles, list):
        raise Malformed(f"{what}: roles is {type(roles).__name__}, not a list")
    user_id = str(user["sourcedId"])
    rows = []
    for number, role in enumerate(roles, start=1):
        where = f"{what}: roles[{number}]"
        if not isinstance(role, dict):
            raise Malformed(f"{where} is {type(role).__name__}, not an object")
        row = dict.fromkeys(ROLES_CSV, "")
        row["sourcedId"] = f"{user_id}/roles/{number}"
        row["userSourcedId"] = user_id
        row.update(to_row(role, ROLES_12, where))
        rows.append(row)
    return rows


def to_csv(rows: list[Row], fields: Iterable[Field] | Iterable[str]) -> bytes:
    """The CSV file: the binding's columns, then any metadata columns in order of first use."""
    header = [f.column if isinstance(f, Field) else f for f in fields]
    known = set(header)
    for row in rows:
        for column in row:
            if column not in known:
                known.add(column)
                header.append(column)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return buffer.getvalue().encode("utf-8")
