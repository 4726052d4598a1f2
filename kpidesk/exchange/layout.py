"""What a workbook's cell values alone do not say: hidden columns and merged cells.

python-calamine gives values (and merged ranges for .xlsx/.xls); hidden columns are read from the
file's own structure — the ``<cols>`` part of an .xlsx sheet, the column records of an .xls, the
column styles of an .ods — without loading the whole workbook into a slower library.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

#: A merged range as 0-based inclusive (first_row, first_col, last_row, last_col).
Merge = tuple[int, int, int, int]


@dataclass
class SheetLayout:
    hidden_columns: set[int] = field(default_factory=set)  # 0-based column indexes
    merges: list[Merge] = field(default_factory=list)


_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_COL_RE = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_ATTR_RE = re.compile(rb'(\w+)="([^"]*)"')


def xlsx_hidden_columns(path: Path) -> dict[str, set[int]]:
    """Sheet name → hidden column indexes of an .xlsx workbook."""
    result: dict[str, set[int]] = {}
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
        names = set(archive.namelist())
        for sheet in workbook.iter():
            if not sheet.tag.endswith("}sheet"):
                continue
            target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if member not in names:
                continue
            result[sheet.get("name", "")] = _hidden_in_sheet_xml(archive, member)
    return result


def _hidden_in_sheet_xml(archive: zipfile.ZipFile, member: str) -> set[int]:
    head = b""
    with archive.open(member) as stream:
        while b"sheetData" not in head and len(head) < 4_000_000:
            chunk = stream.read(65536)
            if not chunk:
                break
            head += chunk
    head = head.split(b"sheetData", 1)[0]
    hidden: set[int] = set()
    for match in _COL_RE.finditer(head):
        attrs = {k.decode(): v.decode() for k, v in _ATTR_RE.findall(match.group(1))}
        if attrs.get("hidden") in ("1", "true"):
            first, last = int(attrs.get("min", "1")), int(attrs.get("max", attrs.get("min", "1")))
            hidden.update(range(first - 1, min(last, first + 16384)))
    return hidden


def xls_hidden_columns(path: Path) -> dict[str, set[int]]:
    """Sheet name → hidden column indexes of a legacy .xls workbook."""
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        result = {}
        for index, name in enumerate(book.sheet_names()):
            sheet = book.sheet_by_index(index)
            result[name] = {col for col, info in sheet.colinfo_map.items() if info.hidden}
        return result
    finally:
        book.release_resources()


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def ods_layouts(path: Path) -> dict[str, SheetLayout]:
    """Sheet name → hidden columns and merged ranges of an .ods workbook."""
    layouts: dict[str, SheetLayout] = {}
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        current: SheetLayout | None = None
        column = row = 0
        depth_row = False
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_ODS_TABLE}table":
                    current = layouts.setdefault(element.get(f"{_ODS_TABLE}name", ""), SheetLayout())
                    column = row = 0
                elif current is not None and tag == f"{_ODS_TABLE}table-column":
                    repeat = min(int(element.get(f"{_ODS_TABLE}number-columns-repeated", "1")), 16384)
                    if element.get(f"{_ODS_TABLE}visibility") in ("collapse", "filter"):
                        current.hidden_columns.update(range(column, column + repeat))
                    column += repeat
                elif current is not None and tag == f"{_ODS_TABLE}table-row":
                    depth_row, column = True, 0
                elif depth_row and current is not None and tag in (
                    f"{_ODS_TABLE}table-cell",
                    f"{_ODS_TABLE}covered-table-cell",
                ):
                    cols = int(element.get(f"{_ODS_TABLE}number-columns-spanned", "1"))
                    rows = int(element.get(f"{_ODS_TABLE}number-rows-spanned", "1"))
                    if cols > 1 or rows > 1:
                        current.merges.append((row, column, row + rows - 1, column + cols - 1))
                    column += min(int(element.get(f"{_ODS_TABLE}number-columns-repeated", "1")), 16384)
            else:
                if tag == f"{_ODS_TABLE}table-row" and current is not None:
                    row += min(int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1")), 1_048_576)
                    depth_row = False
                    element.clear()
                elif tag == f"{_ODS_TABLE}table":
                    current = None
    return layouts
