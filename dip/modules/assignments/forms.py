"""Forms of the assignments feature."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, DecimalField, FileField, IntegerField, SelectField,
    SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from dip.core.forms import choices
from dip.core.once import OnceForm
from dip.modules.assignments.models import FILE_KINDS
from dip.modules.assignments.verification import MAX_BYTES

KIND_LABELS = (("text", _l("Text written here")), ("file", _l("A file")), ("link", _l("A link")))


class SubmitForm(OnceForm):
    """A learner's answer: text, a file or a link, as the assignment asks."""

    text = TextAreaField(_l("Your answer"), validators=[Length(max=50_000)])
    link = StringField(_l("Web address"), validators=[Optional(), Length(max=500)])
    file = FileField(_l("Your file"))


class AssignmentForm(OnceForm):
    """A trainer's own assignment for one cohort."""

    cohort = SelectField(_l("Cohort"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    instructions = TextAreaField(_l("Instructions"), validators=[Length(max=20_000)])
    kind = SelectField(_l("Learners send"), choices=choices(KIND_LABELS), default="text")
    accept = SelectMultipleField(
        _l("File types (for a file)"), choices=choices((k, "." + k) for k in FILE_KINDS),
        option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False), default=["docx"])
    due_week = IntegerField(_l("Due in week"), validators=[Optional(), NumberRange(1, 26)])
    required = BooleanField(_l("Required for completion"), default=True)
    rubric = TextAreaField(
        _l("Rubric"), validators=[DataRequired()],
        description=_l("One criterion a line, then | and its points. Example: Clear headings | 4"))


class RuleForm(OnceForm):
    """A cohort's completion thresholds."""

    pass_percent = DecimalField(_l("Pass mark for each required assignment (%)"),
                                validators=[InputRequired(), NumberRange(0, 100)], places=0)
    attendance_percent = DecimalField(_l("Attendance needed (%)"),
                                      validators=[InputRequired(), NumberRange(0, 100)], places=0)


class SessionDateForm(OnceForm):
    """The date of the class whose attendance is taken."""

    held_on = DateField(_l("Date of the class"), validators=[DataRequired()])


class NameForm(OnceForm):
    """How the learner's name appears on their certificate."""

    name = StringField(_l("Name shown on the certificate"),
                       validators=[DataRequired(), Length(min=2, max=80)])


class RevokeForm(OnceForm):
    """Why a certificate is revoked."""

    reason = StringField(_l("Reason"), validators=[Length(max=200)])


class CheckForm(FlaskForm):
    """A credential anyone pastes or uploads to check it (changes nothing: no one-time token)."""

    token = TextAreaField(_l("Paste the credential"), render_kw={"dir": "auto", "rows": 4},
                          validators=[Optional(), Length(max=MAX_BYTES)],
                          description=_l("The text of the .jwt file, beginning with eyJ"))
    upload = FileField(_l("Or choose the credential file (.jwt)"))
