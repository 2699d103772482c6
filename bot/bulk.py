"""A cycle (and each read of a whole tab or record set) allocates hundreds of thousands of
small objects and almost no reference cycles; Python's cyclic collector would meanwhile scan
every live object again and again (at 100,000 rows, more time than the work itself).
``gc_paused`` pauses it for the call; what the call leaves behind is collected after."""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(work: Callable[P, R]) -> Callable[P, R]:
    @wraps(work)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused
