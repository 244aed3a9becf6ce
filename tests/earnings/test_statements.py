"""Statement files as learners really upload them: Upwork exports, our template, anything else.

How single amounts and dates are read is in test_statement_values.py."""
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from dip.modules.earnings import statements as s
from dip.modules.earnings.statements import StatementError, detect, parse, preview
from tests.earnings.statement_data import (
    LEGACY_HEADER, TODAY, UPWORK_HEADER, by_line, csv_bytes, read, upwork_row,
)


# --- Upwork, current export -----------------------------------------------------------------

def test_upwork_current_export_reads_income_fees_and_skips_movements():
    parsed = parse(read("upwork_current.csv"), "statement.csv", today=TODAY)
    lines = by_line(parsed)

    assert parsed.format == "upwork"
    assert parsed.read == 12 == len(parsed.rows) + len(parsed.skipped) + len(parsed.rejected)
    kind, hourly = lines[2]
    assert kind == "row"
    assert hourly.earned_on == date(2026, 11, 3)
    assert hourly.amount == Decimal("150.00") and hourly.currency == "USD"
    assert hourly.platform == "upwork" and hourly.client == "Acme Translations"
    assert "Hourly" in hourly.description and "French to English" in hourly.description
    assert hourly.external_id == "900000001" and hourly.natural_key == "upwork:900000001"
    assert lines[3][1].amount == Decimal("-15.00")  # service fee reduces income
    assert lines[4][1].amount == Decimal("1200.00")  # "$1,200.00"
    assert lines[4][1].client == "Beta Research, Inc."
    # The bonus summary holds a line break: the record starts on line 5, the next on 7.
    assert lines[5][1].amount == Decimal("25.00")
    assert lines[5][1].description == "Bonus: Bonus for great work on the interviews"
    assert lines[7][1].amount == Decimal("-3.00")  # Connects written positive: still a cost
    assert lines[8][0] == "skipped" and "withdrawal" in lines[8][1]
    assert lines[9][0] == "skipped"  # withdrawal fee
    assert lines[10][1].amount == Decimal("-100.00")  # refund, signed as given
    assert lines[11][0] == "skipped" and "tax" in lines[11][1]
    assert lines[12][1].amount == Decimal("-19.99")  # membership
    assert lines[13][1].amount == Decimal("80.00")  # milestone
    assert lines[14][1].amount == Decimal("-10.00")  # adjustment
    assert not parsed.rejected


@pytest.mark.parametrize("ttype, amount, expected", [
    ("Hourly", "10.00", Decimal("10.00")),
    ("Fixed-price", "10.00", Decimal("10.00")),
    ("Fixed Price", "10.00", Decimal("10.00")),
    ("Milestone", "10.00", Decimal("10.00")),
    ("Bonus", "10.00", Decimal("10.00")),
    ("Service Fee", "-1.00", Decimal("-1.00")),
    ("Service Fee", "1.00", Decimal("-1.00")),
    ("Connects", "-0.90", Decimal("-0.90")),
    ("Membership", "14.99", Decimal("-14.99")),
    ("Subscription", "-14.99", Decimal("-14.99")),
    ("Refund", "-5.00", Decimal("-5.00")),
    ("Refund", "5.00", Decimal("5.00")),
    ("Adjustment", "-2.50", Decimal("-2.50")),
    ("Miscellaneous", "3.00", Decimal("3.00")),
])
def test_upwork_income_and_fee_types(ttype, amount, expected):
    parsed = parse(upwork_row(ttype, amount), "s.csv", today=TODAY)
    assert [r.amount for r in parsed.rows] == [expected]


@pytest.mark.parametrize("ttype, word", [
    ("Withdrawal", "withdrawal"), ("Withdrawal Fee", "withdrawal"),
    ("Instant Withdrawal", "withdrawal"), ("VAT", "tax"), ("WHT", "tax"),
    ("Withholding Tax", "tax"), ("Processing Fee", "moving money"),
    ("Payment Processing Fee", "moving money"), ("Payment", "moved between accounts"),
])
def test_upwork_movements_of_money_are_skipped_with_the_reason(ttype, word):
    parsed = parse(upwork_row(ttype, "-10.00"), "s.csv", today=TODAY)
    assert not parsed.rows and not parsed.rejected
    assert parsed.skipped[0].line == 2
    assert parsed.skipped[0].reason.startswith(ttype) and word in parsed.skipped[0].reason
    assert "not income" in parsed.skipped[0].reason


