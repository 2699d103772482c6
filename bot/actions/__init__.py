"""Actions registered by name, one module per system."""

from __future__ import annotations

from functools import cache

from bot.actions import edgenuity, renaissance, schoology, schoolstatus, twig
from bot.actions.base import Action, PlanContext, Registry, SettingAction
from bot.actions.manual import manual_specs
from bot.districts.messages import message_templates
from bot.templates import load_template

__all__ = ["Action", "PlanContext", "Registry", "SettingAction", "registry"]


@cache
def registry() -> Registry:
    """Every action of every system, and the people's task (``manual``) of each."""
    systems = [edgenuity, schoolstatus, twig, renaissance, schoology]
    return Registry(
        [action for module in systems for action in module.ACTIONS],
        load_template(),
        manual_specs([module.SYSTEM for module in systems]),
        frozenset(message_templates()),
    )
