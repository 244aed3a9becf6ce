"""Calendar months: the arithmetic every feature needs, and one SQL "first of the month".

A month is written as the date of its first day everywhere (``date(2026, 9, 1)``), in
Python and in the database. ``month_start(column)`` is the one SQL expression for it; it
compiles to what SQLite and PostgreSQL each understand.
"""
import calendar
from datetime import date, timedelta

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def month_of(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (may be negative), clamped to the month's last day.

    The first of a month stays the first of a month, so month arithmetic on firsts is exact.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return add_months(month_of(day), 1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return next_month(day) - timedelta(days=1)


def parse_month(text: str) -> date:
    """Read ``YYYY-MM`` (or a full ISO date) as the first day of that month; ValueError if not."""
    text = (text or "").strip()
    if len(text) == 7:
        text += "-01"
    return date.fromisoformat(text).replace(day=1)


def as_date(value) -> date:
    """A date from what a date function answered: SQLite gives text, PostgreSQL dates."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if hasattr(value, "date") and callable(value.date) else value


class month_start(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """SQL for the first day of the month of a date column: ``month_start(Entry.earned_on)``.

    Untyped on purpose: SQLite answers text, PostgreSQL a date (read either with
    :func:`as_date`); typing it would parse every row of a full recompute on SQLite.
    """

    inherit_cache = True
    name = "month_start"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    return "date(%s, 'start of month')" % compiler.process(element.clauses, **kw)


@compiles(month_start)
def _month_start_default(element, compiler, **kw):
    # Truncate a timestamp without time zone: a date would be cast through the session's zone.
    return "CAST(date_trunc('month', CAST(%s AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE)" % (
        compiler.process(element.clauses, **kw))