def test_unknown_upwork_type_is_rejected_not_guessed():
    parsed = parse(upwork_row("Teleportation", "10.00"), "s.csv", today=TODAY)
    assert not parsed.rows
    assert "Teleportation" in parsed.rejected[0].reason
    assert "by hand" in parsed.rejected[0].reason


def test_upwork_local_currency_used_only_without_a_dollar_amount():
    cells = ["2026-11-03", "7", "Hourly", "x", "", "", "", "", "", "G", "C", "G", "", "", "",
             "25,000.00", "KES", "0", ""]
    parsed = parse(csv_bytes([UPWORK_HEADER.split(","), cells]), "s.csv", today=TODAY)
    assert (parsed.rows[0].amount, parsed.rows[0].currency) == (Decimal("25000.00"), "KES")


# --- Upwork, older export -------------------------------------------------------------------

def test_upwork_legacy_export():
    parsed = parse(read("upwork_legacy.csv"), "statements_2026-03-01_2026-03-31.csv",
                   today=TODAY)
    lines = by_line(parsed)

    assert parsed.format == "upwork-legacy"
    assert parsed.read == 7
    assert lines[2][1].earned_on == date(2026, 3, 3)  # "Mar 3, 2026"
    assert lines[2][1].natural_key == "upwork:123456789"
    assert lines[2][1].client == "Acme Translations"
    assert lines[3][1].amount == Decimal("-20.00")
    assert lines[4][1].currency == "USD"  # blank currency: Upwork pays in dollars
    assert lines[4][1].description.startswith("Fixed Price: Invoice for Milestone")
    assert lines[5][0] == lines[6][0] == "skipped"
    assert lines[7][1].amount == Decimal("10.00")
    assert lines[8][1].amount == Decimal("5.00")
    assert sum(r.amount for r in parsed.rows) == Decimal("245.00")


def test_slashed_dates_that_read_two_ways_are_asked_never_guessed():
    with pytest.raises(s.DateOrderNeeded) as asked:
        parse(upwork_row("Hourly", "5", when="03/04/2026"), "s.csv", today=TODAY)
    assert asked.value.examples == ["03/04/2026"]
    parsed = parse(upwork_row("Hourly", "5", when="03/04/2026"), "s.csv", today=TODAY,
                   order="mdy")
    assert parsed.rows[0].earned_on == date(2026, 3, 4)


# --- Recognising formats --------------------------------------------------------------------

def test_detect_formats_by_column_names():
    assert detect(UPWORK_HEADER.split(",")) == "upwork"
    assert detect(LEGACY_HEADER.split(",")) == "upwork-legacy"
    assert detect(list(s.TEMPLATE_HEADER)) == "template"
    assert detect(["Date", "Amount", "Description"]) is None
    assert detect([]) is None
    # Case, spacing, order and extra columns do not matter.
    shuffled = [f"  {h.upper()} " for h in reversed(UPWORK_HEADER.split(","))] + ["", "Extra"]
    assert detect(shuffled) == "upwork"


def test_header_signature_is_stable_and_forgiving():
    header = ["Date", "Amount", "Client Name"]
    assert s.header_signature(header) == s.header_signature(["date ", " AMOUNT", "client  name"])
    assert s.header_signature(header) == s.header_signature(header + ["", ""])
    assert s.header_signature(header) != s.header_signature(["Date", "Client Name", "Amount"])
    assert len(s.header_signature(header)) == 64


def test_unknown_format_without_mapping_asks_for_one():
    data = csv_bytes([["When", "Paid", "What"], ["2026-01-02", "5", "x"]])
    with pytest.raises(StatementError) as info:
        parse(data, "x.csv", today=TODAY)
    assert "Choose which columns" in str(info.value)


# --- The platform's template ----------------------------------------------------------------

def test_template_csv_and_xlsx_are_recognised_and_the_example_row_skipped():
    for data, name in ((s.template_csv(), "t.csv"), (s.template_xlsx(), "t.xlsx")):
        header, records = s.read_table(data, name)
        assert header == list(s.TEMPLATE_HEADER)
        parsed = parse(data, name, today=TODAY)
        assert parsed.format == "template"
        assert parsed.rows == [] and parsed.skipped[0].line == 2
        assert "example" in parsed.skipped[0].reason


