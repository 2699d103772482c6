"""The services one district's bot works with: one implementation of each seam, and what the
cycle needs beside them. ``bot/wiring.py`` builds them from the configuration."""

from __future__ import annotations

from dataclasses import dataclass

from bot.abc import LMS, Clock, Notifier, StateStore, Workbook
from bot.actions.base import Registry
from bot.config import Config
from bot.core.approvals import Policy
from bot.templates import WorkbookTemplate


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
        self.notifier.close()
        self.state.close()
        self.lms.close()
