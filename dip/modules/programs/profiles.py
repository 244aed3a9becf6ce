"""A learner's profile: the few fields reports are disaggregated by, checked in one place.

The CSV import, the correction screen and enrolment all go through ``clean_profile``; moving a
learner to another cohort keeps every field and the learner's code.
"""
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import lazy_gettext as _l

from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.programs.models import LearnerProfile

GENDERS = ("female", "male", "other", "unspecified")
AGE_BANDS = ("18-24", "25-34", "35-44", "45+")
MAX_BASELINE = Decimal("100000")
GENDER_LABELS = {"female": _l("Woman"), "male": _l("Man"), "other": _l("Other"),
                 "unspecified": _l("Not said")}


def parse_amount(text: str, locale: str | None) -> Decimal:
    """An amount a person typed, read the way their language writes numbers (``1 250,50`` in
    French); without a locale, a dot-decimal figure as a spreadsheet writes it."""
    text = "".join((text or "0").split()) or "0"
    try:
        if locale:
            return parse_decimal(text, locale=locale)
        return Decimal(text.replace(",", "").lstrip("$"))
    except (InvalidOperation, NumberFormatError):
        return Decimal("-1")


def clean_profile(gender: str | None, age_band: str | None, country: str | None,
                  income: str | None, locale: str | None = None) -> dict:
    """Checked profile values; raise ServiceError naming the field that is wrong."""
    gender = (gender or "unspecified").strip().lower()
    if gender not in GENDERS:
        raise ServiceError(_l("Choose woman, man, other or not said."), "gender")
    age_band = (age_band or "").strip() or None
    if age_band and age_band not in AGE_BANDS:
        raise ServiceError(_l("Choose an age band from the list."), "age_band")
    country = (country or "").strip().upper() or None
    if country and not (len(country) == 2 and country.isalpha()
                        and country in Locale("en").territories):
        raise ServiceError(_l("Use a two-letter code such as CD, BI or SO."), "country_of_origin")
    amount = parse_amount(income or "0", locale)
    if not amount.is_finite() or amount < 0 or amount > MAX_BASELINE:
        raise ServiceError(_l("Write the monthly income before the course in US dollars: 0 or "
                              "more."), "baseline_income_usd")
    return {"gender": gender, "age_band": age_band, "country_of_origin": country,
            "baseline_income_usd": amount.quantize(Decimal("0.01"))}


def correct_profile(profile: LearnerProfile, values: dict, by) -> None:
    """Store corrected, already cleaned values (``clean_profile``); the code never changes."""
    from dip.modules.accounts import audit

    for name in ("gender", "age_band", "country_of_origin", "baseline_income_usd"):
        setattr(profile, name, values[name])
    audit.record("profile_corrected", profile.user_id, by.id)
    db.session.commit()
