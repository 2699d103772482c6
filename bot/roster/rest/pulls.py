"""When this district last pulled from a OneRoster API, for ``--since last``.

Kept in ``oneroster-pulls.json`` in the workbook's folder, one entry per service and client
ID: the server's time (its Date header) when the pull began, recorded once the pull was
merged (a dry run, a refused or failed import records nothing). A delta pull then asks for
``dateLastModified`` after that time: a record changed while a pull ran is pulled again the
next time, which changes nothing twice.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.roster.rest.errors import OneRosterError

FILE = "oneroster-pulls.json"
LAST = "last"


def _key(base: str, client_id: str) -> str:
    return f"{base} {client_id}"


def _read(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OneRosterError(
            f"{path} is not readable ({exc}): delete it to pull everything next time"
        ) from exc
    return data if isinstance(data, dict) else {}


def remembered(folder: Path, base: str, client_id: str) -> str | None:
    """The time the last merged pull from ``base`` with ``client_id`` began, if any."""
    entry = _read(folder).get(_key(base, client_id))
    return entry.get("pulled") if isinstance(entry, dict) else None


def remember(folder: Path, base: str, client_id: str, when: str) -> None:
    """Record ``when`` for ``base`` and ``client_id`` (the file is replaced atomically)."""
    data = _read(folder)
    data[_key(base, client_id)] = {"pulled": when}
    path = folder / FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(path)


def parse_since(text: str, timezone: str) -> str:
    """``--since`` as the filter's UTC time: a date is midnight in the district's time zone,
    a date-time without a zone is in it too."""
    value = text.strip()
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time(), ZoneInfo(timezone))
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=ZoneInfo(timezone))
    except ValueError as exc:
        raise OneRosterError(
            f"--since {text!r}: expected a date (2026-11-01), a date and time "
            f"(2026-11-01T08:00:00, in district.timezone {timezone}, or ending in Z for UTC) "
            f"or {LAST!r} (the time of this district's last pull)"
        ) from exc
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
