"""`show-message STEP`: the message a step carries (``message=NAME`` in its Parameters),
filled in for the district, ready to copy into an email."""

from __future__ import annotations

import argparse

from bot.commands.common import chosen_config, config_option
from bot.config import Config
from bot.core.checklist import CHECKLIST, parse_checklist, step_key
from bot.core.params import parse_parameters
from bot.cycle.district import DistrictDays
from bot.cycle.manual import message_for
from bot.districts.messages import message_templates
from bot.errors import RolloverError, WorkbookError
from bot.wiring import build_services
from bot.workbook.tab_frames import TabFrames


def show_message(config: Config, step_id: str) -> str:
    services = build_services(config)
    try:
        snapshot = services.workbook.read([CHECKLIST])
        if CHECKLIST not in snapshot.frames:
            raise WorkbookError("the workbook has no Checklist tab (run `rollover-bot init`)")
        steps, _ = parse_checklist(snapshot.frames[CHECKLIST])
        wanted = step_key(step_id)
        step = next((s for s in steps if s.step_id == wanted), None)
        if step is None:
            raise RolloverError(f"no step {wanted} in the Checklist")
        name = parse_parameters(step.parameters)[0].get("message", "").strip()
        known = ", ".join(sorted(message_templates()))
        if not name:
            raise RolloverError(
                f"{wanted} carries no message: add message=NAME to its Parameters ({known})"
            )
        if name not in message_templates():
            raise RolloverError(f"{wanted}: no message template {name!r} (known: {known})")
        today = services.clock.now().date()
        days = DistrictDays(config, TabFrames(services.workbook, snapshot.frames), today)
        return message_for(step, days, config.district)
    finally:
        services.close()


def _show(args: argparse.Namespace) -> int:
    print(show_message(chosen_config(args), args.step))
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    show = commands.add_parser(
        "show-message",
        help="print the message a step carries (message=NAME), filled in",
        description="Print the message template a step names in its Parameters "
        "(message=NAME, from sheets_templates/messages/), filled in with the district, the "
        "rollover date, the step's owner and its Parameters; [name] marks what is left to "
        "fill in. People's steps show the same text in their Plan column.",
    )
    show.add_argument("step", metavar="STEP", help="Step ID, e.g. S-004")
    config_option(show)
    show.set_defaults(handler=_show)