def test_filled_template_csv():
    data = s.template_csv() + csv_bytes([
        ["2026-02-01", "40", "usd", "Fiverr", "Bob", "Data entry", "Spreadsheet cleanup"],
        ["2026-02-02", "15000", "MWK", "Local client", "Shop", "", "Posters"],
        ["2026-02-03", "5", "EUR", "Somewhere", "X", "Knitting", "Scarf"],
        ["2026-02-04", "5", "", "upwork", "X", "writing", "No currency"],
    ])
    parsed = parse(data, "t.csv", today=TODAY)
    rows = {r.line: r for r in parsed.rows}

    assert (rows[3].platform, rows[3].kind, rows[3].currency) == ("fiverr", "data_entry", "USD")
    assert (rows[4].platform, rows[4].kind, rows[4].amount) == ("local", None, Decimal("15000"))
    assert (rows[5].platform, rows[5].kind) == ("other", "other")
    assert parsed.rejected[0].line == 6 and "currency is missing" in parsed.rejected[0].reason
    # With the site's currency as default, the row is kept.
    again = parse(data, "t.csv", default_currency="MWK", today=TODAY)
    assert {r.line: r.currency for r in again.rows}[6] == "MWK"


def test_filled_template_xlsx_with_real_dates_numbers_and_blank_rows():
    workbook = openpyxl.load_workbook(io.BytesIO(s.template_xlsx()))
    sheet = workbook.active
    sheet.append([])  # a blank row 3 keeps the spreadsheet's numbering
    sheet.append([datetime(2026, 5, 6, 0, 0), 1234.5, "KES", "Upwork", "Client", "Design", "Logo"])
    sheet.append([date(2026, 5, 7), 0.1 + 0.2, "USD", "fiverr", "C", "writing", "Blog"])
    sheet.append(["2026-05-08", None, "USD", "fiverr", "C", "writing", "=CONCAT(A1)"])
    sheet.append(["2026-05-09", "=B4*2", "USD", "fiverr", "C", "writing", "Twice"])
    # openpyxl never computes formulas, so B7 holds no value: as from a program that
    # wrote formulas without results.
    buffer = io.BytesIO()
    workbook.save(buffer)

    parsed = parse(buffer.getvalue(), "filled.xlsx", today=TODAY)
    rows = {r.line: r for r in parsed.rows}

    assert rows[4].earned_on == date(2026, 5, 6) and rows[4].amount == Decimal("1234.5")
    assert rows[5].amount == Decimal("0.3")
    assert [(r.line, "amount is missing" in r.reason) for r in parsed.rejected] == [(6, True),
                                                                                  (7, True)]


# --- Any other file through a mapping -------------------------------------------------------

MM_MAPPING = {"date": 0, "amount": 3, "currency": 4, "description": 2, "client": 5}


def test_mapped_mobile_money_statement_cp1252_semicolons_decimal_commas():
    parsed = parse(read("mobile_money_cp1252.csv"), "mpamba.csv", MM_MAPPING, today=TODAY)
    rows = {r.line: r for r in parsed.rows}

    assert parsed.format == "mapped"
    assert rows[2].amount == Decimal("25000.00") and rows[2].currency == "MWK"
    assert rows[2].description == "Paiement reçu – traduction" and rows[2].client == "Café Zomba"
    assert rows[2].earned_on == date(2026, 11, 5)  # day-first, settled by "13/11/2026"
    assert rows[3].amount == Decimal("12500.50") and rows[3].client == "École Dzaleka"
    # Money paid out (a negative amount) is not income, unless the mapping says fees.
    assert 4 not in rows and [k.line for k in parsed.skipped] == [4]
    assert parsed.rejected[0].line == 5 and "XYZ" in parsed.rejected[0].reason
    as_fees = parse(read("mobile_money_cp1252.csv"), "mpamba.csv",
                    dict(MM_MAPPING, negatives="fee"), today=TODAY)
    fee = {r.line: r for r in as_fees.rows}[4]
    assert fee.amount == Decimal("-150.00") and fee.platform == "other"


def test_mapping_with_default_currency_and_missing_columns():
    data = csv_bytes([["Day", "Paid", "Note"], ["2026-03-01", "MWK 25,000", "cash"],
                      ["2026-03-02", "1,500", "cash"]])
    parsed = parse(data, "x.csv", {"date": "0", "amount": "1", "description": 2,
                                   "client": None}, default_currency="MWK", today=TODAY)
    assert [(r.amount, r.currency) for r in parsed.rows] == [(Decimal("25000"), "MWK"),
                                                             (Decimal("1500"), "MWK")]
    with pytest.raises(StatementError, match="currency"):
        parse(data, "x.csv", {"date": 0, "amount": 1}, today=TODAY)
    with pytest.raises(StatementError, match="does not exist"):
        parse(data, "x.csv", {"date": 0, "amount": 9, "currency": 1}, today=TODAY)
    with pytest.raises(StatementError, match="date"):
        parse(data, "x.csv", {"amount": 1, "currency": 1}, today=TODAY)


