"""Message templates (``sheets_templates/messages/*.txt``) filled in for a step: every
``{name}`` is replaced by its value (the district, the rollover date, the step's owner, its
Parameters...); a name with no value stays visible as ``[name]`` for staff to fill in.
Values are put in as they are, never read as templates themselves. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
BUILT_IN = (
    "district",
    "owner",
    "step",
    "system",
    "today",
    "rollover_date",
    "rollover_name",
    "pause_date",
)
"""What the bot fills in itself; any other placeholder comes from the step's Parameters."""


def placeholders(text: str) -> list[str]:
    """The placeholder names of ``text``, in order of first use."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced by its value, or by ``[name]`` when it has
    none (or a blank one)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        given = str(values.get(name, "") or "").strip()
        return given or f"[{name.replace('_', ' ')}]"

    return _PLACEHOLDER.sub(value, text)
