"""What an action sees when it plans: the step, its rows in the sheet, the LMS's view."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from bot.core.calendar import DistrictCalendar
from bot.core.problems import Problem
from bot.core.targets import Done
from bot.core.validate import CheckedStep


class ReadOnce(Mapping[str, str]):
    """A system's LMS settings, read when first looked at, then kept: most actions never
    look, and their steps cost the LMS no request for them."""

    def __init__(self, read: Callable[[], Mapping[str, str]]) -> None:
        self._read = read
        self._found: Mapping[str, str] | None = None

    def _settings(self) -> Mapping[str, str]:
        if self._found is None:
            self._found = dict(self._read())
        return self._found

    def __getitem__(self, key: str) -> str:
        return self._settings()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._settings())

    def __len__(self) -> int:
        return len(self._settings())


@dataclass
class PlanContext:
    """What an action sees when it plans: the step, its rows in the sheet, the LMS's view."""

    checked: CheckedStep
    selected: pd.DataFrame
    lms_records: pd.DataFrame
    today: date
    settings: Mapping[str, str] = field(default_factory=dict)
    """The system's LMS settings (``ReadOnce``: read when the action first looks)."""
    applied: frozenset[str] = frozenset()
    id_column: str = ""
    max_change_percent: float = 100.0
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    ledger: Mapping[str, Done] = field(default_factory=dict)
    """This rollover's changes of the action's ``Rule.once`` kind, by record (from any step)."""
    baseline: int = 0
    """Active records of the action's kind at the start of the rollover (the threshold's
    base; it does not shrink as earlier steps archive)."""
    calendar: DistrictCalendar | None = None
    """The district calendar (the config's national holidays and the Calendar tab); None:
    the Calendar tab's alone."""
    rollover: date | None = None
    """The district's rollover date (config or Calendar), when it has one."""
    run_day: date | None = None
    """The step's Run-on date when it is still to come (the step runs then, not today)."""
    more_records: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    """Other kinds of LMS records the action reads besides ``lms_records`` (its
    ``also_reads``: a transfer's preview looks at the codes and the transfers), by kind."""

    @property
    def when(self) -> date:
        """The day the step will run: its Run-on date, else today."""
        return self.run_day or self.today

    def records(self, kind: str) -> pd.DataFrame:
        """The LMS's records of ``kind`` read for this plan (``more_records``); empty, with
        ``id`` and ``status``, when the action does not read them."""
        found = self.more_records.get(kind)
        if found is None:
            return pd.DataFrame({"id": [], "status": []}, dtype=object)
        return found

    def tab(self, name: str) -> pd.DataFrame:
        """Another tab of the workbook as read this cycle (empty when the cycle did not pass it)."""
        return self.frames.get(name, pd.DataFrame())

    @property
    def pending(self) -> pd.DataFrame:
        """Selected rows this step has not applied yet and that no step changed already this
        rollover (``ledger``: a student promoted by S-008 is not promoted again, so it is no
        senior blocking a promotion): rules are checked on these only."""
        done = self.applied | frozenset(self.ledger)
        if not done or not self.id_column:
            return self.selected
        return self.selected[~self.selected[self.id_column].str.strip().isin(done)]

    @property
    def params(self) -> dict[str, object]:
        return self.checked.params

    def lms_status(self, ids: pd.Series) -> pd.Series:
        """The LMS status of each ID (``not in LMS`` when absent), aligned with ``ids``."""
        if self.lms_records.empty:
            return pd.Series("not in LMS", index=ids.index, dtype=object)
        lookup = self.lms_records.set_index("id")["status"]
        return ids.map(lookup).fillna("not in LMS")


Check = Callable[[PlanContext], list[Problem]]
Targets = Callable[[PlanContext, pd.DataFrame], pd.DataFrame]
Refuse = Callable[[PlanContext, pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class WorkItem:
    """One LMS operation a step will send: the record (or setting) and what it sends."""

    record_id: str
    params: dict[str, str]
