"""One cycle of the bot (``Cycle``): gather what is known of each step, let the pure life
cycle decide, carry out what it says, write back in one batch."""

from __future__ import annotations

from bot.cycle.run import Cycle, CycleReport

__all__ = ["Cycle", "CycleReport"]
