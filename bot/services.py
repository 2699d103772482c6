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
from bot.state.sqlite import SqliteState
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


def build_services(config: Config, notifier: Notifier | None = None) -> Services:
    template = load_template()
    return Services(
        config=config,
        template=template,
        workbook=open_workbook(config, template),
        lms=MockLMS(config.lms_path, Faults.from_config(config.lms_faults)),
        state=SqliteState(config.state_path),
        notifier=notifier or ConsoleNotifier(),
        clock=SystemClock(config.timezone),
        actions=registry(),
        policy=Policy.of(list(config.admins), config.two_person_rule),
    )
