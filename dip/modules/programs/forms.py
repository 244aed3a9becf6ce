"""Site and cohort forms."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from dip.core.once import OnceForm


class SiteForm(OnceForm):
    """A new site."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    country = StringField(_l("Country code"), validators=[DataRequired(), Length(min=2, max=2)],
                          description=_l("Two letters, e.g. MW for Malawi, KE for Kenya."))
    currency = StringField(_l("Currency code"), validators=[DataRequired(), Length(min=3, max=3)],
                           description=_l("Three letters, e.g. MWK, KES, JOD."))
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)],
                           default="Africa/Blantyre",
                           description=_l("e.g. Africa/Blantyre, Africa/Nairobi, Asia/Amman."))


class PlanForm(OnceForm):
    """The day a learner's own week 1 begins (a late joiner's catch-up plan)."""

    start = DateField(_l("Week 1 of this learner begins on"), validators=[DataRequired()],
                      description=_l("Lessons and assignments fall due counting from this day. "
                                     "The cohort's first day puts the learner on the cohort's "
                                     "dates."))


class CohortForm(OnceForm):
    """A new cohort at a site."""

    site = SelectField(_l("Site"), coerce=int)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[Optional()],
                         description=_l("Leave empty for six months after the start."))


class ProfileForm(OnceForm):
    """Correct a learner's gender, age band, country of origin and baseline income."""

    gender = SelectField(_l("Gender"))
    age_band = SelectField(_l("Age band"))
    country_of_origin = StringField(
        _l("Country of origin"), validators=[Optional(), Length(max=3)],
        description=_l("Two letters, e.g. CD for DR Congo, BI for Burundi, SO for Somalia."))
    baseline_income_usd = StringField(
        _l("Monthly income before the course (US dollars)"), validators=[Length(max=20)],
        description=_l("Usually 0."))
