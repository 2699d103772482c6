"""National (and state) holidays from the ``holidays`` package, as plain dates for the core."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays

from bot.errors import ConfigError


def national_holidays(country: str, subdivision: str, years: Iterable[int]) -> frozenset[date]:
    """The public holidays of ``country`` (ISO 3166 code, any case) and ``subdivision`` (a
    state or province code, blank = the whole country) in ``years``; none when ``country`` is
    blank. An unknown country or subdivision raises ConfigError naming it."""
    code = country.strip().upper()
    region = subdivision.strip()
    if not code:
        if region:
            raise ConfigError(f"calendar.subdivision {subdivision!r} needs calendar.country")
        return frozenset()
    try:
        entity = holidays.country_holidays(code, years=[])
    except NotImplementedError as exc:
        raise ConfigError(
            f"calendar.country: unknown country {country!r} (an ISO 3166 code such as 'US')"
        ) from exc
    if region:
        codes = {str(s).upper(): str(s) for s in entity.subdivisions}
        region = codes.get(region.upper(), region)
    try:
        found = holidays.country_holidays(code, subdiv=region or None, years=sorted(set(years)))
    except NotImplementedError as exc:
        known = ", ".join(entity.subdivisions) or "none"
        raise ConfigError(
            f"calendar.subdivision: {code} has no subdivision {subdivision!r} (known: {known})"
        ) from exc
    return frozenset(found.keys())
