"""Small form helpers shared by every feature."""
from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale, gettext
from wtforms import StringField
from wtforms.fields.choices import SelectChoice

from dip.core.money import AmountError, parse_number


def choices(pairs) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into select options (WTForms 3.3 no longer takes tuples).

    Each option takes the direction of its own text: a cohort typed in English reads right in
    the Arabic interface (an option cannot hold a ``<bdi>``)."""
    return [SelectChoice(value, label, render_kw={"dir": "auto"}) for value, label in pairs]


class LocaleNumberField(StringField):
    """A number in the reader's language: ``data`` is a Decimal (None when left empty), the
    text box keeps what was typed, and a stored value is shown with the locale's decimal sign."""

    def __init__(self, label=None, validators=None, places: str = "0.00", **kwargs):
        # A number box keeps its digits in their own order inside a right-to-left page, and
        # phones offer the number keyboard with the decimal sign.
        kwargs["render_kw"] = {"dir": "auto", "inputmode": "decimal",
                               **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)
        self.places = places

    def process_formdata(self, valuelist):
        """Read the typed text by the reader's locale; a wrong number is this field's error."""
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            if len(valuelist[0]) > 40:
                raise AmountError("number")
            self.data = parse_number(valuelist[0], get_locale())
        except AmountError:
            self.data = None
            raise ValueError(gettext("Write it as a number, such as %(example)s.",
                                     example=format_decimal(Decimal("25.50"), self.places,
                                                            locale=get_locale()))) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return format_decimal(self.data, self.places, locale=get_locale())
        return self.data or ""
