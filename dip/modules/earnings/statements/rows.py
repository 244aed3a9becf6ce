"""One statement record becomes a Row to add, a Skipped record or a Rejected one.

Every layout reads its columns and hands the raw cells to :func:`make_row`, which applies
the value rules (``values``) and the money rule (``dip.core.money``) and computes the
natural key: ``<platform>:<transaction id>`` when the statement has one, else the SHA-256 of
``date|amount|currency|description`` normalised. A repeated identical record within one
file gets its occurrence number mixed in, so two genuine identical payments on one day are
two entries, and the same file imported twice gives the same keys. Keys from an ID column
the user chose (``unique_ids``) have no occurrence number: one ID is one payment, across
files too, so a pending order later exported as cleared is counted once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from dip.core.money import AmountError, check_amount
from dip.modules.earnings.statements.values import (
    EARLIEST, FORMULA, SHEET_ERROR, amount_text, clean_text, currency_code, parse_amount,
    parse_date,
)


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


class RowProblem(Exception):
    """Raised inside row parsing; carries the reason and whether it is a skip."""

    def __init__(self, reason, skip: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.skip = skip


@dataclass(slots=True)
class Context:
    """What every row of one file is read with."""

    today: date
    order: str
    decimal: str | None
    default_currency: str | None
    seen: dict = field(default_factory=dict)


def check_cell(value: str) -> None:
    """Refuse a formula or a spreadsheet error where a value should be."""
    if not value or value[0] not in "=#":
        return
    if FORMULA.match(value):
        raise RowProblem(_l(
            "“%(value)s” is a spreadsheet formula, not a value. Open the file in your "
            "spreadsheet and save it again so that it holds the results.", value=value[:60]))
    if SHEET_ERROR.match(value):
        raise RowProblem(_l("“%(value)s” is a spreadsheet error, not a value.", value=value))


def _read_date(raw: str, ctx: Context) -> date:
    check_cell(raw)
    if not raw:
        raise RowProblem(_l("The date is missing."))
    try:
        earned_on = parse_date(raw, ctx.order)
    except (ValueError, OverflowError, KeyError):
        raise RowProblem(_l(
            "“%(value)s” is not a date we can read. Write dates as YYYY-MM-DD.",
            value=raw[:60])) from None
    if earned_on < EARLIEST:
        raise RowProblem(_l(
            "The date %(date)s is before 2015; earlier earnings are not recorded.",
            date=earned_on.isoformat()))
    if earned_on > ctx.today + timedelta(days=1):
        raise RowProblem(_l("The date %(date)s is in the future.", date=earned_on.isoformat()))
    return earned_on


def _read_amount(raw: str, ctx: Context) -> tuple[Decimal, str | None]:
    check_cell(raw)
    if not raw:
        raise RowProblem(_l("The amount is missing."))
    try:
        amount, written = parse_amount(raw, ctx.decimal)
    except (ValueError, InvalidOperation):
        raise RowProblem(_l("“%(value)s” is not an amount we can read.", value=raw[:60])) \
            from None
    if amount == 0:
        raise RowProblem(_l("The amount is zero; there is nothing to record."), skip=True)
    try:
        amount = check_amount(amount)
    except AmountError as error:
        if error.problem == "decimals":
            raise RowProblem(_l("The amount %(value)s has more than two decimals.",
                                value=raw[:60])) from None
        raise RowProblem(_l("The amount %(value)s is too large to be an earning.",
                            value=raw[:60])) from None
    return amount, written


def _read_currency(raw: str, written: str | None, ctx: Context) -> str:
    """The row's currency from its column, the amount's own code, or the default."""
    check_cell(raw)
    column = None
    if raw:
        column = currency_code(raw)
        if column is None:
            raise RowProblem(_l(
                "“%(value)s” is not a currency code we know. Use the three-letter ISO code, "
                "such as USD, MWK or KES.", value=raw[:20]))
    if column and written and written != "$" and written != column:
        raise RowProblem(_l(
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
    raise RowProblem(_l("The currency is missing."))


def _natural_key(platform: str, external_id: str | None, earned_on: date, amount: Decimal,
                 currency: str, description: str, seen: dict | None) -> str:
    """The entry's key (see the module's docstring); ``seen`` None: one ID is one payment."""
    if external_id:
        base = f"{platform}:{external_id}"
    else:
        base = "|".join((earned_on.isoformat(), amount_text(amount), currency,
                         " ".join(description.casefold().split())))
    count = 1
    if seen is not None:
        count = seen.get(base, 0) + 1
        seen[base] = count
    material = base if count == 1 else f"{base}#{count}"
    if external_id and len(material) <= 64:
        return material
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def make_row(line: int, ctx: Context, *, raw_date: str, raw_amount: str, raw_currency: str,
             platform: str, client: str, description: str, kind: str | None,
             external_id: str | None, sign: str = "as-is", unique_id: bool = False) -> Row:
    """Read one record's cells into a Row, or raise RowProblem (a skip or a rejection).

    ``sign`` ``"negative"`` makes a fee negative whatever the file wrote; ``unique_id``: the
    ID names one payment (no occurrence number in its key).
    """
    earned_on = _read_date(raw_date, ctx)
    amount, written = _read_amount(raw_amount, ctx)
    currency = _read_currency(raw_currency, written, ctx)
    if sign == "negative":
        amount = -abs(amount)
    description = clean_text(description)
    external_id = clean_text(external_id or "") or None
    key = _natural_key(platform, external_id, earned_on, amount, currency, description,
                       None if unique_id and external_id else ctx.seen)
    return Row(line=line, earned_on=earned_on, amount=amount, currency=currency,
               platform=platform, client=clean_text(client), description=description,
               kind=kind, external_id=external_id, natural_key=key)


def cell(cells: list[str], index: int | None) -> str:
    """The cell at ``index``, or "" when the column is not chosen or the row is short."""
    if index is None or index >= len(cells):
        return ""
    return cells[index]
