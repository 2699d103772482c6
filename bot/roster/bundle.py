"""A roster bundle on disk: a folder or a .zip of CSV files, looked up by name.

File names match case-insensitively (``Student.csv`` is ``student.csv``). The format is told
by the files present: ``manifest.csv`` is OneRoster 1.1 / 1.2, ``roles.csv`` without a
manifest is SDS v2.1, ``student.csv`` / ``school.csv`` is SDS (v1). SDS v2.0 (a users.csv
with a role column, no roles.csv, no manifest) is refused as what it is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from bot.roster.errors import Findings, Problem, RosterError

ONEROSTER_11 = "oneroster-1.1"
ONEROSTER_12 = "oneroster-1.2"
SDS_V1 = "sds"
SDS_V21 = "sds-2.1"
LINE_BREAK = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class Bundle:
    source: str
    files: dict[str, bytes]
    names: dict[str, str]

    def has(self, name: str) -> bool:
        return name.casefold() in self.files

    def name(self, name: str) -> str:
        """The file's own spelling, for messages."""
        return self.names.get(name.casefold(), name)

    def raw(self, name: str) -> bytes:
        return self.files[name.casefold()]


def _collect(entries: list[tuple[str, bytes]], source: str) -> Bundle:
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for name, data in entries:
        base = name.rsplit("/", 1)[-1]
        if not base.casefold().endswith(".csv") or base.startswith("."):
            continue
        if base.casefold() in files:
            raise RosterError(f"{source}: two files named {base} (one bundle per folder)")
        files[base.casefold()] = data
        names[base.casefold()] = base
    if not files:
        raise RosterError(f"{source}: no CSV files found")
    return Bundle(source=source, files=files, names=names)


def open_bundle(path: Path) -> Bundle:
    """Read every ``*.csv`` of a folder (or of its single sub-folder) or of a .zip."""
    if not path.exists():
        raise RosterError(f"{path}: no such folder or file")
    if path.is_dir():
        folder = path
        subdirs = [p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")]
        if not list(path.glob("*.csv")) and len(subdirs) == 1:
            folder = subdirs[0]
        entries = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()]
        return _collect(entries, str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            entries = [
                (info.filename, archive.read(info))
                for info in archive.infolist()
                if not info.is_dir() and "__MACOSX" not in info.filename
            ]
    except (zipfile.BadZipFile, OSError) as exc:
        raise RosterError(f"{path}: not a folder or a readable .zip ({exc})") from exc
    return _collect(entries, str(path))


def _refuse(bundle: Bundle, file: str, column: str, message: str) -> NoReturn:
    raise RosterError(
        f"{bundle.source}: refused (the workbook was not changed)",
        [Problem(file, 1, column, message)],
    )


def detect_format(bundle: Bundle) -> str:
    """Which format the files present say this is (OneRoster's version from its manifest)."""
    if bundle.has("manifest.csv"):
        version = manifest_value(bundle, "oneroster.version")
        if version in ("1.1", "1.0"):
            return ONEROSTER_11
        if version == "1.2":
            return ONEROSTER_12
        _refuse(
            bundle,
            "manifest.csv",
            "value",
            f"oneroster.version is {version!r}; expected 1.1 or 1.2",
        )
    if bundle.has("roles.csv"):
        return SDS_V21
    if bundle.has("student.csv") or bundle.has("school.csv"):
        return SDS_V1
    if _looks_like_sds_v20(bundle):
        _refuse(
            bundle,
            "users.csv",
            "role",
            "this is an SDS v2.0 bundle (users.csv has a role column; there is no roles.csv "
            "and no manifest.csv), which is not supported. Supported: SDS v2.1 (with "
            "roles.csv), SDS (v1) CSV (Student.csv, Section.csv, ...) and OneRoster 1.1 / 1.2 "
            "(with manifest.csv); export the roster from School Data Sync as SDS v2.1 and retry",
        )
    if bundle.has("users.csv") or bundle.has("orgs.csv"):
        _refuse(
            bundle,
            "manifest.csv",
            "propertyName",
            "the required file manifest.csv is missing (OneRoster 1.1 and 1.2 bundles need it)",
        )
    raise RosterError(
        f"{bundle.source}: not a roster bundle: expected manifest.csv (OneRoster), roles.csv "
        "(SDS v2.1) or Student.csv (SDS)"
    )


def _looks_like_sds_v20(bundle: Bundle) -> bool:
    """SDS v2.0: OneRoster-like files with no manifest and no roles.csv; users.csv names each
    user's role itself and has no enabledUser (which every OneRoster users.csv has)."""
    if not bundle.has("users.csv"):
        return False
    text = bundle.raw("users.csv").decode("utf-8-sig", errors="replace")
    header = {h.strip() for h in next(csv.reader(io.StringIO(text, newline="")), [])}
    return "role" in header and "enabledUser" not in header


def decode(bundle: Bundle, name: str, findings: Findings) -> str | None:
    """The file as text (UTF-8, BOM tolerated), or None after naming where it is not UTF-8."""
    data = bundle.raw(name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            top = data.decode("utf-16", errors="replace").splitlines()[0]
            first = next(csv.reader(io.StringIO(top, newline="")), [""])[0].strip()
            findings.error(
                bundle.name(name),
                1,
                first,
                "the file is UTF-16 text, not UTF-8; save it as UTF-8 (CSV UTF-8) and retry",
            )
            return None
        breaks = list(LINE_BREAK.finditer(data, 0, exc.start))
        row = len(breaks) + 1
        line_start = breaks[-1].end() if breaks else 0
        prefix = data[line_start : exc.start].decode("utf-8", errors="replace")
        header_line = LINE_BREAK.split(data, 1)[0].decode("utf-8-sig", errors="replace")
        header = next(csv.reader(io.StringIO(header_line, newline="")), [])
        fields = next(csv.reader(io.StringIO(prefix, newline="")), [""])
        index = max(len(fields) - 1, 0)
        column = header[index].strip() if index < len(header) else f"field {index + 1}"
        bad = data[exc.start : exc.start + 1].hex()
        findings.error(
            bundle.name(name),
            row,
            column,
            f"not UTF-8 text (byte 0x{bad}); save the file as UTF-8 (CSV UTF-8) and retry",
        )
        return None


def manifest_value(bundle: Bundle, key: str) -> str:
    """One property of manifest.csv, read leniently (full checks come with the format)."""
    text = bundle.raw("manifest.csv").decode("utf-8-sig", errors="replace")
    for row in csv.reader(io.StringIO(text, newline="")):
        if len(row) >= 2 and row[0].strip() == key:
            return row[1].strip()
    return ""
