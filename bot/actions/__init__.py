"""Actions registered by name, one module per system."""

from __future__ import annotations

from functools import cache

from bot.actions import edgenuity
from bot.actions.base import Action, PlanContext, Registry, SettingAction

__all__ = ["Action", "PlanContext", "Registry", "SettingAction", "registry"]


@cache
def registry() -> Registry:
    """Every action of every system."""
    return Registry([*edgenuity.ACTIONS])
