"""Forms of the portfolio feature."""
from flask_babel import lazy_gettext as _l, lazy_pgettext
from wtforms import (
    BooleanField, DateField, FileField, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from dip.core.forms import choices
from dip.core.once import OnceForm
from dip.modules.portfolio.models import READINESS, VISIBILITY
from dip.modules.portfolio.services import READINESS_LABELS, SKILLS, VISIBILITY_LABELS


class ItemForm(OnceForm):
    """A portfolio item: the job, what the learner did, skills and a sample."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("Example: French to English translation of a school "
                                       "letter"))
    client_need = TextAreaField(_l("What the client needed"), validators=[Length(max=20_000)],
                                render_kw={"rows": 3})
    what_i_did = TextAreaField(_l("What I did"), validators=[Length(max=20_000)],
                               render_kw={"rows": 3})
    skills = SelectMultipleField(_l("Skills"), choices=choices(SKILLS.items()),
                                 option_widget=CheckboxInput(),
                                 widget=ListWidget(prefix_label=False))
    tags = StringField(_l("Other skills or tools"), validators=[Length(max=400)],
                       description=_l("Separate them with commas, e.g. Swahili, Google Sheets"))
    sample_text = TextAreaField(_l("Sample as text"), validators=[Length(max=20_000)],
                                description=_l("Paste an excerpt (a translation, a "
                                               "transcription…), or upload a file below."))
    file = FileField(_l("Sample file"),
                     description=_l(".docx, .xlsx, .pdf, .png or .jpg, at most 5 MB"),
                     render_kw={"accept": ".docx,.xlsx,.pdf,.png,.jpg,.jpeg"})
    remove_file = BooleanField(_l("Remove the current file"))
    visibility = SelectField(_l("Who may see it"), choices=choices(
        (k, VISIBILITY_LABELS[k]) for k in VISIBILITY), default="private")


class ProfileForm(OnceForm):
    """What the public portfolio page shows."""

    shown_name = StringField(_l("Name shown to clients"),
                             validators=[DataRequired(), Length(max=80)])
    headline = StringField(lazy_pgettext("a freelancer's professional title", "Headline"), validators=[Length(max=200)],
                           description=_l("Example: Accurate English–Swahili translator"))
    about = TextAreaField(_l("About me (optional)"), validators=[Length(max=2000)],
                          description=_l("Only what you write here is shown: no camp, site or "
                                         "cohort unless you add it."), render_kw={"rows": 4})


class ReadinessForm(OnceForm):
    """The steps of a freelance profile a learner has done."""

    steps = SelectMultipleField(_l("What I have done"), choices=choices(
        (k, READINESS_LABELS[k]) for k in READINESS), option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False))


class JobForm(OnceForm):
    """The job post a proposal answers, pasted by the learner."""

    job_title = StringField(_l("Job title"), validators=[DataRequired(), Length(max=200)])
    client_description = TextAreaField(_l("What the client wrote"),
                                       validators=[DataRequired(), Length(max=10_000)],
                                       render_kw={"rows": 6})
    budget_amount = StringField(_l("Budget"), validators=[Length(max=20)],
                                description=_l("A number, e.g. 50 (leave empty if not given)"))
    budget_currency = StringField(_l("Currency"), validators=[Length(max=3)], default="USD")
    deadline = DateField(_l("Deadline"), validators=[Optional()])


class ProposalForm(OnceForm):
    """The text of the proposal."""

    body = TextAreaField(_l("Your proposal"), validators=[Length(max=20_000)],
                         render_kw={"rows": 14})


class CommentForm(OnceForm):
    """A trainer's comment on a proposal."""

    quote = TextAreaField(_l("Passage you comment on (optional)"),
                          validators=[Length(max=1000)], render_kw={"rows": 2})
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)],
                         render_kw={"rows": 3})
