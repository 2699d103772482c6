"""What a cycle knows of the district's days, found when first needed: its rollover (the
config, else the Calendar tab), its calendar (``[calendar]``'s national holidays with the
Calendar tab) and the anchors relative dates count from (``today``, ``rollover-1bd``).

A cycle with nothing ticked reads none of it; the Calendar tab is read only when the config
does not give the rollover date or business days are counted."""

from __future__ import annotations

from datetime import date
from functools import cached_property

import pandas as pd

from bot.calendar.district import district_calendar, district_rollover
from bot.config import Config
from bot.core.calendar import DistrictCalendar
from bot.core.rollover import Rollover
from bot.core.values import DateAnchors
from bot.workbook.tab_frames import TabFrames

CALENDAR = "Calendar"


class DistrictDays:
    def __init__(self, config: Config, frames: TabFrames, today: date) -> None:
        self.config = config
        self.frames = frames
        self.today = today

    def _calendar_tab(self) -> pd.DataFrame:
        frame = self.frames.get(CALENDAR)
        return frame if frame is not None else pd.DataFrame()

    @cached_property
    def rollover(self) -> Rollover | None:
        if self.config.calendar.rollover_date is not None:
            return district_rollover(self.config, None, self.today)
        return district_rollover(self.config, self._calendar_tab(), self.today)

    @cached_property
    def calendar(self) -> DistrictCalendar:
        return district_calendar(self.config, self._calendar_tab(), self.today)

    @cached_property
    def anchors(self) -> DateAnchors:
        """Business days are counted on the district calendar, built only if one is."""
        rollover = self.rollover
        return DateAnchors(
            self.today,
            rollover.day if rollover is not None else None,
            lambda day, n: self.calendar.add_business_days(day, n),
        )

    def rollover_note(self) -> str:
        """What the config and the Calendar tab disagree on, if the rollover was looked up."""
        found = self.__dict__.get("rollover")
        return found.note if isinstance(found, Rollover) else ""

    def pause_date(self) -> date | None:
        """The roster pause: the Calendar tab's last pause row up to the rollover date, else
        one business day before the rollover date."""
        rollover = self.rollover
        if rollover is None:
            return None
        pauses = self.calendar.district_rows
        days = [d for d in pauses.loc[pauses["kind"] == "pause", "day"] if d <= rollover.day]
        return max(days) if days else self.calendar.business_day_before(rollover.day)
