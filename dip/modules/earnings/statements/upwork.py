"""Upwork's current transaction history (CSV): its columns and transaction types.

Recognised by column names (``Date``, ``Transaction ID``, ``Transaction Type`` and an
amount column), so extra or reordered columns do not matter. Earnings and fees are
recorded; withdrawals, taxes, processing fees and money moved between accounts are
skipped as not income. The older export (``upwork_legacy``) shares the types.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from dip.modules.earnings.statements.rows import Context, Row, RowProblem, cell, make_row
from dip.modules.earnings.statements.table import columns
from dip.modules.earnings.statements.values import type_key

NAME = "upwork"
_COLUMNS = {"date", "transaction id", "transaction type"}


def matches(names: set[str]) -> bool:
    """Whether a header's normalised column names are this layout's."""
    return _COLUMNS <= names and bool(names & {"amount $", "amount in local currency"})


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
    key = type_key(transaction_type)
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


def reader(header: list[str], legacy: bool = False):
    """``(read, date column, amount column)`` for an Upwork header (current or legacy)."""
    cols = columns(header)

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

    def read(line: int, cells: list[str], ctx: Context) -> Row:
        ttype = cell(cells, c_type)
        category = upwork_category(ttype)
        if category is None:
            raise RowProblem(_l(
                "“%(type)s” is not an Upwork transaction type we know. If it is income, log "
                "it by hand.", type=ttype[:60] or "—"))
        if category not in ("earning", "fee", "signed"):
            raise RowProblem(_skip_reason(category, ttype), skip=True)
        usd = cell(cells, c_usd)
        if usd:  # "Amount $" is in US dollars whatever the Currency column says
            raw_amount, raw_currency = usd, "USD"
        else:
            raw_amount = cell(cells, c_amount)
            raw_currency = cell(cells, c_currency) or "USD"
        summary, more = cell(cells, c_desc), cell(cells, c_more)
        text = summary if not more or more == summary else f"{summary} — {more}"
        description = f"{ttype}: {text}" if text else ttype
        return make_row(line, ctx, raw_date=cell(cells, c_date), raw_amount=raw_amount,
                        raw_currency=raw_currency, platform="upwork",
                        client=cell(cells, c_client), description=description, kind=None,
                        external_id=cell(cells, c_id) or None,
                        sign="negative" if category == "fee" else "as-is")

    return read, c_date, (c_usd if c_usd is not None else c_amount)
