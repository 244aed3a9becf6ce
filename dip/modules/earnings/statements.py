"""Reading earnings statements: Upwork exports, the platform's template, any CSV or XLSX.

This module is pure: bytes in, :class:`Parsed` out. No database, no request. The import job
decides what to store (natural keys make a second import of the same file add nothing).

How a file is read
    * XLSX (recognised by its zip signature, not its name) through openpyxl in read-only,
      values-only mode; line numbers are the spreadsheet's row numbers.
    * Anything else as delimited text: UTF-8 with or without a BOM, UTF-16 with a BOM
      (Excel's "Unicode text"), otherwise Windows-1252; comma, semicolon or tab, chosen by
      counting them on the header line (an Excel ``sep=;`` first line is honoured). Line
      numbers are the physical line on which a record starts, as a text editor shows it,
      even when quoted fields hold line breaks.

Formats
    ``upwork`` (current transaction history), ``upwork-legacy`` (older export), ``template``
    (our own CSV/XLSX template) are recognised from the header by column *names*, so extra
    or reordered columns do not matter. Anything else needs a column ``mapping``.

Rows
    Every data record ends up in exactly one of ``rows`` (an entry to add), ``skipped``
    (deliberately not income: withdrawals, taxes, processing fees, zero amounts, the
    template's example row) or ``rejected`` (something is wrong with it), each with its line
    number and a plain, translated reason. One bad row never sinks the file; only
    whole-file problems raise :class:`StatementError`.

Decisions worth knowing
    * A file with a header but no data rows raises ``StatementError`` (clearer than "0 rows").
    * Dates: ISO ``2027-03-03``, ``Mar 3, 2027``, ``3 March 2027``, ``03/03/2027``, Excel
      serial numbers. For slashed dates the day/month order is decided once per file from the
      values that are unambiguous (a 13 or more); Upwork files are month-first, and other
      files with no clue are day-first (as in Malawi, Kenya and Jordan).
    * A date more than one day after ``today`` is "in the future" (one day of slack because
      ``today`` is UTC while a statement may be in local time); before 2015-01-01 is rejected.
    * Amounts: ``1.234,56``, ``1,234.56``, ``$1,234.56``, ``(12.50)``, ``-12.50``, ``12.50-``,
      ``MWK 25,000``, ``1 234,56``. A lone separator followed by exactly three digits
      (``1,234`` / ``1.234``) is resolved by the file's other amounts, else ``,`` is read as
      a thousands separator and ``.`` as a decimal point.
    * Currency: the currency column, else a code written in the amount, else
      ``default_currency``; a lone ``$`` means USD only when nothing else says. Codes are
      ISO 4217 codes in legal use since 2015 (from the CLDR data shipped with Babel).
    * Natural key (at most 64 characters): ``<platform>:<transaction id>`` when the statement
      has one, else the SHA-256 of ``date|amount|currency|description`` normalised. A
      repeated identical record within one file gets its occurrence number mixed in, so two
      genuine identical payments on one day are two entries, and the same file imported
      twice gives the same keys.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from dip.core import csvio
from dip.core.money import CURRENCIES, MAX_AMOUNT
from dip.core.clock import today as utc_today
from dip.modules.earnings.models import KINDS, PLATFORMS

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000  # far above the 50,000-row statements we must accept; bounds memory
MAX_UNZIPPED = 200 * 1024 * 1024  # an XLSX is a zip: refuse zip bombs before openpyxl sees it
MAX_CELL = 1_000_000  # characters in one CSV field; longer is not a statement
EARLIEST = date(2015, 1, 1)
TEXT_LIMIT = 255  # description and client are cut to this many characters

FORMATS = ("upwork", "upwork-legacy", "template", "mapped")
MAPPING_FIELDS = ("date", "amount", "currency", "description", "client")
TEMPLATE_HEADER = ("date", "amount", "currency", "platform", "client", "kind", "description")
TEMPLATE_EXAMPLE_MARK = "EXAMPLE (delete this row)"
TEMPLATE_EXAMPLE = ("2026-01-15", "25.00", "USD", "upwork", "Example client", "translation",
                    TEMPLATE_EXAMPLE_MARK + ": French to English, 2,000 words")


# Symbols and local abbreviations people type in amount or currency cells. "$" alone is
# ambiguous (many dollars), so it only means USD when nothing else names the currency.
_SYMBOLS = {
    "US$": "USD", "USD$": "USD", "€": "EUR", "£": "GBP", "KSH": "KES", "KSHS": "KES",
    "MK": "MWK", "JD": "JOD", "₦": "NGN", "₹": "INR", "TSH": "TZS", "TSHS": "TZS",
    "USH": "UGX", "USHS": "UGX", "FRW": "RWF", "RWF": "RWF", "¥": "JPY",
}
_WEAK_DOLLAR = "$"


# ---------------------------------------------------------------------------------------
# Results

class StatementError(Exception):
    """A problem with the whole file; ``str()`` gives the message in the current language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(slots=True)
