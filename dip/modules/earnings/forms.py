"""Forms of the earnings feature."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, FileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from dip.core.forms import LocaleNumberField, choices
from dip.core.once import OnceForm
from dip.core.web import row_id, row_id_or_none
from dip.modules.earnings.models import KINDS, PLATFORMS

PLATFORM_LABELS = {
    "upwork": "Upwork", "fiverr": "Fiverr", "freelancer": "Freelancer",
    "peopleperhour": "PeoplePerHour", "local": _l("A local client"), "other": _l("Other"),
}
KIND_LABELS = {
    "translation": _l("Translation"), "transcription": _l("Transcription"),
    "data_entry": _l("Data entry"), "writing": _l("Writing"), "design": _l("Design"),
    "virtual_assistance": _l("Virtual assistance"), "other": _l("Other"),
}

#: How the audit trail names each field it shows.
FIELD_LABELS = {
    "earned_on": _l("Date earned"), "amount": _l("Amount"), "currency": _l("Currency"),
    "platform": _l("Platform"), "client": _l("Client"), "kind": _l("Kind of work"),
    "hours": _l("Hours worked"), "note": _l("Note"),
}


class EntryForm(OnceForm):
    """An earning (or a fee or refund, as a negative amount).

    The view fills in today's date and the learner's site currency; the platform starts
    empty, so nobody logs a local client's payment as Upwork by leaving a preset alone.
    """

    learner = SelectField(_l("Learner"), coerce=row_id, validate_choice=False)
    earned_on = DateField(_l("Date earned"), validators=[DataRequired()])
    amount = LocaleNumberField(_l("Amount"), validators=[InputRequired()],
                         description=_l("A fee or refund is negative, e.g. -5.00."))
    currency = StringField(_l("Currency"), validators=[DataRequired(), Length(max=3)],
                           description=_l("Three letters: USD, MWK, KES, JOD, EUR…"))
    platform = SelectField(_l("Platform"), choices=choices(
        [("", _l("Choose…"))] + [(k, PLATFORM_LABELS[k]) for k in PLATFORMS]),
        validators=[InputRequired(_l("Choose a platform from the list."))], default="")
    client = StringField(_l("Client"), validators=[Length(max=120)])
    kind = SelectField(_l("Kind of work"), choices=choices((k, KIND_LABELS[k]) for k in KINDS),
                       default="other")
    hours = LocaleNumberField(_l("Hours worked"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Length(max=500)], render_kw={"rows": 2})


class RateForm(OnceForm):
    """A monthly exchange rate, typed the way it is usually quoted, for a site or all sites."""

    site = SelectField(_l("Site"), validate_choice=True)
    currency = StringField(_l("Currency"), validators=[DataRequired(), Length(max=3)])
    month = StringField(_l("Month"), validators=[DataRequired(), Length(max=10)],
                        description=_l("YYYY-MM"), render_kw={"placeholder": "2026-11"})
    rate = LocaleNumberField(_l("Rate"), validators=[InputRequired()],
                       places="#,##0.##########")
    direction = SelectField(_l("The rate says"), choices=choices((
        ("per_usd", _l("how many units of the currency make 1 US dollar")),
        ("to_usd", _l("how many US dollars 1 unit of the currency is worth")))),
        default="per_usd")

    def site_id(self) -> int | None:
        """The chosen site's id, or None for every site."""
        return row_id_or_none(self.site.data)


class RateImportForm(OnceForm):
    """A CSV of rates: currency, month, rate_to_usd or units_per_usd; for a site or all sites."""

    import_site = SelectField(_l("Site"), validate_choice=True)  # beside RateForm's ``site``

    file = FileField(_l("CSV file of rates"),
                     description=_l("Columns: currency, month (YYYY-MM), and units_per_usd or "
                                    "rate_to_usd."))


class ImportForm(OnceForm):
    """A statement to import."""

    learner = SelectField(_l("Learner"), coerce=row_id, validate_choice=False)
    file = FileField(_l("Statement (CSV or Excel .xlsx, at most 10 MB)"))
    currency = StringField(_l("Currency of the amounts, if the file does not say"),
                           validators=[Optional(), Length(max=3)])
