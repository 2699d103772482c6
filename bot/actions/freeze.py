"""The check that keeps an action out of its system's freeze windows (``bot.core.freeze``):
the Calendar tab's pause rows and the vendor's published freeze."""

from __future__ import annotations

from collections.abc import Callable

from bot.actions.base import Check, PlanContext
from bot.actions.shared import calendar_of
from bot.core.freeze import Freeze, calendar_freezes, freeze_on
from bot.core.problems import Problem

SYSTEMS = ["Edgenuity", "SchoolStatus", "Twig Science", "Renaissance", "Schoology"]

VendorFreezes = Callable[[PlanContext], list[Freeze]]


def freezes(ctx: PlanContext, vendor: VendorFreezes | None = None) -> list[Freeze]:
    """Every freeze window the step's system knows: the Calendar's, then the vendor's."""
    found = calendar_freezes(calendar_of(ctx), SYSTEMS)
    return found + (vendor(ctx) if vendor is not None else [])


def not_frozen(vendor: VendorFreezes | None = None, advice: str = "") -> Check:
    """A check refusing the action on a day its system is frozen (the day it runs: its Run
    on date, else today), naming the window; ``advice`` says what to do instead."""

    def check(ctx: PlanContext) -> list[Problem]:
        spec = ctx.checked.spec
        window = freeze_on(freezes(ctx, vendor), spec.system, ctx.when)
        if window is None:
            return []
        column = "Run on" if ctx.run_day is not None else "Action"
        said = f"; {advice}" if advice else ""
        return [
            Problem(
                column,
                f"{spec.system} refuses {spec.name} during its freeze {window.describe()}{said}",
            )
        ]

    return check
