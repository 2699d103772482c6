"""The demo's "Next, try" hints: commands that work on the steps as its first cycle left
them, whatever playbook it was built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.actions import registry
from bot.config import load_config
from bot.core.catalogue import MANUAL
from bot.core.status import Status, StepView, status_of
from bot.cycle import CycleReport
from bot.districts.demo import ADMIN, COORDINATOR
from bot.templates import load_template, normalize_header
from bot.workbook.xlsx import XlsxWorkbook

ADMINS = frozenset({ADMIN.casefold(), COORDINATOR.casefold()})


@dataclass(frozen=True)
class DemoStep:
    """What the hints need of a Checklist row."""

    owner: str
    system: str
    action: str

    @property
    def manual(self) -> bool:
        return normalize_header(self.action) == MANUAL

    @property
    def asks_approval(self) -> bool:
        spec = registry().catalogue.get(self.system, self.action)
        return spec is not None and spec.destructive and not self.manual


def demo_steps(config_path: Path) -> dict[str, DemoStep]:
    """Each step of the demo's Checklist, by Step ID."""
    config = load_config(str(config_path))
    frame = (
        XlsxWorkbook(config.workbook_path, load_template()).read(["Checklist"]).frames["Checklist"]
    )
    return {
        str(row["Step ID"]).strip(): DemoStep(
            str(row["Owner"]).strip(), str(row["System"]).strip(), str(row["Action"]).strip()
        )
        for row in frame.to_dict("records")
    }


def next_steps(directory: Path, report: CycleReport, steps: Mapping[str, DemoStep]) -> str:
    """What to try next in this demo: an Invalid step to look at, a person's step, a step
    Scheduled for its date, an approval refused to its owner, then given, and the step that
    waited on it (only one that will ask for approval: never a person's step)."""
    config = f"--config {directory / 'config.toml'}"
    lines = [
        f"Open {directory}/rollover.xlsx to see the Checklist, the roster tabs and the Log.",
        "Next, try:",
        f"  rollover-bot status {config}",
    ]
    views = sorted(report.views.items())
    show = [
        (sid, why)
        for sid, why in (
            _first(views, Status.INVALID, "why it is Invalid"),
            _people(views, steps),
            _scheduled(views),
        )
        if sid
    ]
    lines += [f"  rollover-bot show {sid} {config}      ({why})" for sid, why in show]
    awaiting = [sid for sid, v in views if _awaits_approval(v)]
    if not awaiting:
        lines.append(f"  rollover-bot run --once {config}")
    else:
        followers = {sid: _followers(sid, views, steps) for sid in awaiting}

        def owner(sid: str) -> str:
            return steps[sid].owner if sid in steps else ""

        step = max(awaiting, key=lambda s: (bool(followers[s]), owner(s).casefold() in ADMINS))
        if owner(step).casefold() in ADMINS:
            lines.append(
                f"  rollover-bot approve {step} --as {owner(step)} {config}  "
                "(refused: owns the step)"
            )
        lines.append(f"  rollover-bot approve {step} --as {ADMIN} {config}")
        lines.append(f"  rollover-bot run --once {config}")
        if followers[step]:
            lines.append(
                f"  rollover-bot approve {followers[step][0]} --as {ADMIN} {config}  (it waited "
                f"on {step}; if it asks for approval)"
            )
            lines.append(
                f"  rollover-bot run --once {config}      (runs it once; run again, nothing twice)"
            )
    lines.append(f"  rollover-bot serve {config}           (the bot as a service; Ctrl-C stops)")
    return "\n" + "\n".join(lines) + "\n"


def _first(views: list[tuple[str, StepView]], status: Status, why: str) -> tuple[str, str]:
    """The first step in ``status``, and ``why`` to look at it (blank when none is)."""
    found = next((sid for sid, v in views if status_of(v.status) is status), "")
    return (found, why) if found else ("", "")


def _people(views: list[tuple[str, StepView]], steps: Mapping[str, DemoStep]) -> tuple[str, str]:
    """A person's step to look at: one whose owner's tick the bot could not confirm, else one
    still to do."""
    unconfirmed = _first(views, Status.UNCONFIRMED, "why its owner's tick is Not confirmed")
    if unconfirmed[0]:
        return unconfirmed
    to_do = [
        sid
        for sid, v in views
        if sid in steps and steps[sid].manual and status_of(v.status) is not Status.DONE
    ]
    why = "a person's step, Action manual: its owner ticks Run to say it is done"
    return (to_do[0], why) if to_do else ("", "")


def _scheduled(views: list[tuple[str, StepView]]) -> tuple[str, str]:
    """A step ticked ahead of its Run-on date, and the day it runs."""
    for sid, view in views:
        if status_of(view.status) is Status.SCHEDULED:
            day = view.status.partition("runs on ")[2].split()[0]
            return sid, f"Scheduled: the first cycle on or after {day} runs it"
    return "", ""


def _awaits_approval(view: StepView) -> bool:
    """Awaiting approval, or Scheduled and awaiting approval ahead of its date."""
    status = status_of(view.status)
    return status is Status.AWAITING_APPROVAL or (
        status is Status.SCHEDULED and "awaiting approval" in view.status
    )


def _followers(
    step: str, views: list[tuple[str, StepView]], steps: Mapping[str, DemoStep]
) -> list[str]:
    """Steps waiting on ``step`` alone that will ask for approval once it is Done."""
    return [
        sid
        for sid, v in views
        if _waits_on(v.status) == [step] and sid in steps and steps[sid].asks_approval
    ]


def _waits_on(status: str) -> list[str]:
    """The steps a ``Waiting on S-001, S-002`` status names."""
    if status_of(status) is not Status.WAITING:
        return []
    _, _, names = status.partition(" on ")
    return [n.strip() for n in names.split(",") if n.strip()]
