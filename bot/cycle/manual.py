"""People's steps in the cycle: what the life cycle needs to know of a ``manual`` step (its
message filled in, what the LMS or the workbook says of the owner's claim), and recording
the claim once (its run and one Log row whose By is the owner)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from bot.actions.manual import defaults
from bot.core.checklist import Step
from bot.core.manual import KIND, SETTING, TRAINING, check_claim
from bot.core.messages import fill, placeholders
from bot.core.params import parse_parameters
from bot.core.plan import fingerprint
from bot.core.rollover import Rollover
from bot.core.step_facts import Manual, RecordDone
from bot.core.validate import CheckedStep
from bot.cycle.district import DistrictDays
from bot.districts.messages import message_templates
from bot.errors import Unreadable
from bot.services import Services
from bot.structures import Outcome
from bot.workbook.tab_frames import TabFrames

TRAINING_TAB = "Training"


def message_for(step: Step, days: DistrictDays, district: str) -> str:
    """The message template the step names (``message=``), filled in; blank when it names
    none (or one that does not exist: validation says so once the step is ticked). Only what
    the template asks for is looked up (the Calendar tab is read only for a date it needs)."""
    raw, _ = parse_parameters(step.parameters)
    template = message_templates().get(raw.get("message", "").strip())
    if template is None:
        return ""
    wanted = set(placeholders(template))

    def rollover(part: Callable[[Rollover], str]) -> str:
        found = days.rollover
        return part(found) if found is not None else ""

    def pause() -> str:
        found = days.pause_date() if days.rollover is not None else None
        return found.isoformat() if found is not None else ""

    lookups: dict[str, Callable[[], str]] = {
        "district": lambda: district,
        "owner": lambda: step.owner,
        "step": lambda: step.step_id,
        "system": lambda: step.system,
        "today": lambda: days.today.isoformat(),
        "rollover_date": lambda: rollover(lambda r: r.day.isoformat()),
        "rollover_name": lambda: rollover(lambda r: r.name),
        "pause_date": pause,
    }
    values = {name: look() for name, look in lookups.items() if name in wanted}
    return fill(template, {**raw, **values})


def task_fingerprint(checked: CheckedStep) -> str:
    """A person's task as staff wrote it (its System and Parameters): a claim recorded for
    it holds until they change (or Run is unticked); the owner is not part of it."""
    spec = checked.spec
    return fingerprint(spec.system, spec.name, "", checked.params_text, ())


def _training(frames: TabFrames) -> list[tuple[str, str]] | None:
    frame = frames.get(TRAINING_TAB)
    if frame is None:
        return None
    sessions = frame.get("Session", pd.Series(dtype=object)).fillna("").astype(str)
    status = frame.get("Status", pd.Series("", index=frame.index)).fillna("").astype(str)
    return list(zip(sessions.str.strip(), status.str.strip(), strict=True))


def manual_facts(
    services: Services, frames: TabFrames, checked: CheckedStep, message: str
) -> Manual:
    """The task, its message, and what the LMS (a setting) or the Training tab says of it;
    an LMS with no API for its settings leaves the claim unchecked, saying why."""
    spec = checked.spec
    params = dict(checked.params)
    settings: dict[str, str] = {}
    unchecked = ""
    if spec.system and SETTING in params:
        try:
            settings = services.lms.settings(spec.system)
        except Unreadable as exc:
            unchecked = str(exc)
            params.pop(SETTING)
    training = _training(frames) if TRAINING in params else None
    disputed, confirmed = check_claim(
        spec.system, params, settings, defaults(spec.system), training
    )
    return Manual(task_fingerprint(checked), message, disputed, confirmed, unchecked)


def record_done(services: Services, step: Step, effect: RecordDone, stamp: str) -> None:
    """The claim's run and its Log row, each once (a retry after a crash adds neither
    again)."""
    state = services.state
    state.start_run(step.step_id, effect.fingerprint, stamp, effect.fingerprint)
    run = state.run_for(step.step_id)
    since = run.started if run is not None else stamp
    logged = any(o.kind == KIND and o.at >= since for o in state.outcomes(step.step_id))
    if not logged:
        first_line = step.notes.strip().splitlines()[0] if step.notes.strip() else "done"
        state.record_outcome(
            Outcome(
                step.step_id,
                step.owner,
                "manual",
                KIND,
                "done",
                f"{step.owner} ticked Run: {first_line}",
                "",
                stamp,
            )
        )
    state.finish_run(step.step_id, effect.fingerprint, effect.status, effect.result, stamp)
