"""The workbook seam: the local .xlsx backend and the Google Sheets backend."""

from __future__ import annotations

from bot.abc import Workbook
from bot.config import Config
from bot.templates import WorkbookTemplate


def open_workbook(config: Config, template: WorkbookTemplate) -> Workbook:
    """The workbook backend the config names."""
    if config.workbook_backend == "gsheets":
        from bot.workbook.gsheets import GSheetsWorkbook, open_api

        api = open_api(config.spreadsheet_id, config.credentials, config.endpoint or None)
        return GSheetsWorkbook(api, template)
    from bot.workbook.xlsx import XlsxWorkbook

    return XlsxWorkbook(config.workbook_path, template, path_setting(config))


def path_setting(config: Config) -> str:
    """Where the workbook's path is set, for a message about it."""
    return f"[workbook] path in {config.source}" if config.source else "[workbook] path"
