"""Values in statement cells: amounts, dates, currencies, platforms and kinds of work, text.

* Dates: ISO ``2027-03-03``, ``Mar 3, 2027``, ``3 March 2027``, ``03/03/2027``, Excel serial
  numbers. For slashed dates the day/month order is settled once per file from the values
  that can only be one (a 13 or more in the first or second place): :func:`date_order`.
* Amounts: ``1.234,56``, ``1,234.56``, ``$1,234.56``, ``(12.50)``, ``-12.50``, ``12.50-``,
  ``MWK 25,000``, ``1 234,56``. A lone separator followed by exactly three digits
  (``1,234`` / ``1.234``) is resolved by the file's other amounts, else ``,`` is read as a
  thousands separator and ``.`` as a decimal point. The money rule (``dip.core.money``)
  applies once an amount is read.
* Currency: ISO 4217 codes (``dip.core.money.CURRENCIES``) and the symbols people type;
  a lone ``$`` means USD only when nothing else names the currency.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from dip.core.money import CURRENCIES

EARLIEST = date(2015, 1, 1)
TEXT_LIMIT = 255  # description and client are cut to this many characters

# Symbols and local abbreviations people type in amount or currency cells. "$" alone is
# ambiguous (many dollars), so it only means USD when nothing else names the currency.
_SYMBOLS = {
    "US$": "USD", "USD$": "USD", "€": "EUR", "£": "GBP", "KSH": "KES", "KSHS": "KES",
    "MK": "MWK", "JD": "JOD", "₦": "NGN", "₹": "INR", "TSH": "TZS", "TSHS": "TZS",
    "USH": "UGX", "USHS": "UGX", "FRW": "RWF", "RWF": "RWF", "¥": "JPY",
}
_WEAK_DOLLAR = "$"


_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_AMOUNT = re.compile(
    r"(?P<s1>[-+])?(?P<c1>[^\d.,'+\-()]+)?(?P<s2>[-+])?"
    r"(?P<num>\d[\d.,']*|[.,]\d+)"
    r"(?P<s3>-)?(?P<c2>[^\d.,'+\-()]+)?(?P<s4>-)?")
# Minus signs and dashes as minus; Arabic-Indic digits and separators as ASCII (Jordan).
_NUMBER_CHARS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u066b": ".", "\u066c": ",",
                               **{chr(0x0660 + n): str(n) for n in range(10)},
                               **{chr(0x06F0 + n): str(n) for n in range(10)}})
_PLAIN = re.compile(r"-?\d{1,15}(?:\.\d{1,4})?")
_GROUPED = re.compile(r"\d{1,3}(?:X\d{3})+")
FORMULA = re.compile(r"^=\s*[A-Za-z_(+\-\d]")
SHEET_ERROR = re.compile(r"^#(?:DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!)$", re.I)


def currency_code(text: str) -> str | None:
    """Turn a currency cell (``usd``, ``US$``, ``KSh``, ``€``) into an ISO code, else ``None``."""
    token = _SPACES.sub("", text or "").upper()
    if token in CURRENCIES:
        return token
    return _SYMBOLS.get(token)


def parse_amount(text: str, decimal: str | None = None) -> tuple[Decimal, str | None]:
    """Read an amount as written in statements; return ``(amount, currency or None)``.

    ``decimal`` is the file's decimal separator when known (``","`` or ``"."``); it only
    matters for a lone separator followed by exactly three digits. The currency is an ISO
    code, ``"$"`` for a bare dollar sign, or ``None``. Raises ``ValueError`` when unreadable.
    """
    if decimal != "," and _PLAIN.fullmatch(text or ""):  # the common case, fast
        return Decimal(text), None
    s = _SPACES.sub("", (text or "").translate(_NUMBER_CHARS))
    if not s:
        raise ValueError("empty")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    match = _AMOUNT.fullmatch(s)
    if not match or len(s) > 40:
        raise ValueError("unreadable")
    signs = [match.group(g) for g in ("s1", "s2", "s3", "s4") if match.group(g)]
    if len(signs) > 1 or (signs and negative):
        raise ValueError("signs")
    if signs and signs[0] == "-":
        negative = True
    currency = None
    for token in (match.group("c1"), match.group("c2")):
        if not token:
            continue
        code = "$" if token == "$" else currency_code(token)
        if code is None:
            raise ValueError("currency")
        if currency and currency != "$" and code != "$" and code != currency:
            raise ValueError("currencies")
        if currency is None or currency == "$":
            currency = code
    value = Decimal(_plain_number(match.group("num").replace("'", ""), decimal))
    return (-value if negative else value), currency


def _plain_number(num: str, decimal: str | None) -> str:
    """``1.234,56`` → ``1234.56``; raises ``ValueError`` for an impossible grouping."""
    commas, dots = num.count(","), num.count(".")
    if commas and dots:
        dec = "," if num.rfind(",") > num.rfind(".") else "."
        whole, frac = num.rsplit(dec, 1)
        return _ungroup(whole, "." if dec == "," else ",") + "." + _digits(frac)
    if commas or dots:
        sep = "," if commas else "."
        if commas + dots > 1:
            return _ungroup(num, sep)
        whole, frac = num.split(sep)
        if not frac:  # "12." is twelve
            return _digits(whole)
        if len(frac) == 3 and whole not in ("", "0"):
            thousands = decimal != sep if decimal else sep == ","
            if thousands:
                return _ungroup(num, sep)
        return (_digits(whole) if whole else "0") + "." + _digits(frac)
    return _digits(num)


def _digits(text: str) -> str:
    if not text.isdigit() or not text.isascii():
        raise ValueError("digits")
    return text


def _ungroup(text: str, sep: str) -> str:
    if sep not in text:
        return _digits(text)
    if not _GROUPED.fullmatch(text.replace(sep, "X")):
        raise ValueError("grouping")
    return text.replace(sep, "")


def amount_text(amount: Decimal) -> str:
    """A canonical text for an amount: 10.50 and 10.5 give the same key."""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_DECIMAL_COMMA = re.compile(r"(?:^|[^\d.,])\d+(?:\.\d{3})*,\d{1,2}(?:\D|$)|\.\d{3},\d")
_DECIMAL_DOT = re.compile(r"(?:^|[^\d.,])\d+(?:,\d{3})*\.\d{1,2}(?:\D|$)|,\d{3}\.\d")


def decimal_hint(values) -> str | None:
    """The decimal separator the unambiguous amounts of a file use (majority), if any."""
    comma = dot = 0
    for value in values:
        if _DECIMAL_COMMA.search(value):
            comma += 1
        elif _DECIMAL_DOT.search(value):
            dot += 1
        if comma + dot >= 500:  # a file writes amounts one way: enough votes to know it
            break
    if comma == dot == 0:
        return None
    return "," if comma > dot else "."


_MONTHS = {
    name: number for number, names in enumerate((
        ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
        ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
        ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
        ("dec", "december")), start=1) for name in names
}
_TIME_TAIL = r"(?:[T\s,].*)?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME_TAIL)
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME_TAIL)
_MONTH_FIRST = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
                          + _TIME_TAIL)
_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]{3,9})\.?,?[\s\-]+(\d{4}|\d{2})"
                        + _TIME_TAIL)
_COMPACT = re.compile(r"(20\d{2})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
_EXCEL_EPOCH = date(1899, 12, 30)


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def parse_date(text: str, order: str = "dmy") -> date:
    """Read a statement date; ``order`` (``"dmy"`` or ``"mdy"``) settles ``03/04/2027``.

    Raises ``ValueError`` when the text is not a date.
    """
    s = (text or "").strip()
    if len(s) == 10 and s[4] == "-":  # the common case, fast
        try:
            return date.fromisoformat(s)
        except ValueError:
            pass
    if match := _ISO.fullmatch(s):
        y, m, d = match.groups()
        return date(int(y), int(m), int(d))
    if match := _NUMERIC.fullmatch(s):
        a, b, y = match.groups()
        day, month = (a, b) if order == "dmy" else (b, a)
        return date(_year(y), int(month), int(day))
    if match := _MONTH_FIRST.fullmatch(s):
        name, d, y = match.groups()
        return date(int(y), _MONTHS[name.casefold()], int(d))
    if match := _DAY_FIRST.fullmatch(s):
        d, name, y = match.groups()
        return date(_year(y), _MONTHS[name.casefold()], int(d))
    if match := _COMPACT.fullmatch(s):
        y, m, d = match.groups()
        return date(int(y), int(m), int(d))
    if match := _SERIAL.fullmatch(s):  # a date cell that lost its format: Excel's day count
        return _EXCEL_EPOCH + timedelta(days=int(match.group(1)))
    raise ValueError("not a date")


def date_order(values) -> tuple[str | None, list[str]]:
    """How this file writes slashed dates, from the dates that can only be read one way.

    Returns ``("dmy" or "mdy", [])`` when a value over 12 in the first or second place settles
    it (or when no date depends on it); ``(None, examples)`` with up to two dates that read
    differently each way when nothing in the file settles it: then a person must say.
    """
    dmy = mdy = 0
    examples: list[str] = []
    for value in values:
        match = _NUMERIC.fullmatch(value) if value[:1].isdigit() else None
        if match:
            a, b = int(match.group(1)), int(match.group(2))
            if a > 12 >= b:
                dmy += 1
            elif b > 12 >= a:
                mdy += 1
            elif a != b and len(examples) < 2 and value not in examples:
                examples.append(value)
    if dmy != mdy:
        return ("dmy" if dmy > mdy else "mdy"), []
    if dmy == 0 and not examples:
        return "dmy", []  # no date depends on the order
    return None, examples


def type_key(text: str) -> str:
    """Letters only, case folded: ``Fixed-Price`` and ``fixed price`` are one key."""
    return re.sub(r"[^a-z]", "", text.casefold())


_PLATFORM_ALIASES = {
    "upwork": "upwork", "fiverr": "fiverr", "freelancer": "freelancer",
    "freelancercom": "freelancer", "peopleperhour": "peopleperhour", "pph": "peopleperhour",
    "local": "local", "localclient": "local", "client": "local", "direct": "local",
    "other": "other",
}
_KIND_ALIASES = {
    "translation": "translation", "translating": "translation",
    "transcription": "transcription", "transcribing": "transcription",
    "dataentry": "data_entry", "data": "data_entry", "writing": "writing",
    "copywriting": "writing", "contentwriting": "writing", "design": "design",
    "graphicdesign": "design", "virtualassistance": "virtual_assistance",
    "virtualassistant": "virtual_assistance", "va": "virtual_assistance", "other": "other",
}


def platform_code(text: str) -> str:
    """A platform name as typed (``People Per Hour``) → one of :data:`PLATFORMS`."""
    return _PLATFORM_ALIASES.get(type_key(text or ""), "other")


def kind_code(text: str) -> str | None:
    """A kind of work as typed (``Data entry``) → one of :data:`KINDS`, ``None`` if blank."""
    key = type_key(text or "")
    return _KIND_ALIASES.get(key, "other") if key else None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(text: str) -> str:
    """One line of plain text, at most TEXT_LIMIT characters (line breaks become spaces)."""
    if (text.isprintable() and "  " not in text and len(text) <= TEXT_LIMIT
            and text[:1] != " " and text[-1:] != " "):
        return text  # the common case, fast (cells are already stripped)
    return " ".join(_CONTROL.sub(" ", text or "").split())[:TEXT_LIMIT]
