"""What `init` makes for a real district: the chosen playbooks as one Checklist (due dates
counted back from the rollover date on the district calendar), a Calendar tab with the
rollover and pause rows, and the config's holiday country (given, else from the machine's
locale) and rollover date."""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.calendar.holidays import national_holidays
from bot.core.calendar import CalendarRules, DistrictCalendar
from bot.core.rollover import rollover_name
from bot.core.values import DateAnchors
from bot.districts.playbooks import combine, load_playbook, playbook_names
from bot.errors import ConfigError

LOCALE_VARIABLES = ("LC_ALL", "LC_CTYPE", "LANG")


def locale_country(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The country of the machine's locale (``en_US.UTF-8`` gives ``US``) and the locale it
    was read from; ``("", "")`` when the locale names none (``C``, ``POSIX``)."""
    env = os.environ if environ is None else environ
    names = [env.get(v, "") for v in LOCALE_VARIABLES]
    if environ is None:
        names.append(locale.getlocale(locale.LC_CTYPE)[0] or "")
    for name in names:
        language = name.split(".")[0].split("@")[0]
        _, sep, region = language.partition("_")
        if sep and len(region) == 2 and region.isalpha():
            return region.upper(), name
    return "", ""


@dataclass
class NewDistrict:
    """A district as `init` sets it up."""

    name: str
    playbooks: list[str]
    rollover: date
    country: str
    subdivision: str = ""
    today: date = field(default_factory=lambda: date.min)

    def calendar(self) -> DistrictCalendar:
        """Business days with the country's national holidays around the rollover."""
        years = {self.rollover.year - 1, self.rollover.year, self.rollover.year + 1}
        holidays = national_holidays(self.country, self.subdivision, years)
        return DistrictCalendar(rules=CalendarRules(national_holidays=holidays))

    def checklist(self) -> list[dict[str, str]]:
        """The playbooks' steps, one after the other, due dates resolved."""
        unknown = [p for p in self.playbooks if p not in playbook_names()]
        if unknown:
            raise ConfigError(
                f"no playbook {unknown[0]!r} (available: {', '.join(playbook_names())})"
            )
        calendar = self.calendar()
        anchors = DateAnchors(self.today, self.rollover, calendar.add_business_days)
        return combine([load_playbook(name, anchors) for name in dict.fromkeys(self.playbooks)])

    def calendar_rows(self) -> list[dict[str, str]]:
        """The rollover date and the roster pause one business day before it."""
        pause = self.calendar().business_day_before(self.rollover)
        return [
            {
                "Date": pause.isoformat(),
                "Type": "pause",
                "Name": "Roster pause (one business day before the rollover)",
                "School": "",
            },
            {
                "Date": self.rollover.isoformat(),
                "Type": "rollover",
                "Name": f"Rollover {rollover_name(self.rollover)}",
                "School": "",
            },
        ]

    def tabs(self) -> dict[str, list[dict[str, str]]]:
        return {"Checklist": self.checklist(), "Calendar": self.calendar_rows()}
