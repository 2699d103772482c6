"""The top of the wiring: one district's services, each opened by its own package
(``open_state``, ``open_workbook``, ``open_lms``, ``open_notifier``)."""

from __future__ import annotations

from bot.abc import Notifier
from bot.actions import registry
from bot.clock import SystemClock
from bot.config import Config
from bot.core.approvals import Policy
from bot.lms import open_lms
from bot.notify import open_notifier
from bot.services import Services
from bot.state import open_state
from bot.templates import load_template
from bot.workbook import open_workbook


def build_services(config: Config, notifier: Notifier | None = None) -> Services:
    """The district's services; ``notifier`` replaces the one ``[slack]`` names."""
    template = load_template()
    state = open_state(config)
    try:
        chosen = notifier or open_notifier(config, state)
    except BaseException:
        state.close()
        raise
    clock = SystemClock(config.timezone)
    return Services(
        config=config,
        template=template,
        workbook=open_workbook(config, template),
        lms=open_lms(config, clock),
        state=state,
        notifier=chosen,
        clock=clock,
        actions=registry(),
        policy=Policy.of(list(config.admins), config.two_person_rule),
    )
