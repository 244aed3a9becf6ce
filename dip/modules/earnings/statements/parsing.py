"""A whole statement read: the layout found from its header, each record into one outcome.

Every data record ends up in exactly one of ``rows`` (an entry to add), ``skipped``
(deliberately not income: withdrawals, taxes, debits, a total row, the template's example
row) or ``rejected`` (something is wrong with it), each with its line number and a plain,
translated reason. One bad row never sinks the file; only whole-file problems raise
:class:`StatementError`.

The day/month order of slashed dates is settled from the file's own dates; when nothing in
the file settles it, :class:`DateOrderNeeded` carries two example dates so the import step
can ask the person (never a silent guess).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from dip.core.clock import today as utc_today
from dip.modules.earnings.statements import mapped, template, upwork, upwork_legacy
from dip.modules.earnings.statements.rows import (
    Context, Parsed, Rejected, RowProblem, Skipped, cell,
)
from dip.modules.earnings.statements.table import (
    MAX_BYTES, StatementError, norm, read_table, records as table_records, split_header, too_big,
)
from dip.modules.earnings.statements.values import (
    currency_code, date_order, decimal_hint, parse_amount,
)

LAYOUTS = (upwork, upwork_legacy, template)
FORMATS = tuple(layout.NAME for layout in LAYOUTS) + (mapped.NAME,)
ORDERS = ("dmy", "mdy")
#: First cells that name a total row under the data (English, French, Swahili, Arabic).
TOTAL_WORDS = frozenset({"total", "totals", "grand total", "sum", "subtotal", "totaux",
                         "total général", "sous-total", "jumla", "jumla kuu", "المجموع",
                         "الإجمالي", "الاجمالي"})


class DateOrderNeeded(StatementError):
    """Slashed dates read two ways and the file does not say which: ask with ``examples``."""

    def __init__(self, examples: list[str]):
        super().__init__(_l("Say how the dates in this file are written: day first or month "
                            "first."))
        self.examples = examples


def detect(header: list[str]) -> str | None:
    """Name the format of a statement from its header row, or ``None`` when unknown."""
    names = {norm(str(value or "")) for value in header}
    for layout in LAYOUTS:
        if layout.matches(names):
            return layout.NAME
    return None


def date_question(header: list[str], records, mapping: dict | None = None) -> list[str]:
    """Two example dates to ask about when the file's dates do not settle their order, else []."""
    if (mapping or {}).get("date_order") in ORDERS:
        return []  # the person said so when they confirmed the mapping
    try:
        _fmt, _read, c_date, _c_amount = _layout(header, mapping, "USD")
    except StatementError:
        return []
    order, examples = date_order(_column(records, c_date))
    return [] if order else examples


def parse(data: bytes, filename: str, mapping: dict | None = None,
          default_currency: str | None = None, today: date | None = None,
          order: str | None = None) -> Parsed:
    """Read a whole statement into rows to add, skipped rows and rejected rows.

    ``mapping`` (see ``mapped``) maps fields to 0-based column indexes, with optional
    ``decimal`` ``","``/``"."``; given, it is used whatever the header. Without it the
    format must be recognised. ``default_currency`` fills rows with no currency (then
    ``currency`` may be left out of the mapping). ``order`` (``"dmy"``/``"mdy"``, or the
    mapping's ``date_order``) is the person's answer when the file's dates do not settle it.
    Raises :class:`StatementError` (:class:`DateOrderNeeded`) for whole-file problems.
    """
    if len(data) > MAX_BYTES:
        raise too_big(len(data))
    header, records = read_table(data, filename)
    if not records:
        raise StatementError(_l(
            "The file has a header row but no entries under it. Check that you exported the "
            "right period."))
    return _parse(header, records, mapping, default_currency, today, order)


