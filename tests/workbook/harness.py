"""Both workbook backends behind one harness, with what staff do to a sheet by hand."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import gspread
from google.auth.credentials import AnonymousCredentials
from gspread.utils import ValueInputOption, ValueRenderOption
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook as XlWorkbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.abc import Workbook
from bot.templates import WorkbookTemplate
from bot.testing.fake_sheets import FakeSheetsServer
from bot.workbook.google_http import authorized_session
from bot.workbook.gsheets import GSheetsWorkbook, open_api
from bot.workbook.sheets_api import Backoff
from bot.workbook.sheets_sync import push
from bot.workbook.xlsx import XlsxWorkbook
from bot.workbook.xlsx_layout import create_workbook


class Harness(ABC):
    workbook: Workbook

    @abstractmethod
    def row_of(self, tab: str, key: str) -> int: ...

    @abstractmethod
    def set_cell(self, tab: str, row: int, column: str, value: str) -> None: ...

    @abstractmethod
    def insert_blank_row(self, tab: str, row: int) -> None: ...

    @abstractmethod
    def delete_row(self, tab: str, row: int) -> None: ...

    @abstractmethod
    def move_row(self, tab: str, row: int, to: int) -> None:
        """Cut a row and insert it before row ``to`` (as staff do when sorting by hand)."""

    @abstractmethod
    def delete_column(self, tab: str, column: str) -> None:
        """Remove the column headed ``column`` (a sheet made before it existed)."""

    @abstractmethod
    def rename_tab(self, tab: str, title: str) -> None: ...

    @abstractmethod
    def delete_tab(self, tab: str) -> None: ...

    @abstractmethod
    def values(self, tab: str) -> list[list[str]]:
        """Every row of the tab titled ``tab`` as text, trailing blanks left out."""


class XlsxHarness(Harness):
    def __init__(
        self, path: Path, template: WorkbookTemplate, tabs: dict[str, list[dict[str, str]]]
    ) -> None:
        create_workbook(path, template, tabs)
        self.path = path
        self.workbook = XlsxWorkbook(path, template)

    def _edit(self, tab: str) -> tuple[XlWorkbook, Worksheet]:
        book = load_workbook(self.path)
        return book, book[tab]

    def row_of(self, tab: str, key: str) -> int:
        _, sheet = self._edit(tab)
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == key:
                return row[0].row
        raise KeyError(key)

    def set_cell(self, tab: str, row: int, column: str, value: str) -> None:
        book, sheet = self._edit(tab)
        headers = [c.value for c in sheet[1]]
        sheet.cell(row=row, column=headers.index(column) + 1).value = value
        book.save(self.path)

    def insert_blank_row(self, tab: str, row: int) -> None:
        book, sheet = self._edit(tab)
        sheet.insert_rows(row)
        book.save(self.path)

    def delete_row(self, tab: str, row: int) -> None:
        book, sheet = self._edit(tab)
        sheet.delete_rows(row)
        book.save(self.path)

    def move_row(self, tab: str, row: int, to: int) -> None:
        book, sheet = self._edit(tab)
        values = [c.value for c in sheet[row]]
        sheet.delete_rows(row)
        sheet.insert_rows(to)
        for column, value in enumerate(values, start=1):
            sheet.cell(row=to, column=column).value = value
        book.save(self.path)

    def delete_column(self, tab: str, column: str) -> None:
        book, sheet = self._edit(tab)
        headers = [c.value for c in sheet[1]]
        sheet.delete_cols(headers.index(column) + 1)
        book.save(self.path)

    def rename_tab(self, tab: str, title: str) -> None:
        book, sheet = self._edit(tab)
        sheet.title = title
        book.save(self.path)

    def delete_tab(self, tab: str) -> None:
        book, sheet = self._edit(tab)
        book.remove(sheet)
        book.save(self.path)

    def values(self, tab: str) -> list[list[str]]:
        _, sheet = self._edit(tab)
        return [
            [str(v) for v in row if v is not None]
            for row in sheet.iter_rows(values_only=True)
            if any(v is not None for v in row)
        ]


class SheetsHarness(Harness):
    def __init__(
        self,
        fake: FakeSheetsServer,
        path: Path,
        template: WorkbookTemplate,
        tabs: dict[str, list[dict[str, str]]],
    ) -> None:
        create_workbook(path, template, tabs)
        spreadsheet_id = fake.create_spreadsheet("district")
        api = open_api(spreadsheet_id, "anonymous", fake.url)
        api.backoff = Backoff(sleep=lambda seconds: None)
        push(path, api, template)
        book = gspread.Client(
            auth=AnonymousCredentials(), session=authorized_session("anonymous", fake.url)
        ).open_by_key(spreadsheet_id)
        book.del_worksheet(book.worksheet("Sheet1"))
        self.book = book
        self.api = api
        self.fake = fake
        self.workbook = GSheetsWorkbook(api, template)

    def row_of(self, tab: str, key: str) -> int:
        cell = self.book.worksheet(tab).find(key, in_column=1)
        assert cell is not None
        return int(cell.row)

    def set_cell(self, tab: str, row: int, column: str, value: str) -> None:
        sheet = self.book.worksheet(tab)
        col = sheet.row_values(1).index(column) + 1
        sheet.update_cell(row, col, value)

    def insert_blank_row(self, tab: str, row: int) -> None:
        self.book.worksheet(tab).insert_row([], index=row)

    def delete_row(self, tab: str, row: int) -> None:
        self.book.worksheet(tab).delete_rows(row)

    def move_row(self, tab: str, row: int, to: int) -> None:
        sheet = self.book.worksheet(tab)
        values = sheet.row_values(row, value_render_option=ValueRenderOption.unformatted)
        sheet.delete_rows(row)
        sheet.insert_row(values, index=to, value_input_option=ValueInputOption.raw)

    def delete_column(self, tab: str, column: str) -> None:
        sheet = self.book.worksheet(tab)
        sheet.delete_columns(sheet.row_values(1).index(column) + 1)

    def rename_tab(self, tab: str, title: str) -> None:
        self.book.worksheet(tab).update_title(title)

    def delete_tab(self, tab: str) -> None:
        self.book.del_worksheet(self.book.worksheet(tab))

    def values(self, tab: str) -> list[list[str]]:
        rows = self.book.worksheet(tab).get_all_values()
        return [[v for v in row if v != ""] for row in rows if any(row)]
