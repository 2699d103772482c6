"""The sections and keys a config file may hold, and the error for one it may not.

A misspelled key is refused, never silently dropped: ``[safety] max_change_pct`` would
otherwise leave the guard at its default. The error names the section, the key and the
nearest known key::

    [safety] max_change_pct is not a setting; did you mean max_change_percent?

``[slack]``, ``[schedule]`` and ``[calendar]`` take their keys from their dataclasses.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from bot.errors import ConfigError

SECTIONS = (
    "district",
    "workbook",
    "lms",
    "state",
    "approvals",
    "safety",
    "slack",
    "schedule",
    "calendar",
)
# Read as nothing: configs written before [slack] carry [notifier] backend = "console".
LEGACY_SECTIONS = ("notifier",)
KEYS: dict[str, tuple[str, ...]] = {
    "district": ("name", "timezone"),
    "workbook": ("backend", "path", "spreadsheet_id", "credentials", "endpoint"),
    "lms": ("backend", "path", "endpoint", "faults", "schoology"),
    "lms.schoology": ("endpoint", "signature_method"),
    "lms.faults": (
        "error_rate",
        "timeout_rate",
        "timeout_after_apply",
        "latency_seconds",
        "fail_calls",
        "kill_at_call",
        "kill_after_apply",
        "pause_at_call",
        "pause_until",
        "break_on",
        "seed",
    ),
    "state": ("path", "url", "schema"),
    "approvals": ("admins", "two_person_rule"),
    "safety": ("max_change_percent",),
}


def nearest(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` most likely misspells (any case; difflib, else the one known
    name it begins), or None if none is close."""
    choices = list(known)
    folded = {k.casefold(): k for k in choices}
    if name.casefold() in folded:
        return folded[name.casefold()]
    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    if close:
        return folded[close[0]]
    longer = [k for k in folded if k.startswith(name.casefold())]
    return folded[longer[0]] if len(longer) == 1 else None


def _problem(where: str, name: str, kind: str, known: list[str], shown: str) -> str:
    near = nearest(name, known)
    if near is not None:
        return f"{where}{shown.format(name)} is not a {kind}; did you mean {shown.format(near)}?"
    listed = ", ".join(shown.format(k) for k in sorted(known))
    return f"{where}{shown.format(name)} is not a {kind} (known {kind}s: {listed})"


def refuse_unknown(table: Mapping[str, object], section: str, known: Iterable[str]) -> None:
    """Refuse every key of ``[section]`` not in ``known``, naming the nearest known key."""
    names = list(known)
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise ConfigError(
            "\n".join(_problem(f"[{section}] ", key, "setting", names, "{}") for key in unknown)
        )


def refuse_unknown_sections(data: Mapping[str, object], extra: Iterable[str] = ()) -> None:
    """Refuse every top-level name that is not a section (``extra``: more accepted names)."""
    names = [*SECTIONS, *extra]
    unknown = sorted(set(data) - set(names) - set(LEGACY_SECTIONS))
    if unknown:
        raise ConfigError(
            "\n".join(_problem("", name, "section", list(SECTIONS), "[{}]") for name in unknown)
        )


def refuse_unknown_in_district(entry: Mapping[str, object], label: str, own: Iterable[str]) -> None:
    """Refuse every key of a ``[[districts]]`` entry that is neither its own (``own``: name,
    timezone) nor a section it overrides."""
    names = [*own, *SECTIONS]
    unknown = sorted(set(entry) - set(names))
    if unknown:
        raise ConfigError(
            "\n".join(
                _problem(f"[[districts]] {label}: ", key, "setting", names, "{}") for key in unknown
            )
        )