def preview(data: bytes, filename: str, mapping: dict | None, limit: int = 5, *,
            default_currency: str | None = None, today: date | None = None,
            order: str | None = None) -> Parsed:
    """Parse only the first ``limit`` records, to show how a mapping will read the file.

    ``read`` counts the records previewed. Raises :class:`StatementError` like :func:`parse`.
    """
    found = table_records(data, filename)
    header, sample = split_header(found)
    for record in found:
        sample.append(record)
        if len(sample) >= max(limit, 200):  # more than shown, to settle date and decimal style
            break
    if not sample:
        raise StatementError(_l(
            "The file has a header row but no entries under it. Check that you exported the "
            "right period."))
    return _parse(header, sample, mapping, default_currency, today, order, limit=limit)


def _layout(header, mapping, default_currency):
    """``(format, read, date column, amount column)`` for this header (and mapping)."""
    if mapping is not None:
        return (mapped.NAME,) + mapped.reader(header, mapping, default_currency)
    fmt = detect(header)
    for layout in LAYOUTS:
        if layout.NAME == fmt:
            return (fmt,) + layout.reader(header)
    raise StatementError(_l(
        "These columns are not a statement format we know. Choose which columns hold "
        "the date, amount, currency, description and client."))


def _parse(header, records, mapping, default_currency, today, order, limit=None) -> Parsed:
    if default_currency is not None:
        default_currency = currency_code(default_currency)
        if default_currency is None:
            raise StatementError(_l("The default currency is not a currency code we know."))
    fmt, read, c_date, c_amount = _layout(header, mapping, default_currency)
    order = order or (mapping or {}).get("date_order")
    if order not in ORDERS:
        order, examples = date_order(_column(records, c_date))
        if order is None:
            raise DateOrderNeeded(examples)
    decimal = (mapping or {}).get("decimal")
    if decimal not in (",", "."):
        decimal = decimal_hint(_column(records, c_amount))
        if decimal is None and fmt.startswith("upwork"):
            decimal = "."  # Upwork writes US amounts unless a spreadsheet re-saved them
    ctx = Context(today=today or utc_today(), order=order, decimal=decimal,
                  default_currency=default_currency)
    result = Parsed(format=fmt)
    chosen = records[:limit] if limit is not None else records
    for position, (line, cells) in enumerate(chosen):
        result.read += 1
        try:
            result.rows.append(read(line, cells, ctx))
        except RowProblem as problem:
            # A row that reads as an entry has a date: only the others may be a total row.
            total = _total_row(cells, c_date, c_amount, records, position, result, ctx)
            if total:
                problem = RowProblem(_l("A total row (“%(value)s”), not an entry.",
                                        value=total[:60]), skip=True)
            target = result.skipped if problem.skip else result.rejected
            target.append((Skipped if problem.skip else Rejected)(line, str(problem.reason)))
    return result


def _column(records, index: int | None) -> list[str]:
    """Every value of one column (a statement's dates or amounts), "" where a row is short."""
    if index is None:
        return []
    return [cells[index] if index < len(cells) else "" for _line, cells in records]


def _total_row(cells, c_date, c_amount, records, position: int, result: Parsed,
               ctx: Context) -> str | None:
    """The text that makes this record a total row (a "Total" label, or a dateless amount that
    is the sum of the rows above), else None."""
    first = next((value for value in cells if value), "")
    if len(first) <= 20 and not first[:1].isdigit() and \
            " ".join(first.casefold().split()).rstrip(":").strip() in TOTAL_WORDS:
        return first
    raw = cell(cells, c_amount)
    if cell(cells, c_date) or not raw or not position:
        return None
    above = records[:position]
    amount = _amount_or_none(raw, ctx.decimal)
    if amount is None or amount == 0:
        return None
    written = sum((a for _, c in above if (a := _amount_or_none(cell(c, c_amount), ctx.decimal))
                   is not None), Decimal(0))
    counted = sum((row.amount for row in result.rows), Decimal(0))
    return raw if amount in (written, counted) else None


def _amount_or_none(raw: str, decimal: str | None) -> Decimal | None:
    try:
        return parse_amount(raw, decimal)[0] if raw else None
    except (ValueError, InvalidOperation):
        return None
