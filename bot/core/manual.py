"""People's steps: Action ``manual`` is a task for the step's Owner, its instruction in Notes.

Ticking Run means the owner says it is done. The bot records who and when (the Log, and
Status ``Done by <owner> on <date>``); where it can read what the claim is about it checks it
first, and says so when what it reads disagrees (``Not confirmed``):

* ``setting=NAME; expected=VALUE``: the LMS setting of the step's System (Schoology's
  ``sync_mode``, Edgenuity's ``imports``...) must read VALUE;
* ``training=reserved``: every session of the Training tab not done must be reserved.

A manual step may also carry ``message=NAME`` (a message template) and the values its
placeholders ask for; the bot fills it in and shows it in the step's Plan. Pure: what the LMS
and the workbook say arrives as arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.core.catalogue import MANUAL, MESSAGE, ActionSpec
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.wording import count, listed

SETTING = "setting"
EXPECTED = "expected"
TRAINING = "training"
RESERVED = "reserved"
TRAINING_DONE = frozenset({"reserved", "done"})
KIND = "manual"
"""The ledger kind of a person's claim (its Log row names the owner in By)."""


def _setting_pair(params: dict[str, object], today: date) -> list[Problem]:
    has_setting, has_expected = SETTING in params, EXPECTED in params
    if has_setting and not has_expected:
        return [Problem("Parameters", "setting= needs expected= (the value the LMS should show)")]
    if has_expected and not has_setting:
        return [Problem("Parameters", "expected= needs setting= (the LMS setting to read)")]
    return []


def manual_spec(
    system: str,
    settings: tuple[str, ...],
    messages: tuple[str, ...],
    placeholders: tuple[str, ...],
) -> ActionSpec:
    """The ``manual`` task of ``system`` (blank: no System): the LMS ``settings`` it can
    check, the ``messages`` it may show and their ``placeholders`` (optional parameters)."""
    params = [ParamSpec(MESSAGE, "choice", choices=messages, help="a message template")]
    if settings:
        params += [
            ParamSpec(SETTING, "choice", choices=settings, help="the LMS setting to check"),
            ParamSpec(EXPECTED, help="the value the setting should have once done"),
        ]
    params.append(ParamSpec(TRAINING, "choice", choices=(RESERVED,), help="check the Training tab"))
    params += [ParamSpec(p, help=f"fills {{{p}}} in the message") for p in placeholders]
    where = system or "any system"
    return ActionSpec(
        system,
        MANUAL,
        "do",
        "task",
        None,
        False,
        f"A person's task ({where}): the instruction is in Notes; the owner ticks Run once it "
        "is done.",
        params=tuple(params),
        param_check=_setting_pair,
    )


def check_claim(
    system: str,
    params: Mapping[str, object],
    settings: Mapping[str, str],
    defaults: Mapping[str, str],
    training: list[tuple[str, str]] | None,
) -> tuple[str, str]:
    """What contradicts the owner's claim, and what bears it out (blank when nothing is
    checked). ``settings`` are what the LMS reports for ``system`` (``defaults`` for the
    settings it does not report); ``training`` the Training tab's (session, status) rows,
    None when it could not be read."""
    confirmed: list[str] = []
    wanted = params.get(SETTING)
    if isinstance(wanted, str) and wanted:
        expected = str(params.get(EXPECTED, "")).strip()
        actual = settings.get(wanted, defaults.get(wanted, ""))
        if actual.strip().casefold() != expected.casefold():
            return f"{system} says {wanted} is {actual or 'not set'}, not {expected}", ""
        confirmed.append(f"{system} says {wanted} is {actual}")
    if params.get(TRAINING) == RESERVED:
        if training is None:
            return "the Training tab could not be read", ""
        if not any(name for name, _ in training):
            return "the Training tab lists no session: add the sessions you reserve", ""
        open_sessions = [
            f"{name} ({status or 'no status'})"
            for name, status in training
            if name and status.strip().casefold() not in TRAINING_DONE
        ]
        if open_sessions:
            sessions = count(len(open_sessions), "session")
            return f"the Training tab has {sessions} not reserved: {listed(open_sessions)}", ""
        confirmed.append("every session of the Training tab is reserved or done")
    return "", "; ".join(confirmed)