class Row:
    """One entry to add: an earning (positive) or a fee/refund (negative)."""

    line: int
    earned_on: date
    amount: Decimal
    currency: str
    platform: str
    client: str
    description: str
    kind: str | None
    external_id: str | None
    natural_key: str


@dataclass(slots=True)
class Rejected:
    """A record that could not be read, with the line number the user sees."""

    line: int
    reason: str


@dataclass(slots=True)
class Skipped:
    """A record read correctly but deliberately not recorded (not income)."""

    line: int
    reason: str


@dataclass(slots=True)
class Parsed:
    """What a statement holds: ``read`` records = rows + rejected + skipped."""

    format: str
    rows: list[Row] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    read: int = 0


class _RowProblem(Exception):
    """Raised inside row parsing; carries the reason and whether it is a skip."""

    def __init__(self, reason, skip: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.skip = skip


# ---------------------------------------------------------------------------------------
# Reading the table

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _too_big(size: int) -> StatementError:
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
    records = _records(data, filename)
    header, rows = _header(records)
    for record in records:
        rows.append(record)
        if len(rows) > MAX_ROWS:
            raise StatementError(_l(
                "The file has more than %(limit)s rows. Export a shorter period and import "
                "each part.", limit=MAX_ROWS))
    return header, rows


def _header(records: Iterator[tuple[int, list[str]]]) -> tuple[list[str], list]:
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


def _records(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for every non-blank record, header included."""
    if len(data) > MAX_BYTES:
        raise _too_big(len(data))
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
    offset = 0
    first, _, rest = text.partition("\n")
    match = re.fullmatch(r"\s*sep=([,;\t|])\s*", first)
    if match:  # Excel writes "sep=;" as a first line to name the separator
        delimiter, text, offset = match.group(1), rest, 1
    else:
        delimiter = csvio.sniff_delimiter(text)
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
        if any(len(cell) > MAX_CELL for cell in cells):
            raise StatementError(_l(
                "Line %(line)s holds far more text than a statement can; this is not a "
                "statement file.", line=start))
        if any(cell.strip() for cell in cells):
            yield start, [cell.strip() for cell in cells]


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


# ---------------------------------------------------------------------------------------
# Headers

def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).replace("\ufeff", "").split()).casefold()


def header_signature(header) -> str:
    """A stable fingerprint of a header row (case, spaces and trailing blanks ignored).

    Used to remember a user's column mapping for the next file with the same columns.
    """
    cells = ["".join(_norm(str(cell or "")).split()) for cell in header]
    while cells and not cells[-1]:
        cells.pop()
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()


_UPWORK_CURRENT = {"date", "transaction id", "transaction type"}
_UPWORK_LEGACY = {"date", "ref id", "type", "amount"}
_TEMPLATE = set(TEMPLATE_HEADER)


def detect(header: list[str]) -> str | None:
    """Name the format of a statement from its header row, or ``None`` when unknown."""
    names = {_norm(str(cell or "")) for cell in header}
    if _UPWORK_CURRENT <= names and names & {"amount $", "amount in local currency"}:
        return "upwork"
    if _UPWORK_LEGACY <= names and "transaction type" not in names:
        return "upwork-legacy"
    if _TEMPLATE <= names:
        return "template"
    return None


def _columns(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        index.setdefault(_norm(str(cell or "")), position)
    return index


# ---------------------------------------------------------------------------------------
# Amounts

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_AMOUNT = re.compile(
    r"(?P<s1>[-+])?(?P<c1>[^\d.,'+\-()]+)?(?P<s2>[-+])?"
    r"(?P<num>\d[\d.,']*|[.,]\d+)"
    r"(?P<s3>-)?(?P<c2>[^\d.,'+\-()]+)?(?P<s4>-)?")
# Minus signs and dashes as minus; Arabic-Indic digits and separators as ASCII (Jordan).
_NUMBER_CHARS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u066b": ".", "\u066c": ",",
                               **{chr(0x0660 + n): str(n) for n in range(10)},
                               **{chr(0x06F0 + n): str(n) for n in range(10)}})
_PLAIN = re.compile(r"-?\d{1,15}(?:\.\d{1,4})?")
_GROUPED = re.compile(r"\d{1,3}(?:X\d{3})+")
_FORMULA = re.compile(r"^=\s*[A-Za-z_(+\-\d]")
_SHEET_ERROR = re.compile(r"^#(?:DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!)$", re.I)


def currency_code(text: str) -> str | None:
    """Turn a currency cell (``usd``, ``US$``, ``KSh``, ``€``) into an ISO code, else ``None``."""
    token = _SPACES.sub("", text or "").upper()
    if token in CURRENCIES:
        return token
    return _SYMBOLS.get(token)


def parse_amount(text: str, decimal: str | None = None) -> tuple[Decimal, str | None]:
    """Read an amount as written in statements; return ``(amount, currency or None)``.

    ``decimal`` is the file's decimal separator when known (``","`` or ``"."``); it only
    matters for a lone separator followed by exactly three digits. The currency is an ISO
    code, ``"$"`` for a bare dollar sign, or ``None``. Raises ``ValueError`` when unreadable.
    """
    if decimal != "," and _PLAIN.fullmatch(text or ""):  # the common case, fast
        return Decimal(text), None
    s = _SPACES.sub("", (text or "").translate(_NUMBER_CHARS))
    if not s:
        raise ValueError("empty")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    match = _AMOUNT.fullmatch(s)
    if not match or len(s) > 40:
        raise ValueError("unreadable")
    signs = [match.group(g) for g in ("s1", "s2", "s3", "s4") if match.group(g)]
    if len(signs) > 1 or (signs and negative):
        raise ValueError("signs")
    if signs and signs[0] == "-":
        negative = True
    currency = None
    for token in (match.group("c1"), match.group("c2")):
        if not token:
            continue
        code = "$" if token == "$" else currency_code(token)
        if code is None:
            raise ValueError("currency")
        if currency and currency != "$" and code != "$" and code != currency:
            raise ValueError("currencies")
        if currency is None or currency == "$":
            currency = code
    value = Decimal(_plain_number(match.group("num").replace("'", ""), decimal))
    return (-value if negative else value), currency


def _plain_number(num: str, decimal: str | None) -> str:
    """``1.234,56`` → ``1234.56``; raises ``ValueError`` for an impossible grouping."""
    commas, dots = num.count(","), num.count(".")
    if commas and dots:
        dec = "," if num.rfind(",") > num.rfind(".") else "."
        whole, frac = num.rsplit(dec, 1)
        return _ungroup(whole, "." if dec == "," else ",") + "." + _digits(frac)
    if commas or dots:
        sep = "," if commas else "."
        if commas + dots > 1:
            return _ungroup(num, sep)
        whole, frac = num.split(sep)
        if not frac:  # "12." is twelve
            return _digits(whole)
        if len(frac) == 3 and whole not in ("", "0"):
            thousands = decimal != sep if decimal else sep == ","
            if thousands:
                return _ungroup(num, sep)
        return (_digits(whole) if whole else "0") + "." + _digits(frac)
    return _digits(num)


def _digits(text: str) -> str:
    if not text.isdigit() or not text.isascii():
        raise ValueError("digits")
    return text


def _ungroup(text: str, sep: str) -> str:
    if sep not in text:
        return _digits(text)
    if not _GROUPED.fullmatch(text.replace(sep, "X")):
        raise ValueError("grouping")
    return text.replace(sep, "")


def _amount_text(amount: Decimal) -> str:
    """A canonical text for an amount: 10.50 and 10.5 give the same key."""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_DECIMAL_COMMA = re.compile(r"(?:^|[^\d.,])\d+(?:\.\d{3})*,\d{1,2}(?:\D|$)|\.\d{3},\d")
_DECIMAL_DOT = re.compile(r"(?:^|[^\d.,])\d+(?:,\d{3})*\.\d{1,2}(?:\D|$)|,\d{3}\.\d")


def _decimal_hint(values) -> str | None:
    """The decimal separator the unambiguous amounts of a file use (majority), if any."""
    comma = dot = 0
    for value in values:
        if _DECIMAL_COMMA.search(value):
            comma += 1
        elif _DECIMAL_DOT.search(value):
            dot += 1
    if comma == dot == 0:
        return None
    return "," if comma > dot else "."


# ---------------------------------------------------------------------------------------
# Dates

_MONTHS = {
    name: number for number, names in enumerate((
        ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
        ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
        ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
        ("dec", "december")), start=1) for name in names
}
_TIME_TAIL = r"(?:[T\s,].*)?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME_TAIL)
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME_TAIL)
_MONTH_FIRST = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
                          + _TIME_TAIL)
_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]{3,9})\.?,?[\s\-]+(\d{4}|\d{2})"
                        + _TIME_TAIL)
_COMPACT = re.compile(r"(20\d{2})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
_EXCEL_EPOCH = date(1899, 12, 30)


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def parse_date(text: str, order: str = "dmy") -> date:
    """Read a statement date; ``order`` (``"dmy"`` or ``"mdy"``) settles ``03/04/2027``.

    Raises ``ValueError`` when the text is not a date.
    """
    s = (text or "").strip()
    if len(s) == 10 and s[4] == "-":  # the common case, fast
        try:
            return date.fromisoformat(s)
        except ValueError:
            pass
    if match := _ISO.fullmatch(s):
        y, m, d = match.groups()
        return date(int(y), int(m), int(d))
    if match := _NUMERIC.fullmatch(s):
        a, b, y = match.groups()
        day, month = (a, b) if order == "dmy" else (b, a)
        return date(_year(y), int(month), int(day))
    if match := _MONTH_FIRST.fullmatch(s):
        name, d, y = match.groups()
        return date(int(y), _MONTHS[name.casefold()], int(d))
    if match := _DAY_FIRST.fullmatch(s):
        d, name, y = match.groups()
        return date(_year(y), _MONTHS[name.casefold()], int(d))
    if match := _COMPACT.fullmatch(s):
        y, m, d = match.groups()
        return date(int(y), int(m), int(d))
    if match := _SERIAL.fullmatch(s):  # a date cell that lost its format: Excel's day count
        return _EXCEL_EPOCH + timedelta(days=int(match.group(1)))
    raise ValueError("not a date")


def _date_order(values, default: str) -> str:
    """Day-first or month-first for this file, from the dates that can only be one."""
    dmy = mdy = 0
    for value in values:
        match = _NUMERIC.fullmatch(value)
        if match:
            a, b = int(match.group(1)), int(match.group(2))
            if a > 12 >= b:
                dmy += 1
            elif b > 12 >= a:
                mdy += 1
    if dmy == mdy:
        return default
    return "dmy" if dmy > mdy else "mdy"


# ---------------------------------------------------------------------------------------
# Upwork transaction types

def _type_key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


_EARNING_TYPES = {"hourly", "fixedprice", "fixed", "milestone", "bonus"}
_FEE_TYPES = {"servicefee", "connects", "membership", "membershipfee", "subscription",
              "subscriptionfee", "freelancerplus", "marketplacefee"}
_SIGNED_TYPES = {"refund", "adjustment", "miscellaneous", "misc"}
_TAX_TYPES = {"vat", "wht", "gst", "tax", "salestax", "withholdingtax", "incometax"}
_MOVEMENT_TYPES = {"payment", "deposit", "transfer", "currencyconversion", "escrow",
                   "projectfunds"}


def upwork_category(transaction_type: str) -> str | None:
    """``earning``, ``fee``, ``signed``, ``withdrawal``, ``tax``, ``processing``,
    ``movement`` or ``None`` (unknown) for an Upwork transaction type."""
    key = _type_key(transaction_type)
    if key in _EARNING_TYPES:
        return "earning"
    if key in _FEE_TYPES:
        return "fee"
    if key in _SIGNED_TYPES:
        return "signed"
    if "withdraw" in key:  # Withdrawal, Withdrawal Fee, Instant Withdrawal …
        return "withdrawal"
    if key in _TAX_TYPES or key.endswith("tax"):
        return "tax"
    if "processingfee" in key:
        return "processing"
    if key in _MOVEMENT_TYPES:
        return "movement"
    return None


def _skip_reason(category: str, transaction_type: str):
    if category == "withdrawal":
        return _l("%(type)s: a withdrawal moves money already earned; it is not income.",
                  type=transaction_type)
    if category == "tax":
        return _l("%(type)s: a tax on money already earned; it is not income.",
                  type=transaction_type)
    if category == "processing":
        return _l("%(type)s: a fee for moving money already earned; it is not income.",
                  type=transaction_type)
    return _l("%(type)s: money moved between accounts; it is not income.",
              type=transaction_type)


# ---------------------------------------------------------------------------------------
# Platform and kind from free text (template and mapped files)

_PLATFORM_ALIASES = {
    "upwork": "upwork", "fiverr": "fiverr", "freelancer": "freelancer",
    "freelancercom": "freelancer", "peopleperhour": "peopleperhour", "pph": "peopleperhour",
    "local": "local", "localclient": "local", "client": "local", "direct": "local",
    "other": "other",
}
_KIND_ALIASES = {
    "translation": "translation", "translating": "translation",
    "transcription": "transcription", "transcribing": "transcription",
    "dataentry": "data_entry", "data": "data_entry", "writing": "writing",
    "copywriting": "writing", "contentwriting": "writing", "design": "design",
    "graphicdesign": "design", "virtualassistance": "virtual_assistance",
    "virtualassistant": "virtual_assistance", "va": "virtual_assistance", "other": "other",
}


def platform_code(text: str) -> str:
    """A platform name as typed (``People Per Hour``) → one of :data:`PLATFORMS`."""
    return _PLATFORM_ALIASES.get(_type_key(text or ""), "other")


def kind_code(text: str) -> str | None:
    """A kind of work as typed (``Data entry``) → one of :data:`KINDS`, ``None`` if blank."""
    key = _type_key(text or "")
    return _KIND_ALIASES.get(key, "other") if key else None


# ---------------------------------------------------------------------------------------
# Rows

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean_text(text: str) -> str:
    """One line of plain text, at most TEXT_LIMIT characters (line breaks become spaces)."""
    if (text.isprintable() and "  " not in text and len(text) <= TEXT_LIMIT
            and text[:1] != " " and text[-1:] != " "):
        return text  # the common case, fast (cells are already stripped)
    return " ".join(_CONTROL.sub(" ", text or "").split())[:TEXT_LIMIT]


@dataclass(slots=True)
class _Context:
    today: date
    order: str
    decimal: str | None
    default_currency: str | None
    seen: dict = field(default_factory=dict)


def _check_cell(value: str) -> None:
    if not value or value[0] not in "=#":
        return
    if _FORMULA.match(value):
        raise _RowProblem(_l(
            "“%(value)s” is a spreadsheet formula, not a value. Open the file in your "
            "spreadsheet and save it again so that it holds the results.", value=value[:60]))
    if _SHEET_ERROR.match(value):
        raise _RowProblem(_l("“%(value)s” is a spreadsheet error, not a value.", value=value))


def _read_date(raw: str, ctx: _Context) -> date:
    _check_cell(raw)
    if not raw:
        raise _RowProblem(_l("The date is missing."))
    try:
        earned_on = parse_date(raw, ctx.order)
    except (ValueError, OverflowError, KeyError):
        raise _RowProblem(_l(
            "“%(value)s” is not a date we can read. Write dates as YYYY-MM-DD.",
            value=raw[:60])) from None
    if earned_on < EARLIEST:
        raise _RowProblem(_l(
            "The date %(date)s is before 2015; earlier earnings are not recorded.",
            date=earned_on.isoformat()))
    if earned_on > ctx.today + timedelta(days=1):
        raise _RowProblem(_l("The date %(date)s is in the future.", date=earned_on.isoformat()))
    return earned_on


def _read_amount(raw: str, ctx: _Context) -> tuple[Decimal, str | None]:
    _check_cell(raw)
    if not raw:
        raise _RowProblem(_l("The amount is missing."))
    try:
        amount, written = parse_amount(raw, ctx.decimal)
    except (ValueError, InvalidOperation):
        raise _RowProblem(_l("“%(value)s” is not an amount we can read.", value=raw[:60])) \
            from None
    if abs(amount) >= MAX_AMOUNT:
        raise _RowProblem(_l("The amount %(value)s is too large to be an earning.",
                             value=raw[:60]))
    return amount, written


def _read_currency(raw: str, written: str | None, ctx: _Context) -> str:
    """The row's currency from its column, the amount's own code, or the default."""
    _check_cell(raw)
    column = None
    if raw:
        column = currency_code(raw)
        if column is None:
            raise _RowProblem(_l(
                "“%(value)s” is not a currency code we know. Use the three-letter ISO code, "
                "such as USD, MWK or KES.", value=raw[:20]))
    if column and written and written != "$" and written != column:
        raise _RowProblem(_l(
            "The amount is written in %(written)s but the currency column says %(column)s.",
            written=written, column=column))
    if column:
        return column
    if written and written != "$":
        return written
    if ctx.default_currency:
        return ctx.default_currency
    if written == "$":
        return "USD"
    raise _RowProblem(_l("The currency is missing."))


def _natural_key(platform: str, external_id: str | None, earned_on: date, amount: Decimal,
                 currency: str, description: str, seen: dict) -> str:
    if external_id:
        base = f"{platform}:{external_id}"
    else:
        base = "|".join((earned_on.isoformat(), _amount_text(amount), currency,
                         " ".join(description.casefold().split())))
    count = seen.get(base, 0) + 1
    seen[base] = count
    material = base if count == 1 else f"{base}#{count}"
    if external_id and len(material) <= 64:
        return material
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _make_row(line: int, ctx: _Context, *, raw_date: str, raw_amount: str, raw_currency: str,
              platform: str, client: str, description: str, kind: str | None,
              external_id: str | None, sign: str = "as-is") -> Row:
    earned_on = _read_date(raw_date, ctx)
    amount, written = _read_amount(raw_amount, ctx)
    currency = _read_currency(raw_currency, written, ctx)
    if amount == 0:
        raise _RowProblem(_l("The amount is zero; there is nothing to record."), skip=True)
    if sign == "negative":
        amount = -abs(amount)
    description = _clean_text(description)
    external_id = _clean_text(external_id or "") or None
    key = _natural_key(platform, external_id, earned_on, amount, currency, description,
                       ctx.seen)
    return Row(line=line, earned_on=earned_on, amount=amount, currency=currency,
               platform=platform, client=_clean_text(client), description=description,
               kind=kind, external_id=external_id, natural_key=key)


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _upwork_reader(header: list[str], legacy: bool):
    cols = _columns(header)

    def col(*names):
        for name in names:
            if name in cols:
                return cols[name]
        return None

    c_date = col("date")
    c_type = col("type") if legacy else col("transaction type")
    c_id = col("ref id") if legacy else col("transaction id", "ref id")
    c_client = col("team", "client team") if legacy else col("client team", "team")
    c_desc = col("description") if legacy else col("transaction summary", "description")
    c_more = None if legacy else col("description 1")
    c_usd = None if legacy else col("amount $")
    c_amount = col("amount") if legacy else col("amount in local currency")
    c_currency = col("currency")

    def read(line: int, cells: list[str], ctx: _Context) -> Row:
        ttype = _cell(cells, c_type)
        category = upwork_category(ttype)
        if category is None:
            raise _RowProblem(_l(
                "“%(type)s” is not an Upwork transaction type we know. If it is income, log "
                "it by hand.", type=ttype[:60] or "—"))
        if category not in ("earning", "fee", "signed"):
            raise _RowProblem(_skip_reason(category, ttype), skip=True)
        usd = _cell(cells, c_usd)
        if usd:  # "Amount $" is in US dollars whatever the Currency column says
            raw_amount, raw_currency = usd, "USD"
        else:
            raw_amount = _cell(cells, c_amount)
            raw_currency = _cell(cells, c_currency) or "USD"
        summary, more = _cell(cells, c_desc), _cell(cells, c_more)
        text = summary if not more or more == summary else f"{summary} — {more}"
        description = f"{ttype}: {text}" if text else ttype
        return _make_row(line, ctx, raw_date=_cell(cells, c_date), raw_amount=raw_amount,
                         raw_currency=raw_currency, platform="upwork",
                         client=_cell(cells, c_client), description=description, kind=None,
                         external_id=_cell(cells, c_id) or None,
                         sign="negative" if category == "fee" else "as-is")

    return read, c_date, (c_usd if c_usd is not None else c_amount)


def _template_reader(header: list[str]):
    cols = _columns(header)
    c = {name: cols.get(name) for name in TEMPLATE_HEADER}

    def read(line: int, cells: list[str], ctx: _Context) -> Row:
        description = _cell(cells, c["description"])
        if description.startswith(TEMPLATE_EXAMPLE_MARK):
            raise _RowProblem(_l("This is the template's example row."), skip=True)
        return _make_row(line, ctx, raw_date=_cell(cells, c["date"]),
                         raw_amount=_cell(cells, c["amount"]),
                         raw_currency=_cell(cells, c["currency"]),
                         platform=platform_code(_cell(cells, c["platform"])),
                         client=_cell(cells, c["client"]), description=description,
                         kind=kind_code(_cell(cells, c["kind"])), external_id=None)

    return read, c["date"], c["amount"]


FIELD_LABELS = {
    "date": _l("date"), "amount": _l("amount"), "currency": _l("currency"),
    "description": _l("description"), "client": _l("client"), "platform": _l("platform"),
    "kind": _l("kind of work"), "id": _l("transaction id"),
}


def _mapping_index(mapping: dict, key: str, width: int) -> int | None:
    value = mapping.get(key)
    if value is None or value == "":
        return None
    try:
        index = int(value)
    except (TypeError, ValueError):
        index = -1
    if not 0 <= index < width:
        raise StatementError(_l("The column chosen for the %(field)s does not exist.",
                                field=FIELD_LABELS[key]))
    return index


def _mapped_reader(header: list[str], mapping: dict, default_currency: str | None):
    width = len(header)
    c = {key: _mapping_index(mapping, key, width) for key in FIELD_LABELS}
    for key in ("date", "amount") + (() if default_currency else ("currency",)):
        if c[key] is None:
            raise StatementError(_l("Choose the column that holds the %(field)s.",
                                    field=FIELD_LABELS[key]))

    def read(line: int, cells: list[str], ctx: _Context) -> Row:
        platform = platform_code(_cell(cells, c["platform"])) if c["platform"] is not None \
            else "other"
        return _make_row(line, ctx, raw_date=_cell(cells, c["date"]),
                         raw_amount=_cell(cells, c["amount"]),
                         raw_currency=_cell(cells, c["currency"]), platform=platform,
                         client=_cell(cells, c["client"]),
                         description=_cell(cells, c["description"]),
                         kind=kind_code(_cell(cells, c["kind"])),
                         external_id=_cell(cells, c["id"]) or None)

    return read, c["date"], c["amount"]


# ---------------------------------------------------------------------------------------
# Entry points

def parse(data: bytes, filename: str, mapping: dict | None = None,
          default_currency: str | None = None, today: date | None = None) -> Parsed:
    """Read a whole statement into rows to add, skipped rows and rejected rows.

    ``mapping`` maps ``date``, ``amount``, ``currency``, ``description``, ``client`` (and
    optionally ``platform``, ``kind``, ``id``, ``date_order`` ``"dmy"``/``"mdy"``,
    ``decimal`` ``","``/``"."``) to 0-based column indexes; given, it is used whatever the
    header. Without it the format must be recognised. ``default_currency`` fills rows with
    no currency (then ``currency`` may be left out of the mapping). Raises
    :class:`StatementError` for whole-file problems.
    """
    if len(data) > MAX_BYTES:
        raise _too_big(len(data))
    header, records = read_table(data, filename)
    if not records:
        raise StatementError(_l(
            "The file has a header row but no entries under it. Check that you exported the "
            "right period."))
    return _parse(header, records, mapping, default_currency, today)


def preview(data: bytes, filename: str, mapping: dict | None, limit: int = 5, *,
            default_currency: str | None = None, today: date | None = None) -> Parsed:
    """Parse only the first ``limit`` records, to show how a mapping will read the file.

    ``read`` counts the records previewed. Raises :class:`StatementError` like :func:`parse`.
    """
    records = _records(data, filename)
    header, sample = _header(records)
    for record in records:
        sample.append(record)
        if len(sample) >= max(limit, 200):  # more than shown, to settle date and decimal style
            break
    if not sample:
        raise StatementError(_l(
            "The file has a header row but no entries under it. Check that you exported the "
            "right period."))
    return _parse(header, sample, mapping, default_currency, today, limit=limit)


def _parse(header, records, mapping, default_currency, today, limit=None) -> Parsed:
    if default_currency is not None:
        default_currency = currency_code(default_currency)
        if default_currency is None:
            raise StatementError(_l("The default currency is not a currency code we know."))
    if mapping is not None:
        fmt = "mapped"
        read, c_date, c_amount = _mapped_reader(header, mapping, default_currency)
    else:
        fmt = detect(header)
        if fmt is None:
            raise StatementError(_l(
                "These columns are not a statement format we know. Choose which columns hold "
                "the date, amount, currency, description and client."))
        if fmt == "template":
            read, c_date, c_amount = _template_reader(header)
        else:
            read, c_date, c_amount = _upwork_reader(header, legacy=fmt == "upwork-legacy")
    # Upwork writes US dates and amounts; others are settled from the file's own values.
    upwork = fmt.startswith("upwork")
    order = (mapping or {}).get("date_order")
    if order not in ("dmy", "mdy"):
        order = "mdy" if upwork else _date_order((_cell(c, c_date) for _, c in records), "dmy")
    decimal = (mapping or {}).get("decimal")
    if decimal not in (",", "."):
        decimal = "." if upwork else _decimal_hint(_cell(c, c_amount) for _, c in records)
    ctx = _Context(today=today or utc_today(), order=order, decimal=decimal,
                   default_currency=default_currency)
    result = Parsed(format=fmt)
    for line, cells in records[:limit] if limit is not None else records:
        result.read += 1
        try:
            result.rows.append(read(line, cells, ctx))
        except _RowProblem as problem:
            target = result.skipped if problem.skip else result.rejected
            target.append((Skipped if problem.skip else Rejected)(line, str(problem.reason)))
    return result


# ---------------------------------------------------------------------------------------
# The platform's own template

def template_csv() -> bytes:
    """The import template as CSV (UTF-8 with a BOM so Excel shows accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerow(TEMPLATE_EXAMPLE)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The import template as XLSX: the header, one example row, sensible column widths."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "earnings"
    sheet.append(list(TEMPLATE_HEADER))
    example = list(TEMPLATE_EXAMPLE)
    example[0] = date.fromisoformat(example[0])
    example[1] = Decimal(example[1])
    sheet.append(example)
    sheet["A2"].number_format = "yyyy-mm-dd"
    sheet["B2"].number_format = "0.00"
    for letter, width in zip("ABCDEFG", (12, 12, 10, 14, 24, 16, 60)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
