"""Upwork's older transaction export: ``Date``, ``Ref ID``, ``Type``, ``Amount`` (CSV).

Read like the current history (same transaction types), from its own columns.
"""
from __future__ import annotations

from dip.modules.earnings.statements import upwork

NAME = "upwork-legacy"
_COLUMNS = {"date", "ref id", "type", "amount"}


def matches(names: set[str]) -> bool:
    """Whether a header's normalised column names are this layout's."""
    return _COLUMNS <= names and "transaction type" not in names


def reader(header: list[str]):
    """``(read, date column, amount column)`` for a legacy Upwork header."""
    return upwork.reader(header, legacy=True)
