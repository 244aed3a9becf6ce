"""Reading Word (.docx) and Excel (.xlsx) files with a bounded amount of work.

A 3 KB .docx can hold 200,000 empty paragraphs, and a 5 KB .xlsx can declare a cell at XFD1048576
(17 billion cells for a reader that fills the gaps): read naively, each keeps a worker busy for
minutes. Every reader here takes a ``Budget`` (paragraphs, cells, seconds, and the size of any
part that must be loaded whole) and stops as soon as one runs out, recording which in
``budget.stopped``; the caller says so in what it shows. The grading aids
(``dip/modules/assignments/checks.py``) read through this module, and so should anything else
that looks inside an uploaded office file.

Word files are streamed with lxml (no entities, no network, no DTD); Excel files through
openpyxl's read-only mode, whose loader reads the shared strings whole, so their size is
checked first.
"""
import time
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from typing import Iterator

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT, STYLES = "word/document.xml", "word/styles.xml"
XLSX_WHOLE_PARTS = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml")
monotonic = time.monotonic  # a test moves time forward without sleeping


@dataclass(frozen=True)
class Limits:
    """How much work one reading may do."""

    paragraphs: int = 20_000
    cells: int = 200_000
    seconds: float = 5.0
    part_bytes: int = 10 * 1024 * 1024  # a part a library must load whole (shared strings)


@dataclass
class Budget:
    """Work done so far and, once a limit is reached, which one (``stopped``)."""

    limits: Limits = field(default_factory=Limits)
    paragraphs: int = 0
    cells: int = 0
    stopped: str | None = None  # "paragraphs", "cells", "seconds" or "size"
    started: float = field(default_factory=lambda: monotonic())

    def _over(self, what: str, count: int, limit: int) -> bool:
        if self.stopped:
            return True
        if count > limit:
            self.stopped = what
        elif monotonic() - self.started > self.limits.seconds:
            self.stopped = "seconds"
        return self.stopped is not None

    def paragraph(self) -> bool:
        """Count one paragraph; False once the reading must stop."""
        self.paragraphs += 1
        return not self._over("paragraphs", self.paragraphs, self.limits.paragraphs)

    def cell_row(self, width: int) -> bool:
        """Count a row of ``width`` cells; False once the reading must stop."""
        self.cells += width
        return not self._over("cells", self.cells, self.limits.cells)

    def part(self, size: int) -> bool:
        """Check the unpacked size of a part that must be read whole."""
        if size > self.limits.part_bytes:
            self.stopped = "size"
        return self.stopped is None

    def summary(self) -> dict:
        """What was read and why it stopped, for a result a page turns into a sentence."""
        return {"stopped": self.stopped, "paragraphs": min(self.paragraphs, self.limits.paragraphs),
                "cells": min(self.cells, self.limits.cells), "seconds": self.limits.seconds}


@dataclass
class Paragraph:
    """One paragraph of a Word document."""

    style: str  # the style's name as Word shows it ("Heading 1", "List Bullet"), or its id
    text: str
    numbered: bool  # in a bulleted or numbered list by direct formatting
    in_table: bool


@dataclass
class Table:
    """A top-level table of a Word document: rows of cell texts (a nested table's text is
    part of its cell's)."""

    rows: list[list[str]] = field(default_factory=list)


@dataclass
class WordDocument:
    """What a bounded reading of a .docx found; ``blocks`` holds the body in reading order,
    each a ``Paragraph`` outside tables or a ``Table``."""

    paragraphs: list[Paragraph]
    tables: int
    blocks: list = field(default_factory=list)


def _parser_args() -> dict:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _style_names(archive: zipfile.ZipFile, budget: Budget) -> dict[str, str]:
    if STYLES not in archive.namelist() or not budget.part(archive.getinfo(STYLES).file_size):
        return {}
    names = {}
    with archive.open(STYLES) as part:
        for _event, style in etree.iterparse(part, events=("end",), tag=f"{W}style",
                                             **_parser_args()):
            name = style.find(f"{W}name")
            if name is not None:
                names[style.get(f"{W}styleId")] = name.get(f"{W}val") or ""
            style.clear()
    return names