def test_currency_in_amount_conflicting_with_column_is_rejected():
    data = csv_bytes([["d", "a", "c"], ["2026-03-01", "KES 100", "USD"],
                      ["2026-03-01", "$100", "CAD"]])
    parsed = parse(data, "x.csv", {"date": 0, "amount": 1, "currency": 2}, today=TODAY)
    assert "KES" in parsed.rejected[0].reason and "USD" in parsed.rejected[0].reason
    assert parsed.rows[0].currency == "CAD"  # a bare "$" does not contradict CAD


def test_preview_shows_only_the_first_rows():
    rows = [["d", "a", "c"]] + [[f"2026-03-{n:02d}", str(n), "USD"] for n in range(1, 29)]
    shown = preview(csv_bytes(rows), "x.csv", {"date": 0, "amount": 1, "currency": 2})
    assert shown.read == 5 and [r.line for r in shown.rows] == [2, 3, 4, 5, 6]
    assert preview(csv_bytes(rows), "x.csv", {"date": 0, "amount": 1, "currency": 2},
                   limit=2).read == 2


# --- Encodings, separators, quoting ---------------------------------------------------------

TABLE = [["date", "amount", "currency", "platform", "client", "kind", "description"],
         ["2026-04-01", "12.50", "EUR", "other", "Zoë Müller", "translation", "Überweisung"]]


@pytest.mark.parametrize("encoding, delimiter, prefix", [
    ("utf-8", ",", b""), ("utf-8", ";", b"\xef\xbb\xbf"), ("cp1252", ";", b""),
    ("cp1252", ",", b"\xef\xbb\xbf"), ("utf-16", "\t", b""), ("utf-8", "\t", b""),
])
def test_encodings_and_separators(encoding, delimiter, prefix):
    data = prefix + csv_bytes(TABLE, delimiter, encoding)
    parsed = parse(data, "x.csv", today=TODAY)
    assert parsed.format == "template"
    assert parsed.rows[0].client == "Zoë Müller" and parsed.rows[0].description == "Überweisung"


def test_excel_sep_line_and_line_numbers_after_multiline_quotes():
    text = ('sep=;\r\ndate;amount;currency;platform;client;kind;description\r\n'
            '2026-04-01;5;USD;other;A;;"two\r\nlines"\r\n'
            '\r\n'
            '2026-04-02;oops;USD;other;B;;x\r\n')
    parsed = parse(text.encode(), "x.csv", today=TODAY)
    assert parsed.rows[0].line == 3 and parsed.rows[0].description == "two lines"
    assert parsed.rejected[0].line == 6 and "oops" in parsed.rejected[0].reason


def test_read_table_gives_editor_line_numbers():
    header, records = s.read_table(b'a,b\n1,"x\ny\nz"\n\n2,w\n', "x.csv")
    assert header == ["a", "b"]
    assert records == [(2, ["1", "x\ny\nz"]), (6, ["2", "w"])]


# --- Natural keys ---------------------------------------------------------------------------

def test_same_file_twice_gives_the_same_keys():
    for name, mapping in (("upwork_current.csv", None), ("upwork_legacy.csv", None),
                          ("mobile_money_cp1252.csv", MM_MAPPING)):
        first = parse(read(name), name, mapping, today=TODAY)
        second = parse(read(name), name, mapping, today=date(2027, 1, 1))
        assert [r.natural_key for r in first.rows] == [r.natural_key for r in second.rows]
        assert all(len(r.natural_key) <= 64 for r in first.rows)


def test_keys_without_a_transaction_id():
    rows = [["2026-01-05", "10.50", "USD", "", "", "", "Logo  design"],
            ["2026-01-05", "10.5", "usd", "fiverr", "", "", "logo design"],
            ["2026-01-06", "10.5", "USD", "", "", "", "logo design"]]
    parsed = parse(s.template_csv() + csv_bytes(rows), "t.csv", today=TODAY)
    keys = [r.natural_key for r in parsed.rows]
    # Two genuine identical payments on one day stay two entries …
    assert len(set(keys)) == 3
    # … and the first one's key is the plain hash of date|amount|currency|description.
    import hashlib
    assert keys[0] == hashlib.sha256(b"2026-01-05|10.5|USD|logo design").hexdigest()
    # The same entry in another file (exported differently) gets the same key.
    other = parse(s.template_csv() + csv_bytes([rows[1]]), "t2.csv", today=TODAY)
    assert other.rows[0].natural_key == keys[0]
