"""A cycle's tabs, read when first needed: a no-op cycle reads only the Checklist."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from bot.abc import Workbook


class TabFrames(dict[str, pd.DataFrame]):
    """The tabs read so far; any other tab is read from the workbook the first time it is
    asked for (``[]``, ``get``, ``in``), so code that looks at a tab always sees it.
    ``load`` reads several tabs in one pass."""

    def __init__(self, workbook: Workbook, frames: Mapping[str, pd.DataFrame]) -> None:
        super().__init__(frames)
        self.workbook = workbook
        self.absent: set[str] = set()
        self.broken: dict[str, str] = {}

    def load(self, names: Iterable[str]) -> None:
        """Read those of ``names`` not read yet, in one pass (tabs the workbook lacks are
        remembered as absent)."""
        wanted = [
            n
            for n in dict.fromkeys(names)
            if not dict.__contains__(self, n) and n not in self.absent
        ]
        if not wanted:
            return
        snapshot = self.workbook.read(wanted)
        self.update(snapshot.frames)
        self.broken.update(snapshot.broken)
        self.absent.update(n for n in wanted if n not in snapshot.frames)

    def __missing__(self, name: str) -> pd.DataFrame:
        self.load([name])
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self.load([name])
        return dict.__contains__(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        self.load([name])
        return dict.get(self, name, default)
