"""Actions registered by name, one module per system."""

from __future__ import annotations

from functools import cache

from bot.actions import edgenuity, renaissance, schoology, schoolstatus, twig
from bot.actions.base import Action, PlanContext, Registry, SettingAction
from bot.templates import load_template

__all__ = ["Action", "PlanContext", "Registry", "SettingAction", "registry"]


@cache
def registry() -> Registry:
    """Every action of every system."""
    return Registry(
        [
            *edgenuity.ACTIONS,
            *schoolstatus.ACTIONS,
            *twig.ACTIONS,
            *renaissance.ACTIONS,
            *schoology.ACTIONS,
        ],
        load_template(),
    )
