"""How a local workbook looks: headers, bot columns marked, checkboxes, dropdowns, frozen rows."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl import Workbook as XlWorkbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.wording import count
from bot.errors import WorkbookError
from bot.progress import Progress, phase, worth_a_line
from bot.templates import Tab, WorkbookTemplate

STAFF_FILL = PatternFill("solid", fgColor="DDEBF7")
BOT_FILL = PatternFill("solid", fgColor="E7E6E6")
BOT_FONT = Font(bold=True, italic=True, color="595959")
STAFF_FONT = Font(bold=True)
MAX_VALIDATION_ROW = 200_000


def set_text(cell: Cell, value: str) -> None:
    """Store ``value`` as text: never a formula, never a number (``00123`` stays ``00123``)."""
    cell.value = value
    cell.data_type = "s"


def set_checkbox(cell: Cell, value: bool) -> None:
    cell.value = bool(value)


def _dropdown_choices(tab: Tab, column: str, actions: list[str]) -> list[str]:
    spec = tab.column(column)
    assert spec is not None
    return actions if spec.choices_from == "actions" else list(spec.choices)


def style_tab(sheet: Worksheet, tab: Tab, actions: Iterable[str] = ()) -> None:
    """Header row, marked bot columns, frozen header, checkbox and dropdown validation."""
    action_names = sorted(set(actions))
    for index, column in enumerate(tab.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        set_text(cell, column.name)
        cell.fill = BOT_FILL if column.is_bot else STAFF_FILL
        cell.font = BOT_FONT if column.is_bot else STAFF_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        note = "Written by the bot: do not edit." if column.is_bot else column.help
        if note:
            cell.comment = Comment(note, "Rollover Bot")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 14 if column.type != "text" else 28
        cells = f"{letter}2:{letter}{MAX_VALIDATION_ROW}"
        if column.type == "checkbox":
            check = DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True)
            check.error = "Tick or untick: TRUE or FALSE"
            check.add(cells)
            sheet.add_data_validation(check)
        elif column.type == "dropdown":
            choices = _dropdown_choices(tab, column.name, action_names)
            formula = '"' + ",".join(choices) + '"'
            if choices and len(formula) <= 255:
                drop = DataValidation(type="list", formula1=formula, allow_blank=True)
                drop.add(cells)
                sheet.add_data_validation(drop)
        if column.type in ("id", "text", "email"):
            for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                row[0].number_format = "@"
    sheet.freeze_panes = "A2"


def new_workbook(template: WorkbookTemplate, actions: Iterable[str] = ()) -> XlWorkbook:
    """An empty workbook with every tab of the template, styled."""
    book = XlWorkbook()
    first = book.active
    assert first is not None
    book.remove(first)
    action_names = list(actions)
    for tab in template.tabs:
        style_tab(book.create_sheet(tab.name), tab, action_names)
    return book


def fill_rows(sheet: Worksheet, tab: Tab, rows: Iterable[Mapping[str, object]]) -> int:
    """Append rows (by template column name): checkboxes as booleans, everything else text."""
    first = sheet.max_row + 1
    count = 0
    for count, record in enumerate(rows, start=0):
        for index, column in enumerate(tab.columns, start=1):
            value = record.get(column.name, "")
            cell = sheet.cell(row=first + count, column=index)
            if column.type == "checkbox":
                set_checkbox(cell, str(value).strip().upper() in ("TRUE", "YES", "1", "X"))
            elif value not in ("", None):
                set_text(cell, str(value))
        count += 1
    return count


def create_workbook(
    path: Path,
    template: WorkbookTemplate,
    tabs: dict[str, list[dict[str, str]]],
    actions: Iterable[str] = (),
) -> None:
    """Write a new local workbook from the template with the given rows per tab."""
    book = new_workbook(template, actions)
    total = sum(len(rows) for rows in tabs.values())
    with Progress(f"Filling {path.name}", total, "row") as filling:
        for name, rows in tabs.items():
            tab = template.require(name)
            fill_rows(book[tab.name], tab, filling.track(rows))
    with phase(f"Saving {path.name} ({count(total, 'row')})", worth_a_line(total, "row")):
        save_atomically(book, path)


def save_atomically(book: XlWorkbook, path: Path) -> None:
    """Write to a temporary file beside ``path`` and rename it over ``path``. The new file
    keeps the old one's mode (and group, where allowed): a group-shared 0664 workbook stays
    0664. A new workbook gets the usual mode for new files (0666 less the umask)."""
    mode, group = _kept_mode(path)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=path.parent)
    except OSError as exc:
        raise WorkbookError(f"cannot write the workbook {path}: {exc.strerror}") from exc
    os.close(handle)
    try:
        book.save(temp)
        Path(temp).chmod(mode)
        if group is not None:
            with contextlib.suppress(OSError):
                os.chown(temp, -1, group)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise WorkbookError(f"cannot write the workbook {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _kept_mode(path: Path) -> tuple[int, int | None]:
    """The permission bits (and group) a rewrite of ``path`` should keep."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return 0o666 & ~_umask(), None
    return stat.S_IMODE(info.st_mode), info.st_gid


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022
