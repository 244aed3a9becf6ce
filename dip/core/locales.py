"""What Babel's locale data lacks for some interface languages (Kinyarwanda, Kirundi), filled in
so dates, waits and country names still read naturally in them."""
import math
from datetime import timedelta

from babel import Locale
from babel.units import get_unit_name
from flask_babel import format_timedelta, get_locale, ngettext

#: CLDR has no date patterns of its own for Kinyarwanda, so Babel falls back to the root
#: patterns ("2026 Uku. 1"); Rwandans write the day first, as Kirundi's CLDR data does.
DATE_PATTERNS = {
    "rw": {"short": "dd/MM/y", "medium": "d MMM y", "long": "d MMMM y", "full": "EEEE d MMMM y"},
}
#: Country names CLDR lacks in a language, taken from the nearest language that has them:
#: Kinyarwanda has 3 names in CLDR, Kirundi 223, and the two name countries alike
#: (Uburundi, Ubugande, Tanzaniya, Repubulika Iharanira Demokarasi ya Kongo).
TERRITORY_FALLBACK = {"rw": ("rn", "en")}


def _locale() -> str:
    return str(get_locale() or "en")


def date_pattern(fmt: str = "medium", locale: str | None = None) -> str:
    """The date format to hand Babel: the format name, or a pattern where CLDR has none."""
    return DATE_PATTERNS.get(locale or _locale(), {}).get(fmt, fmt)


def datetime_pattern(fmt: str = "medium", locale: str | None = None) -> str:
    """The same for a date with its time (the time part is Babel's own)."""
    locale = locale or _locale()
    if fmt not in DATE_PATTERNS.get(locale, {}):
        return fmt
    return f"{DATE_PATTERNS[locale][fmt]} {Locale.parse(locale).time_formats[fmt].pattern}"


def country_name(code: str, locale: str | None = None) -> str:
    """A country's name in the reader's language, a close language's, or English; else the code."""
    locale = locale or _locale()
    for lang in (locale, *TERRITORY_FALLBACK.get(locale, ("en",))):
        name = Locale.parse(lang).territories.get(code)
        if name:
            return name
    return code


def _has_unit_names(locale: str) -> bool:
    # Without unit names of its own Babel writes root's "14 min", "3 d": short forms that a
    # reader with little schooling may not know.
    root = get_unit_name("duration-minute", length="long", locale="root")
    return locale == "en" or get_unit_name("duration-minute", length="long", locale=locale) != root


def duration(delta: timedelta) -> str:
    """How long to wait, in words: Babel's ("15 minutes"), or whole minutes in the catalogue's
    words where Babel has no unit names (rounded up: a wait is never shorter than said)."""
    if _has_unit_names(_locale()):
        return format_timedelta(delta, threshold=1.1)
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    return ngettext("%(num)s minute", "%(num)s minutes", minutes)
