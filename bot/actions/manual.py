"""People's steps (Action ``manual``): one spec per system and one for a blank System, with
the LMS settings the bot can read to check an owner's claim, and the message templates."""

from __future__ import annotations

from bot.core.catalogue import ActionSpec
from bot.core.manual import manual_spec
from bot.districts.messages import message_templates, step_placeholders

SETTINGS: dict[str, dict[str, str]] = {
    "Edgenuity": {"imports": "on"},
    "SchoolStatus": {"sync": "on"},
    "Twig Science": {"rostering": "on"},
    "Renaissance": {},
    "Schoology": {"sync_mode": "automatic", "active_year": "", "acting_user": ""},
}
"""Per system, the settings its LMS reports that a manual step may check, with the value the
LMS has before anyone changes it."""


def manual_specs(systems: list[str]) -> list[ActionSpec]:
    """The ``manual`` task of each of ``systems`` and of a blank System."""
    messages = tuple(sorted(message_templates()))
    extra = step_placeholders()
    return [
        manual_spec(system, tuple(SETTINGS.get(system, {})), messages, extra)
        for system in ["", *systems]
    ]


def defaults(system: str) -> dict[str, str]:
    """What ``system`` reports for a setting nobody has changed."""
    return SETTINGS.get(system, {})
