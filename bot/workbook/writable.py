"""Can the bot write the workbook? Asked before a command acts, so that a workbook it could not
write back to stops the command before anything changes in the LMS or the roster.

A local workbook is saved to a new file in its folder, then renamed over the old one: the
folder must be writable, the file must not be marked read-only (no write permission for
anyone counts as read-only for everyone, root included), and no office program may have it
open: LibreOffice leaves ``.~lock.<name>#`` beside it, Excel ``~$<name>``, and a save there
would later overwrite what the bot wrote. A Google Sheet needs nothing here: a write it refuses
(403) is reported with what to do.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.config import Config
from bot.errors import WorkbookError

WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def check_writable(config: Config) -> None:
    """Raise WorkbookError naming the file and what to do when it cannot be written."""
    if config.workbook_backend == "xlsx":
        check_local(Path(config.workbook_path))


def check_local(path: Path) -> None:
    if not path.exists():
        return
    lock = office_lock(path)
    if lock:
        raise WorkbookError(
            f"the workbook {path} is open in {lock}, which would overwrite what the bot writes "
            "when it saves. Close it there, then run this again (if no one has it open, the "
            "lock file was left by a program that crashed: delete it)"
        )
    folder = path.parent
    if not _writable(path):
        raise WorkbookError(
            f"the workbook {path} is read-only: the bot could not write results back to it. "
            f"Make it writable (e.g. chmod u+w {path}), then run this again"
        )
    if not _writable(folder):
        raise WorkbookError(
            f"the workbook {path} cannot be saved: its folder {folder} is not writable (the bot "
            "saves to a new file in that folder and renames it over the workbook). Make the "
            "folder writable, then run this again"
        )


def _writable(path: Path) -> bool:
    mode = path.stat().st_mode
    if not mode & WRITE_BITS:
        return False
    wanted = os.W_OK | (os.X_OK if stat.S_ISDIR(mode) else 0)
    return os.access(path, wanted)


def office_lock(path: Path) -> str:
    """Who holds the workbook open in an office program, as its lock file says; empty if no
    lock file is there."""
    libre = path.with_name(f".~lock.{path.name}#")
    if libre.is_file():
        return f"LibreOffice ({libre.name}{_libre_owner(libre)})"
    excel = path.with_name(f"~${path.name}")
    if excel.is_file():
        return f"Excel ({excel.name}{_excel_owner(excel)})"
    return ""


def _libre_owner(lock: Path) -> str:
    """``, by Jane Doe (jdoe on ws-3) since 22.11.2026 10:02`` from LibreOffice's lock file:
    ``name,system user,host,time,profile;`` with ``,`` and ``;`` escaped by ``\\``."""
    try:
        text = lock.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    fields: list[str] = []
    current = ""
    escaped = False
    for char in text:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ",;":
            fields.append(current.strip())
            current = ""
            if char == ";":
                break
        else:
            current += char
    name, user, host, when = [*fields, "", "", "", ""][:4]
    who = " ".join(part for part in (name, f"({user})" if user and user != name else "") if part)
    parts = (("by", who), ("on", host), ("since", when))
    said = " ".join(f"{word} {value}" for word, value in parts if value)
    return f", {said}" if said else ""


def _excel_owner(lock: Path) -> str:
    """``, by Jane Doe`` from Excel's owner file: a length byte, then the user's name."""
    try:
        data = lock.read_bytes()
    except OSError:
        return ""
    size = data[0] if data else 0
    name = data[1 : 1 + size].decode("latin-1").strip() if 0 < size < len(data) else ""
    return f", by {name}" if name.isprintable() and name else ""
