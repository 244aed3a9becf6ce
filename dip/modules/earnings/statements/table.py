"""Reading a statement's table: XLSX or delimited text in any encoding and separator.

* XLSX (recognised by its zip signature, not its name) through openpyxl in read-only,
  values-only mode; line numbers are the spreadsheet's row numbers.
* Anything else as delimited text, decoded and split by :mod:`dip.core.csvio` (shared with
  the learner import): UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode
  text"), otherwise Windows-1252; comma, semicolon or tab (an Excel ``sep=;`` first line is
  honoured). Line numbers are the physical line on which a record starts, as a text editor
  shows it, even when quoted fields hold line breaks.
"""
from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from dip.core import csvio

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000  # far above the 50,000-row statements we must accept; bounds memory
MAX_UNZIPPED = 200 * 1024 * 1024  # an XLSX is a zip: refuse zip bombs before openpyxl sees it
MAX_CELL = 1_000_000  # characters in one CSV field; longer is not a statement


class StatementError(Exception):
    """A problem with the whole file; ``str()`` gives the message in the current language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def too_big(size: int) -> StatementError:
    megabytes = "%.1f" % (size / (1024 * 1024))
    return StatementError(_l(
        "The file is %(size)s MB; the largest statement accepted is %(limit)s MB. "
        "Export a shorter period and import each part.",
        size=megabytes, limit=MAX_BYTES // (1024 * 1024)))


def _unreadable_spreadsheet() -> StatementError:
    return StatementError(_l(
        "This spreadsheet cannot be opened. Save it again as .xlsx or as CSV and upload that."))


def read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Return the header row and ``(line, cells)`` for every non-blank record after it.

    ``line`` is what a spreadsheet or text editor shows for the record's first line. Cells are
    strings with surrounding spaces removed. Raises :class:`StatementError` for an empty,
    oversized or unreadable file.
    """
    found = records(data, filename)
    header, rows = split_header(found)
    for record in found:
        rows.append(record)
        if len(rows) > MAX_ROWS:
            raise StatementError(_l(
                "The file has more than %(limit)s rows. Export a shorter period and import "
                "each part.", limit=MAX_ROWS))
    return header, rows


def split_header(records: Iterator[tuple[int, list[str]]]) -> tuple[list[str], list]:
    """Take the header row, passing over title lines of one cell above it.

    Returns the header and the records already read after it (none, usually).
    """
    leading = []
    for line, cells in records:
        leading.append((line, cells))
        if sum(1 for cell in cells if cell) >= 2 or len(leading) > 10:
            break
    if not leading:
        raise StatementError(_l("The file is empty."))
    for position, (_line, cells) in enumerate(leading):
        if sum(1 for cell in cells if cell) >= 2:
            return cells, leading[position + 1:]
    return leading[0][1], leading[1:]  # one column throughout: the first line is the header


def records(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for every non-blank record, header included."""
    if len(data) > MAX_BYTES:
        raise too_big(len(data))
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_records(data)
    if data.startswith(_OLE_MAGIC):
        raise StatementError(_l(
            "Old Excel files (.xls) cannot be read. Open it and save it as .xlsx or CSV."))
    if data.lstrip()[:5] == b"%PDF-":
        raise StatementError(_l(
            "This is a PDF. Download the statement as CSV (or XLSX) and upload that."))
    if name.endswith((".xlsx", ".xlsm")):
        raise _unreadable_spreadsheet()
    return _text_records(data)


def _text_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = csvio.decode(data, lenient=True)
    # A UTF-8 BOM survives as mojibake when the rest of the file is Windows-1252.
    for bom in ("\ufeff", "ï»¿"):
        if text.startswith(bom):
            text = text[len(bom):]
    if not text.strip():
        raise StatementError(_l("The file is empty."))
    if "\x00" in text:
        raise StatementError(_l(
            "This file is not a CSV file or a spreadsheet. Upload the statement as CSV or XLSX."))
    if text.lstrip()[:1] == "<":
        raise StatementError(_l(
            "This file is a web page, not a CSV file. Download the statement as CSV and upload "
            "that."))
    delimiter, text, offset = csvio.separator(text)
    return _csv_records(text, delimiter, offset)


def _csv_records(text: str, delimiter: str, offset: int) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise StatementError(_l(
                "The file cannot be read as CSV near line %(line)s (a quote is probably not "
                "closed).", line=previous + 1 + offset)) from None
        start = previous + 1 + offset  # the record's first physical line
        previous = reader.line_num
        if cells and max(map(len, cells)) > MAX_CELL:  # map, not a generator: once per record
            raise StatementError(_l(
                "Line %(line)s holds far more text than a statement can; this is not a "
                "statement file.", line=start))
        stripped = [cell.strip() for cell in cells]
        if any(stripped):
            yield start, stripped


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_UNZIPPED:
            raise StatementError(_l(
                "This spreadsheet is too large once unpacked. Export a shorter period."))
        names = {member.filename for member in members}
        if "mimetype" in names and "xl/workbook.xml" not in names:
            raise StatementError(_l(
                "OpenDocument spreadsheets (.ods) cannot be read. Save it as .xlsx or CSV."))
        import openpyxl  # imported here: only spreadsheet uploads pay for it

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except StatementError:
        raise
    except Exception:  # a broken zip or workbook can raise almost anything
        raise _unreadable_spreadsheet() from None
    return _sheet_records(workbook)


def _sheet_records(workbook) -> Iterator[tuple[int, list[str]]]:
    try:
        if not workbook.worksheets:
            raise _unreadable_spreadsheet()
        sheet = workbook.worksheets[0]  # statements have one sheet; the first is the data
        sheet.reset_dimensions()  # some exporters write wrong dimensions; read every row
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if any(cells):
                yield line, cells
    except StatementError:
        raise
    except Exception:
        raise _unreadable_spreadsheet() from None
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A spreadsheet value as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        # Binary floats: 0.1 + 0.2 must read as 0.3, so round to ten places.
        text = f"{value:.10f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()



def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).replace("\ufeff", "").split()).casefold()


def header_signature(header) -> str:
    """A stable fingerprint of a header row (case, spaces and trailing blanks ignored).

    Used to remember a user's column mapping for the next file with the same columns.
    """
    cells = ["".join(norm(str(cell or "")).split()) for cell in header]
    while cells and not cells[-1]:
        cells.pop()
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()


def columns(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        index.setdefault(norm(str(cell or "")), position)
    return index
