"""The services one district's bot works with, built from its configuration."""

from __future__ import annotations

from dataclasses import dataclass

from bot.abc import LMS, Clock, Notifier, StateStore, Workbook
from bot.actions import Registry, registry
from bot.clock import SystemClock
from bot.config import Config
from bot.core.approvals import Policy
from bot.lms.mock import MockLMS
from bot.lms.mock.faults import Faults
from bot.notify.console import ConsoleNotifier
from bot.state import open_state
from bot.templates import WorkbookTemplate, load_template
from bot.workbook.xlsx import XlsxWorkbook


@dataclass
class Services:
    config: Config
    template: WorkbookTemplate
    workbook: Workbook
    lms: LMS
    state: StateStore
    notifier: Notifier
    clock: Clock
    actions: Registry
    policy: Policy

    def close(self) -> None:
        closer = getattr(self.notifier, "close", None)
        if closer is not None:
            closer()
        self.state.close()
        close = getattr(self.lms, "close", None)
        if close is not None:
            close()


def open_workbook(config: Config, template: WorkbookTemplate) -> Workbook:
    """The workbook backend the config names."""
    if config.workbook_backend == "gsheets":
        from bot.workbook.gsheets import GSheetsWorkbook, open_api

        api = open_api(config.spreadsheet_id, config.credentials, config.endpoint or None)
        return GSheetsWorkbook(api, template)
    return XlsxWorkbook(config.workbook_path, template)


def open_notifier(config: Config, state: StateStore) -> Notifier:
    """The console (``[slack] mode = "console"``), else Slack with SLACK_BOT_TOKEN."""
    if config.slack.mode == "console":
        return ConsoleNotifier()
    from bot.notify.outbox import Outbox
    from bot.notify.slack import SlackNotifier
    from bot.slack.client import make_client
    from bot.slack.env import secrets_for

    secrets = secrets_for(config.slack.mode, listening=False)
    client = make_client(secrets.bot_token, config.slack.endpoint)
    return SlackNotifier(client, Outbox(state), config.slack.channel, state)


def build_services(config: Config, notifier: Notifier | None = None) -> Services:
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
        lms=MockLMS(config.lms_path, Faults.from_config(config.lms_faults), clock),
        state=state,
        notifier=chosen,
        clock=clock,
        actions=registry(),
        policy=Policy.of(list(config.admins), config.two_person_rule),
    )