def read_docx(data: bytes, budget: Budget) -> WordDocument:
    """The paragraphs (body and table cells) and top-level tables of a .docx, read until the
    budget runs out; raises ``zipfile.BadZipFile``/``KeyError``/``etree.XMLSyntaxError`` for a
    file that is not Word."""
    found = WordDocument([], 0)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        styles = _style_names(archive, budget)
        default = next((n for i, n in styles.items() if n.lower() == "normal"), "Normal")
        cell_depth = table_depth = 0
        table, cell = None, []  # the top-level table being read, the texts of its open cell
        with archive.open(DOCUMENT) as part:
            for event, element in etree.iterparse(part, events=("start", "end"), **_parser_args()):
                tag = element.tag
                if tag == f"{W}tc":
                    cell_depth += 1 if event == "start" else -1
                    if event == "end" and table_depth == 1 and table is not None:
                        if table.rows:
                            table.rows[-1].append("\n".join(t for t in cell if t))
                        cell = []
                elif tag == f"{W}tr" and event == "start" and table_depth == 1 and table:
                    table.rows.append([])
                elif tag == f"{W}tbl":
                    table_depth += 1 if event == "start" else -1
                    if event == "start" and table_depth == 1:
                        table, cell = Table(), []
                    if event == "end" and table_depth == 0:
                        found.tables += 1
                        found.blocks.append(table)
                        table = None
                elif tag == f"{W}p" and event == "end":
                    if not budget.paragraph():
                        break
                    properties = element.find(f"{W}pPr")
                    style_id = numbered = None
                    if properties is not None:
                        style = properties.find(f"{W}pStyle")
                        style_id = style.get(f"{W}val") if style is not None else None
                        numbered = properties.find(f"{W}numPr") is not None
                    text = "".join(t.text or "" for t in element.iter(f"{W}t"))
                    name = styles.get(style_id, style_id) if style_id else default
                    paragraph = Paragraph(name or "", text, bool(numbered), cell_depth > 0)
                    found.paragraphs.append(paragraph)
                    if cell_depth > 0:
                        cell.append(text)
                    else:
                        found.blocks.append(paragraph)
                if event == "end" and tag in (f"{W}p", f"{W}tbl"):
                    element.clear()  # keep memory flat however long the file is
    return found


def xlsx_rows(data: bytes, budget: Budget, data_only: bool = False,
              first_sheet_only: bool = False) -> Iterator[tuple[str, tuple]]:
    """``(sheet title, row of cells)`` of a workbook in read-only mode, until the budget runs
    out; with ``data_only`` the cells hold the values Excel last computed, not formulas."""
    import openpyxl

    with zipfile.ZipFile(BytesIO(data)) as archive:
        sizes = {i.filename: i.file_size for i in archive.infolist()}
    if not all(budget.part(sizes.get(name, 0)) for name in XLSX_WHOLE_PARTS):
        return
    book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=data_only)
    try:
        sheets = book.worksheets[:1] if first_sheet_only else book.worksheets
        for sheet in sheets:
            for row in sheet.iter_rows():
                if not budget.cell_row(len(row)):
                    return
                yield sheet.title, row
    finally:
        book.close()


@dataclass
class Sheet:
    """The top-left corner of a worksheet as a table: each cell ``(value, formula)`` (the value
    Excel last computed, and the formula that computes it, if any); ``more_rows`` and
    ``more_columns`` say the sheet goes on past what was kept."""

    title: str
    rows: list[list[tuple]] = field(default_factory=list)
    more_rows: bool = False
    more_columns: bool = False


def xlsx_sheets(data: bytes, budget: Budget, sheets: int = 2, rows: int = 100,
                columns: int = 26) -> tuple[list[Sheet], bool]:
    """``(sheets, more sheets follow)``: the first ``sheets`` worksheets that hold something,
    at most ``rows`` × ``columns`` cells each, read twice in step (the formulas, and the values
    Excel last computed), until the budget runs out. Empty rows and columns at the ends are
    left out."""
    found: list[Sheet] = []
    more_sheets = False
    formulas = xlsx_rows(data, budget)
    values = xlsx_rows(data, Budget(budget.limits), data_only=True)
    for (title, row), (_title, shown) in zip(formulas, values):
        if not found or found[-1].title != title:
            if len(found) == sheets:
                more_sheets = True
                break
            found.append(Sheet(title))
        sheet = found[-1]
        if len(sheet.rows) == rows:
            sheet.more_rows = sheet.more_rows or any(c.value is not None for c in row)
            if sheet.more_rows and len(found) == sheets:
                break  # nothing more will be shown: stop reading
            continue
        cells = []
        for cell, computed in zip(row[:columns], shown[:columns]):
            formula = cell.value if isinstance(cell.value, str) and cell.value.startswith("=") \
                else None
            cells.append((computed.value if formula else cell.value, formula))
        sheet.more_columns = sheet.more_columns or any(c.value is not None for c in row[columns:])
        sheet.rows.append(cells)
    formulas.close()
    values.close()
    for sheet in found:
        while sheet.rows and all(v is None and f is None for v, f in sheet.rows[-1]):
            sheet.rows.pop()
        width = max((i + 1 for r in sheet.rows for i, (v, f) in enumerate(r)
                     if v is not None or f is not None), default=0)
        sheet.rows = [r[:width] + [(None, None)] * (width - len(r[:width])) for r in sheet.rows]
    return found, more_sheets
