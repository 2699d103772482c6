"""The district calendar the digest job and `status` consult: the Calendar tab, national
holidays and quiet hours (``[calendar]``)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.abc import Workbook
from bot.calendar.district import district_calendar
from bot.config import Config
from bot.schedule.digest import DayRules


def day_rules(config: Config, workbook: Workbook, today: date) -> DayRules:
    """The rules as of ``today`` in the district (its national holidays are those of the
    years around it)."""
    frame = workbook.read(["Calendar"]).frames.get("Calendar", pd.DataFrame())
    return district_calendar(config, frame, today)
