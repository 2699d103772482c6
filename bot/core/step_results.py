"""The Result a step shows once it has run: what it changed, what it found done already,
and what failed (the first few, each cut short)."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from bot.core.targets import changes_text, left_alone
from bot.core.values import shown
from bot.core.wording import agree, capitalised, count, past_participle, past_tense, singular

NAMED_FAILURES = 3
FAILURE_CHARACTERS = 200
NAMED_MESSAGES = 10


Failure = tuple[str, str]
"""A record that failed, and why."""


def _named(failures: list[Failure], with_ids: bool = True) -> str:
    """The first few failures (``A (why)``, or only why), each cut short, and how many more."""
    texts = [f"{record} ({why})" if with_ids else why for record, why in failures]
    named = ", ".join(shown(t, FAILURE_CHARACTERS, quote=False) for t in texts[:NAMED_FAILURES])
    more = len(failures) - NAMED_FAILURES
    return named + (f" and {more:,} more" if more > 0 else "")


def _failed(failures: list[Failure]) -> str:
    """``2 failed: A (why), B (why)``."""
    return f"{len(failures):,} failed: {_named(failures)}"


def records_result(
    verb: str,
    noun: str,
    applied: int,
    already: int,
    failures: list[Failure],
    already_as: str = "already done by this step",
) -> str:
    """A step over roster records: ``Archived 1 course; 2 already archived``. ``noun`` is
    the catalogue's plural (``courses``)."""
    one = singular(noun)
    if applied == 0 and already and not failures:
        every = "all " if already > 1 else ""
        return (
            f"Nothing to do: {every}{count(already, one, noun)} "
            f"{agree(already, 'was', 'were')} {already_as}"
        )
    text = f"{past_tense(verb)} {count(applied, one, noun)}"
    if already:
        text += f"; {already:,} {already_as}"
    if failures:
        text += "; " + _failed(failures)
    return text


def outcome_result(
    verb: str,
    noun: str,
    messages: list[str],
    failures: list[Failure],
    items: int = 1,
    prefix: bool = False,
) -> str:
    """A step whose items are not roster rows (a setting, each school's grading period, a
    sync): what the LMS said for every item (the first few), or why it could not (the
    item is named when there are several). ``prefix`` puts ``Synced roster:`` before the
    LMS's own words."""
    said = list(dict.fromkeys(m for m in messages if m))
    if failures and not said:
        return f"Could not {verb} {noun}: " + _named(failures, with_ids=items > 1)
    joined = "; ".join(said[:NAMED_MESSAGES])
    if len(said) > NAMED_MESSAGES:
        joined += f"; and {len(said) - NAMED_MESSAGES:,} more"
    if not said:
        text = f"{past_tense(verb)} {noun}"
    elif prefix:
        text = f"{past_tense(verb)} {noun}: {joined}"
    else:
        text = capitalised(joined)
    if failures:
        text += "; " + _failed(failures)
    return text


def judged_result(
    verb: str,
    noun: str,
    system: str,
    judged: pd.DataFrame,
    applied: int,
    changed: Collection[str],
    already: int,
    failures: list[Failure],
) -> str:
    """A step planned against the LMS: what it changed and how (``Set dates on 12
    enrollments: target date 2027-05-17 -> 2027-05-20``; ``changed``: the records whose
    change to name), what was at target already, what failed, and what the plan left alone,
    said as the plan says it (``Nothing to do: 2 students already promoted this rollover by
    S-008``)."""
    alone = left_alone(judged, verb, system)
    if not applied and not already and not failures:
        named = left_alone(judged, verb, system, noun)
        return "Nothing to do: " + ("; ".join(named) or f"no {singular(noun)} in scope")
    text = records_result(
        verb, noun, applied, already, failures, f"already {past_participle(verb)}"
    )
    how = changes_text(judged, pd.Series(list(changed), dtype=object)) if changed else ""
    if how:
        head, sep, tail = text.partition("; ")
        text = f"{head}: {how}{sep}{tail}"
    return "; ".join([text, *alone])
