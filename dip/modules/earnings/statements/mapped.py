"""Any other statement (Fiverr, PayPal, mobile money, a client's ledger), read by a column mapping.

The user says once which columns hold the date, the amount and the rest. Optional columns
make such files safe to import again and again:

* ``id``: the transaction or order number. One ID is one payment, across imports too: the
  same order exported again (or first "pending", later "cleared") is counted once.
* ``type`` and ``status``: for every value the file holds, a choice (``types``: income, fee
  or not income; ``statuses``: count or don't count). A value without a choice is refused
  by row, never guessed; the import step asks before it runs.
* ``debit``: a "paid out" or "withdrawn" column; a row with money there and none in the
  amount column is money leaving the account: skipped as not income.

Negative amounts in a row the type calls income are money paid out unless ``negatives`` is
``"fee"`` (a ledger that writes fees as negative amounts).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from dip.modules.earnings.statements.rows import Context, Row, RowProblem, cell, make_row
from dip.modules.earnings.statements.table import StatementError, norm
from dip.modules.earnings.statements.values import kind_code, platform_code

NAME = "mapped"
#: Columns a mapping may name, in the order the mapping step shows them.
COLUMNS = ("date", "amount", "currency", "description", "client", "id", "type", "status",
           "debit")
OPTIONAL = ("id", "type", "status", "debit")
TYPE_CHOICES = ("income", "fee", "skip")
STATUS_CHOICES = ("count", "skip")
NEGATIVE_CHOICES = ("skip", "fee")
MAX_VALUES = 40  # distinct type or status values offered a choice; more is not a type column

FIELD_LABELS = {
    "date": _l("date"), "amount": _l("amount"), "currency": _l("currency"),
    "description": _l("description"), "client": _l("client"), "platform": _l("platform"),
    "kind": _l("kind of work"), "id": _l("transaction id"), "type": _l("type"),
    "status": _l("status"), "debit": _l("money paid out"),
}
# Words that usually mean a row is not income, to pre-fill the choices (the user confirms).
_NOT_INCOME = ("withdraw", "transfer", "payout", "paid out", "debit", "cash out", "sent",
               "purchase", "airtime", "bill")
_FEES = ("fee", "commission", "charge")
_NOT_COUNTED = ("pending", "processing", "cancel", "fail", "declin", "revers", "hold",
                "clearing", "dispute")


def value_key(text: str) -> str:
    """How a type or status value is remembered: case and spaces do not matter."""
    return norm(text or "")


def guess_type(value: str) -> str:
    """A first choice for a type value, for the user to confirm."""
    key = value_key(value)
    if any(word in key for word in _FEES):
        return "fee"
    if any(word in key for word in _NOT_INCOME):
        return "skip"
    return "income"


def guess_status(value: str) -> str:
    """A first choice for a status value, for the user to confirm."""
    key = value_key(value)
    return "skip" if any(word in key for word in _NOT_COUNTED) else "count"


def seen_values(records, index: int | None) -> list[str]:
    """The distinct values of column ``index`` (first spelling kept), in file order."""
    if index is None:
        return []
    found: dict[str, str] = {}
    for _line, cells in records:
        value = cell(cells, index)
        if value and value_key(value) not in found:
            found[value_key(value)] = value
            if len(found) > MAX_VALUES:
                raise StatementError(_l(
                    "The column chosen for the %(field)s holds more than %(n)s different "
                    "values; choose a column that says what kind of payment each row is.",
                    field=FIELD_LABELS["type"], n=MAX_VALUES))
    return list(found.values())


def unchosen(mapping: dict, records) -> list[str]:
    """Type and status values of this file that the mapping has no choice for."""
    missing = []
    for field, choices in (("type", "types"), ("status", "statuses")):
        chosen = mapping.get(choices) or {}
        try:
            seen = seen_values(records, mapping.get(field))
        except StatementError:
            return [field]  # no longer a type column: the mapping step says so
        missing += [v for v in seen if value_key(v) not in chosen]
    return missing


def _index(mapping: dict, key: str, width: int) -> int | None:
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


def reader(header: list[str], mapping: dict, default_currency: str | None):
    """``(read, date column, amount column)`` for a file read by ``mapping``."""
    width = len(header)
    c = {key: _index(mapping, key, width) for key in FIELD_LABELS}
    for key in ("date", "amount") + (() if default_currency else ("currency",)):
        if c[key] is None:
            raise StatementError(_l("Choose the column that holds the %(field)s.",
                                    field=FIELD_LABELS[key]))
    types, statuses = mapping.get("types") or {}, mapping.get("statuses") or {}
    negatives = mapping.get("negatives") if mapping.get("negatives") in NEGATIVE_CHOICES \
        else "skip"

    def read(line: int, cells: list[str], ctx: Context) -> Row:
        category = _choice(cells, c["type"], types, _l("type"))
        if _choice(cells, c["status"], statuses, _l("status")) == "skip":
            raise RowProblem(_l("Status “%(value)s”: not counted (you chose so).",
                                value=cell(cells, c["status"])[:60]), skip=True)
        if category == "skip":
            raise RowProblem(_l("“%(value)s”: not income (you chose so).",
                                value=cell(cells, c["type"])[:60]), skip=True)
        raw_amount = cell(cells, c["amount"])
        if not raw_amount.strip("0.,- ") and cell(cells, c["debit"]):
            raise RowProblem(_l("Money paid out: not income."), skip=True)
        platform = platform_code(cell(cells, c["platform"])) if c["platform"] is not None \
            else "other"
        row = make_row(line, ctx, raw_date=cell(cells, c["date"]), raw_amount=raw_amount,
                       raw_currency=cell(cells, c["currency"]), platform=platform,
                       client=cell(cells, c["client"]),
                       description=cell(cells, c["description"]),
                       kind=kind_code(cell(cells, c["kind"])),
                       external_id=_key_id(cell(cells, c["id"]), category),
                       sign="negative" if category == "fee" else "as-is", unique_id=True)
        if row.amount < 0 and category != "fee" and negatives == "skip":
            raise RowProblem(_l("Money paid out (a negative amount): not income."), skip=True)
        return row

    return read, c["date"], c["amount"]


def _choice(cells: list[str], index: int | None, chosen: dict, what) -> str | None:
    """The user's choice for this row's type or status value (None: no such column)."""
    if index is None:
        return None
    value = cell(cells, index)
    choice = chosen.get(value_key(value))
    if choice is None:
        raise RowProblem(_l("The %(what)s “%(value)s” has no choice yet: import the file "
                            "again and say whether it counts.", what=what,
                            value=value[:60] or "—"))
    return choice


def _key_id(raw_id: str, category: str | None) -> str | None:
    """The ID a row is known by: an order's fee is a payment of its own."""
    if not raw_id:
        return None
    return f"{raw_id}:fee" if category == "fee" else raw_id
