"""Money rules shared by every feature: currency codes, the amount rule, USD values, display.

One rule for amounts, whether a person types them or a statement holds them: not zero, at
most two decimals, below ``MAX_AMOUNT`` (what the database column holds). Typed amounts are
read with Babel in the reader's language; statements have their own reader
(``earnings.statements.values``) and then pass through :func:`check_amount` too.
"""
import re
from decimal import Decimal, InvalidOperation

from babel.core import get_global
from babel.numbers import NumberFormatError, format_currency, parse_decimal
from flask_babel import get_locale, lazy_gettext as _l

#: Below this in absolute value (Numeric(14, 2) holds twelve digits before the point).
MAX_AMOUNT = Decimal("1000000000000")
#: Amounts keep exactly this many decimals.
PLACES = 2
CENT = Decimal("0.01")
MINUS = "\u2212"
_TYPED = re.compile(r"[-+]?[\d.,\u066b\u066c\u00a0\u202f'’]+")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_MACHINE = re.compile(r"-?\d+(?:\.\d+)?")
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)},
           0x066B: ".", 0x066C: ","}


def _legal_currencies() -> frozenset[str]:
    """ISO 4217 codes that were legal tender somewhere on or after 2015-01-01 (CLDR data)."""
    codes = set()
    for entries in get_global("territory_currencies").values():
        for code, _start, end, tender in entries:
            if tender and (end is None or tuple(end) >= (2015, 1, 1)):
                codes.add(code)
    return frozenset(codes)


#: The currency codes the platform accepts, for manual entries, imports, sites and rates.
CURRENCIES = _legal_currencies()

#: Why an amount breaks the rule, in words a person reads.
AMOUNT_PROBLEMS = {
    "number": _l("Write the amount as a number, such as 25.50."),
    "zero": _l("The amount cannot be zero."),
    "large": _l("This amount is too large. Check it and write it again."),
    "decimals": _l("Use at most two decimals."),
}


class AmountError(ValueError):
    """An amount breaks the rule; ``problem`` is a key of :data:`AMOUNT_PROBLEMS`."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem

    @property
    def message(self):
        """The reason, translated when shown."""
        return AMOUNT_PROBLEMS[self.problem]


def is_currency(code: str | None) -> bool:
    """Whether ``code`` is one of :data:`CURRENCIES` (exactly, in capitals)."""
    return code in CURRENCIES


def check_amount(amount: Decimal) -> Decimal:
    """``amount`` with two decimals if it obeys the rule, else AmountError."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise AmountError("number")
    if not amount:
        raise AmountError("zero")
    if abs(amount) >= MAX_AMOUNT:
        raise AmountError("large")
    cents = amount.quantize(CENT)
    if cents != amount:
        raise AmountError("decimals")
    return cents


def parse_number(text, locale=None) -> Decimal:
    """A number a person typed, read in their language (``1 234,56`` in French, ``25,50`` never
    read as 2550 in English); AmountError("number") if it is none. Amounts, rates and hours."""
    text = str(text if text is not None else "").strip()
    if not text:
        raise AmountError("number")
    # Typed minus signs come in several shapes; Babel knows only the locale's own.
    # Spaces group thousands in many languages, typed as whatever space the keyboard gives.
    # An Arabic keyboard types Arabic-Indic digits and its own decimal sign.
    text = "".join(text.replace(MINUS, "-").replace("\u2013", "-").split()).translate(_DIGITS)
    if not _TYPED.fullmatch(text):
        raise AmountError("number")
    try:
        return parse_decimal(text, locale=locale or get_locale() or "en", strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        if not _MACHINE.fullmatch(text):
            raise AmountError("number") from None
        return Decimal(text)  # "12.50" from a link or an older form, whatever the language


def parse_amount(text, locale=None) -> Decimal:
    """An amount a person typed, read in their language (``1 234,56`` in French); AmountError."""
    return check_amount(parse_number(text, locale))


def usd_value(amount: Decimal, currency: str, rate: Decimal | None) -> Decimal | None:
    """``amount`` in USD at ``rate`` (USD needs none); None when the rate is missing."""
    if currency == "USD":
        return Decimal(amount).quantize(CENT)
    if rate is None:
        return None
    return (Decimal(amount) * Decimal(rate)).quantize(CENT)


def format_money(amount, currency: str = "USD", locale=None) -> str:
    """``amount`` as the reader's language writes money; negatives with a true minus: "−$110.00"."""
    if amount is None:
        return ""
    text = format_currency(Decimal(amount), currency, locale=locale or get_locale() or "en")
    # CLDR's currency spacing, which Babel leaves out: a code in letters never touches a digit.
    return _LETTER_DIGIT.sub("\u00a0", text).replace("-", MINUS)
