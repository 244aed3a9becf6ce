"""Month arithmetic and the one SQL month expression, at their edges."""
from datetime import date

import pytest
from sqlalchemy import literal, select

from dip.core.months import (
    add_months, as_date, month_end, month_of, month_start, next_month, parse_month,
)
from dip.extensions import db


def test_month_arithmetic_at_year_ends_and_short_months():
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)  # a programme's end date
    assert next_month(date(2026, 12, 15)) == date(2027, 1, 1)
    assert month_end(date(2028, 2, 3)) == date(2028, 2, 29)
    assert month_of(date(2026, 9, 22)) == date(2026, 9, 1)


def test_parse_month_reads_year_month_and_refuses_the_rest():
    assert parse_month(" 2026-09 ") == date(2026, 9, 1)
    assert parse_month("2026-09-22") == date(2026, 9, 1)
    for bad in ("", "09/2026", "2026-13"):
        with pytest.raises(ValueError):
            parse_month(bad)


def test_the_sql_month_is_the_first_of_the_month_in_this_database(app):
    with app.app_context():
        for day in (date(2026, 9, 22), date(2026, 12, 31), date(2028, 2, 29)):
            value = db.session.scalar(select(month_start(literal(day))))
            assert as_date(value) == month_of(day)
