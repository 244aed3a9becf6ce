"""Reading uploaded CSV files the way people really save them.

Spreadsheet programs write UTF-8 with or without a byte-order mark, or Windows-1252, and
use commas or (in French and other locales) semicolons, sometimes naming it on a first
``sep=;`` line; Excel's "Unicode Text" is UTF-16 and tab-separated. The standard library's
``csv`` does the parsing; this module only finds the encoding and the separator, which no
library does reliably for such small files. Learner imports and earnings statements share it.
"""
import codecs
import csv
import io
import re

ENCODINGS = ("utf-8-sig", "cp1252")
_QUOTED = re.compile(r'"[^"]*"')
_SEP_LINE = re.compile(r"\s*sep=([,;\t|])\s*")


class CsvError(ValueError):
    """The file cannot be read as CSV at all (the message is translated by the caller)."""


def decode(data: bytes, lenient: bool = False) -> str:
    """Decode ``data`` as Excel's "Unicode text" (UTF-16 with a BOM) or UTF-8 (BOM or not),
    falling back to Windows-1252; ``lenient`` reads what is left as Latin-1 (never fails)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if lenient:
        return data.decode("latin-1")
    raise CsvError("encoding")  # cp1252 leaves only five bytes undefined


def sniff_delimiter(text: str) -> str:
    """The separator (comma, semicolon or tab) used most on one of the first lines, quoted
    text ignored; comma on a tie. Several lines are looked at, because statements often
    start with a title line ("Statement for …") above the real header."""
    lines = [ln for ln in text[:20000].splitlines()[:20] if ln.strip()][:10]
    counts = dict.fromkeys((",", ";", "\t"), 0)
    for line in lines:
        bare = _QUOTED.sub("", line)
        for sep in counts:
            counts[sep] = max(counts[sep], bare.count(sep))
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def separator(text: str) -> tuple[str, str, int]:
    """``(delimiter, text, lines skipped)``: Excel's ``sep=;`` first line names the separator
    (and is not data); otherwise it is sniffed and nothing is skipped."""
    first, _, rest = text.partition("\n")
    match = _SEP_LINE.fullmatch(first)
    if match:
        return match.group(1), rest, 1
    return sniff_delimiter(text), text, 0


def read_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """Return the header and ``(line_number, row)`` pairs of a CSV file.

    Line numbers are those a spreadsheet shows (the header is line 1). Completely empty
    rows are skipped; cells are stripped of surrounding spaces.
    """
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data[:4096] and not utf16:
        raise CsvError("binary")
    text = decode(data)
    if not text.strip():
        raise CsvError("empty")
    delimiter, text, skipped = separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            cells = [v.strip() for v in values] + [""] * (len(header) - len(values))
            rows.append((reader.line_num + skipped, dict(zip(header, cells))))
    except csv.Error as exc:
        raise CsvError("malformed") from exc
    return header, rows
