"""Reading uploaded CSV files the way people really save them.

Spreadsheet programs write UTF-8 with or without a byte-order mark, or Windows-1252, and
use commas or (in French and other locales) semicolons. The standard library's ``csv``
does the parsing; this module only finds the encoding and the separator, which no
library does reliably for such small files.
"""
import csv
import io

ENCODINGS = ("utf-8-sig", "cp1252")


class CsvError(ValueError):
    """The file cannot be read as CSV at all (the message is translated by the caller)."""


def decode(data: bytes) -> str:
    """Decode ``data`` as UTF-8 (BOM or not), falling back to Windows-1252."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvError("encoding")  # cp1252 leaves only five bytes undefined


def sniff_delimiter(text: str) -> str:
    """Return ``;`` when the header line has more semicolons than commas, else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """Return the header and ``(line_number, row)`` pairs of a CSV file.

    Line numbers are those a spreadsheet shows (the header is line 1). Completely empty
    rows are skipped; cells are stripped of surrounding spaces.
    """
    if b"\x00" in data[:4096]:
        raise CsvError("binary")
    text = decode(data)
    if not text.strip():
        raise CsvError("empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        header = [h.strip() for h in next(reader)]
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            cells = [v.strip() for v in values] + [""] * (len(header) - len(values))
            rows.append((reader.line_num, dict(zip(header, cells))))
    except csv.Error as exc:
        raise CsvError("malformed") from exc
    return header, rows
