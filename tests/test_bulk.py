"""The cyclic collector is paused for the call only, even when the call fails."""

from __future__ import annotations

import gc

import pytest

from bot.bulk import gc_paused


@gc_paused
def reading(fail: bool) -> bool:
    if fail:
        raise ValueError("unreadable")
    return gc.isenabled()


def test_the_collector_is_paused_during_the_call_and_back_after() -> None:
    assert gc.isenabled()
    assert reading(False) is False
    assert gc.isenabled()
    with pytest.raises(ValueError, match="unreadable"):
        reading(True)
    assert gc.isenabled()
