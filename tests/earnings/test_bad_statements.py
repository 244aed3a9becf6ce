"""Statement files that are broken, hostile or not statements at all: each bad row reported by
its line, the good ones kept, and nothing but a clear StatementError, whatever the bytes."""
import time
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dip.modules.earnings import statements as s
from dip.modules.earnings.statements import StatementError, parse
from tests.earnings.statement_data import TODAY, UPWORK_HEADER, by_line, csv_bytes, read


# --- Bad input (the list) -----------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file(data):
    with pytest.raises(StatementError, match="empty"):
        parse(data, "x.csv", today=TODAY)


def test_header_only_file_is_a_clear_error():
    with pytest.raises(StatementError, match="no entries"):
        parse(UPWORK_HEADER.encode() + b"\r\n\r\n", "x.csv", today=TODAY)


def test_spreadsheet_saved_as_csv_with_formulas():
    parsed = parse(read("ledger_formulas.csv"), "ledger.csv",
                   {"date": 0, "amount": 1, "currency": 2, "description": 3}, today=TODAY)
    assert [r.line for r in parsed.rows] == [2]
    assert [r.line for r in parsed.rejected] == [3, 4]
    assert "formula" in parsed.rejected[0].reason and "=B2*2" in parsed.rejected[0].reason


def test_unknown_currency_future_and_old_dates_are_rejected_per_row():
    data = s.template_csv() + csv_bytes([
        ["2026-01-05", "10", "ZZZ", "", "", "", "unknown code"],
        ["2026-01-05", "10", "ZMK", "", "", "", "withdrawn before 2015"],
        ["2026-12-25", "10", "USD", "", "", "", "future"],
        ["2014-12-31", "10", "USD", "", "", "", "too old"],
        ["2015-01-01", "10", "USD", "", "", "", "first day kept"],
        ["2026-11-30", "10", "USD", "", "", "", "tomorrow in UTC: a time zone, kept"],
        ["31/02/2026", "10", "USD", "", "", "", "no such day"],
        ["2026-01-05", "0", "USD", "", "", "", "zero"],
    ])
    parsed = parse(data, "t.csv", today=TODAY)
    lines = by_line(parsed)

    assert "ZZZ" in lines[3][1] and "ZMK" in lines[4][1]
    assert "future" in lines[5][1] and "before 2015" in lines[6][1]
    assert lines[7][0] == lines[8][0] == "row"
    assert "not a date" in lines[9][1]
    assert lines[10][0] == "skipped" and "zero" in lines[10][1]
    assert all(isinstance(r.reason, str) for r in parsed.rejected + parsed.skipped)


def test_twenty_megabyte_file_is_refused_with_the_limit():
    data = s.template_csv() + b"2026-01-05,10,USD,,,,x\r\n" * (20 * 1024 * 1024 // 24)
    with pytest.raises(StatementError) as info:
        parse(data, "big.csv", today=TODAY)
    assert "10 MB" in str(info.value) and "20." in str(info.value)


@pytest.mark.parametrize("data, name, words", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", ".xls"),
    (b"%PDF-1.7 ...", "statement.pdf", "PDF"),
    (b"PK\x03\x04broken", "broken.xlsx", "cannot be opened"),
    (b"not really a spreadsheet", "x.xlsx", "cannot be opened"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "export.xls", "web page"),
    (b"a,b\n\x00\x01\x02,3\n", "x.csv", "not a CSV"),
])
def test_files_that_are_not_statements(data, name, words):
    with pytest.raises(StatementError) as info:
        parse(data, name, today=TODAY)
    assert words in str(info.value)


def test_one_bad_row_never_sinks_the_file():
    good = ["2026-01-05", "10", "USD", "", "", "", "good"]
    data = s.template_csv() + csv_bytes([good, ["garbage"], ["2026-01-06", "x", "USD"], good])
    parsed = parse(data, "t.csv", today=TODAY)
    assert [r.line for r in parsed.rows] == [3, 6]
    assert [r.line for r in parsed.rejected] == [4, 5]


def test_fifty_thousand_rows_parse():
    lines = ["date,amount,currency,platform,client,kind,description"]
    lines += [f"2026-{1 + n % 10:02d}-{1 + n % 28:02d},{n % 500}.{n % 100:02d},USD,upwork,"
              f"Client {n % 50},translation,Job {n}" for n in range(50_000)]
    data = "\n".join(lines).encode()
    started = time.perf_counter()
    parsed = parse(data, "big.csv", today=TODAY)
    elapsed = time.perf_counter() - started
    assert parsed.read == 50_000
    assert len(parsed.rows) + len(parsed.skipped) == 50_000 and not parsed.rejected
    assert len({r.natural_key for r in parsed.rows}) == len(parsed.rows)
    print(f"50,000 rows in {elapsed:.2f}s = {50_000 / elapsed:,.0f} rows/s")


# --- Properties -----------------------------------------------------------------------------

@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x", "x.txt"]))
def test_random_bytes_never_raise_anything_but_statement_error(data, name):
    for mapping in (None, {"date": 0, "amount": 1, "currency": 2}):
        try:
            result = parse(data, name, mapping, today=TODAY)
        except StatementError as exc:
            assert str(exc)
        else:
            assert result.read == len(result.rows) + len(result.rejected) + len(result.skipped)


@settings(max_examples=300)
@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=8), min_size=1,
                max_size=10), st.sampled_from([",", ";", "\t"]))
def test_random_tables_never_raise_anything_but_statement_error(table, delimiter):
    data = csv_bytes([list(s.TEMPLATE_HEADER)] + table, delimiter)
    try:
        result = parse(data, "x.csv", default_currency="USD", today=TODAY)
    except StatementError:
        return
    assert result.read == len(result.rows) + len(result.rejected) + len(result.skipped)
    for row in result.rows:
        assert s.EARLIEST <= row.earned_on and row.currency in s.CURRENCIES


def test_title_lines_above_the_header_are_passed_over():
    text = ("M-PESA STATEMENT FOR GRACE\r\n\r\n"
            "Completion Time;Details;Paid In;Currency\r\n"
            "2026-06-01 10:12:13;Payment from Acme;1.500,00;KES\r\n")
    header, records = s.read_table(text.encode(), "mpesa.csv")
    assert header == ["Completion Time", "Details", "Paid In", "Currency"]
    parsed = parse(text.encode(), "mpesa.csv", {"date": 0, "amount": 2, "currency": 3,
                                                "description": 1}, today=TODAY)
    assert [(r.line, r.earned_on, r.amount) for r in parsed.rows] == [
        (4, date(2026, 6, 1), Decimal("1500.00"))]


XLSX = s.template_xlsx()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(min_value=0, max_value=len(XLSX) - 1), st.binary(min_size=1, max_size=64))
def test_damaged_spreadsheets_raise_only_statement_error(position, junk):
    data = XLSX[:position] + junk + XLSX[position + len(junk):]
    try:
        parse(data, "x.xlsx", today=TODAY)
    except StatementError as exc:
        assert str(exc)
