"""Amounts and dates as statements write them: every style read to the same value, and what
cannot be read refused, never guessed (``dip.modules.earnings.statements.values``)."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dip.modules.earnings import statements as s
from dip.modules.earnings.statements import parse
from tests.earnings.statement_data import TODAY, csv_bytes


@pytest.mark.parametrize("written, expected", [
    ("1.234,56", Decimal("1234.56")), ("$1,234.56", Decimal("1234.56")),
    ("1,234.56", Decimal("1234.56")), ("(12.50)", Decimal("-12.50")),
    ("-12.50", Decimal("-12.50")), ("12.50-", Decimal("-12.50")),
    ("MWK 25,000", Decimal("25000")), ("1 234,56", Decimal("1234.56")),
    ("−7,5", Decimal("-7.5")), ("€ 3,00", Decimal("3.00")), ("1'234.50", Decimal("1234.50")),
    ("١٬٢٣٤٫٥٠", Decimal("1234.50")), ("JOD 12.500", Decimal("12.500")),
])
def test_amount_formats(written, expected):
    assert s.parse_amount(written)[0] == expected


@pytest.mark.parametrize("written", ["", "abc", "1,2,3", "12..5", "1.2.3,4.5", "--5", "5 ZZZ",
                                     "(-5)", "1e5", "NaN", "12,34.56"])
def test_unreadable_amounts(written):
    with pytest.raises(ValueError):
        s.parse_amount(written)


def test_ambiguous_thousands_follow_the_rest_of_the_file():
    assert s.parse_amount("1.234", ",")[0] == Decimal("1234")
    assert s.parse_amount("1,234", ",")[0] == Decimal("1.234")
    assert s.parse_amount("1,234")[0] == Decimal("1234")
    data = csv_bytes([["d", "a", "c"], ["2026-01-02", "1.500", "MWK"],
                      ["2026-01-03", "2,50", "MWK"]])
    parsed = parse(data, "x.csv", {"date": 0, "amount": 1, "currency": 2}, today=TODAY)
    assert [r.amount for r in parsed.rows] == [Decimal("1500"), Decimal("2.50")]


money = st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"),
                    places=2, allow_nan=False, allow_infinity=False)


def styles(value: Decimal) -> list[str]:
    """The ways statements write one amount."""
    plain = f"{abs(value):.2f}"
    us = f"{abs(value):,.2f}"
    eu = us.replace(",", " ").replace(".", ",").replace(" ", ".")
    sign = "-" if value < 0 else ""
    out = [sign + plain, sign + us, sign + eu, f"{sign}${us}", f"{us} {sign}".strip(),
           f"MWK {sign}{us}", f"{sign}{eu} €", f"{sign}{us.replace(',', ' ')}"]
    if value < 0:
        out += [f"({us})", f"({eu})", f"{us}-", f"-{eu}"]
    if value >= 0:
        out.append(f"+{plain}")
    return out


@given(money)
def test_amount_styles_round_trip(value):
    for text in styles(value):
        if text.endswith(" -") or text == "":
            continue
        assert s.parse_amount(text)[0] == value, text


@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
def test_date_styles_round_trip(day):
    texts = [day.isoformat(), day.strftime("%b %-d, %Y"), day.strftime("%B %-d, %Y"),
             day.strftime("%d %b %Y"), day.strftime("%d/%m/%Y"),
             f"{day.isoformat()}T10:11:12Z"]
    for text in texts:
        assert s.parse_date(text) == day, text
    assert s.parse_date(day.strftime("%m/%d/%Y"), "mdy") == day
