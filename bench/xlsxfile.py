"""A fast .xlsx writer for large synthetic districts (openpyxl needs minutes at 100,000
students). The file is what Excel writes: shared strings, booleans for checkboxes, one
worksheet per template tab, header first. openpyxl (and so the bot) reads it as usual."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from bot.templates import Tab, WorkbookTemplate

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>{sheets}</Types>'
)
SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
    '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
    '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


class _Strings:
    """The shared-string table: each distinct text once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def ref(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' for t in self.index)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{MAIN}" count="{len(self.index)}" uniqueCount="{len(self.index)}">'
            f"{items}</sst>"
        )


def _sheet_xml(tab: Tab, rows: Iterable[dict[str, str]], strings: _Strings) -> str:
    letters = _column_letters(len(tab.columns))
    checkbox = [c.type == "checkbox" for c in tab.columns]
    names = list(tab.headers)
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}"><sheetData>'
    ]
    header = "".join(
        f'<c r="{letter}1" t="s"><v>{strings.ref(name)}</v></c>'
        for letter, name in zip(letters, names, strict=True)
    )
    parts.append(f'<row r="1">{header}</row>')
    ref = strings.ref
    for number, record in enumerate(rows, start=2):
        cells = []
        for letter, name, is_box in zip(letters, names, checkbox, strict=True):
            value = record.get(name, "")
            if is_box:
                flag = "1" if str(value).strip().upper() == "TRUE" else "0"
                cells.append(f'<c r="{letter}{number}" t="b"><v>{flag}</v></c>')
            elif value:
                cells.append(f'<c r="{letter}{number}" t="s"><v>{ref(value)}</v></c>')
        parts.append(f'<row r="{number}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def write_xlsx(
    path: Path, template: WorkbookTemplate, tabs: dict[str, list[dict[str, str]]]
) -> None:
    """Write every template tab (header, then ``tabs[name]`` rows) to ``path``."""
    strings = _Strings()
    sheets = [_sheet_xml(tab, tabs.get(tab.name, []), strings) for tab in template.tabs]
    entries = "".join(
        f'<sheet name="{escape(tab.name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, tab in enumerate(template.tabs, start=1)
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>'
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    count = len(sheets)
    rels += (
        f'<Relationship Id="rId{count + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{count + 2}" Type="{REL}/sharedStrings" '
        'Target="sharedStrings.xml"/>'
    )
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        types = "".join(SHEET_TYPE.format(n=n) for n in range(1, count + 1))
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets=types))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{package}">{rels}</Relationships>',
        )
        archive.writestr("xl/styles.xml", STYLES)
        for n, xml in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", xml)
        archive.writestr("xl/sharedStrings.xml", strings.xml())
