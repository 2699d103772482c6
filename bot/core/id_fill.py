"""A blank key the bot fills in (a new Checklist row's Step ID), described so that a workbook
can place it without knowing the rules of the tab it belongs to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IdFill:
    """Write ``value`` into the key column of ``tab``, on a row whose key is still blank and
    whose ``match`` columns still hold these values (compared trimmed): the row read as
    ``row`` if it still qualifies, else the first that does; if none does, the row changed
    before the write and the fill is dropped (the next cycle fills it afresh)."""

    tab: str
    row: int
    value: str
    match: tuple[tuple[str, str], ...]
