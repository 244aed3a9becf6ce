"""What the statement tests share: the sample files, today's date, and rows written as
Upwork and spreadsheets write them."""
import csv
import io
from datetime import date
from pathlib import Path

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 29)
UPWORK_HEADER = ("Date,Transaction ID,Transaction type,Transaction summary,Transaction summary "
                 "details,Description 1,Description 2,Description 3,Agency team,Freelancer,"
                 "Client team,Account name,PO,Ref ID,Amount $,Amount in local currency,Currency,"
                 "Current balance $,Payment method")
LEGACY_HEADER = ("Date,Ref ID,Type,Description,Agency,Freelancer,Team,Account Name,PO,Amount,"
                 "ExchangeRate,Currency,Balance")


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def by_line(parsed):
    """Every record of a result by line number: ('row', Row) / ('skipped', reason) / …"""
    out = {r.line: ("row", r) for r in parsed.rows}
    out.update({r.line: ("skipped", r.reason) for r in parsed.skipped})
    out.update({r.line: ("rejected", r.reason) for r in parsed.rejected})
    return out


def csv_bytes(rows, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def upwork_row(ttype, amount, tid="1", when="Nov 3, 2026", client="Acme"):
    cells = [when, tid, ttype, "summary", "", "", "", "", "", "Grace", client, "Grace", "",
             "", amount, "", "", "0", ""]
    return csv_bytes([UPWORK_HEADER.split(","), cells])
