"""Sign-in, password and user forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from dip.core.access import ROLE_LABELS, Role
from dip.core.forms import choices
from dip.core.once import OnceForm
from dip.core.web import LANGUAGE_NAMES

NO_STORE = {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
NEW_PASSWORD = {"autocomplete": "new-password"}
LANGUAGE_CHOICES = choices(LANGUAGE_NAMES.items())


def role_choices(is_admin: bool):
    """Roles a manager may give; only an admin creates admins."""
    return choices((str(r), label) for r, label in ROLE_LABELS.items() if is_admin or r != Role.ADMIN)


class LoginForm(FlaskForm):
    """Username and password; no "remember me" on shared computers."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)],
                           render_kw=NO_STORE)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "off"})


class PasswordForm(OnceForm):
    """Choose a new password (the current one is asked unless it was just issued)."""

    current = PasswordField(_l("Current password"), validators=[Optional(), Length(max=200)],
                            render_kw={"autocomplete": "off"})
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=200)], render_kw=NEW_PASSWORD,
        description=_l("At least 8 characters. A short sentence you remember is good."))
    confirm = PasswordField(
        _l("New password again"), render_kw=NEW_PASSWORD,
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ResetForm(FlaskForm):
    """Redeem a reset code from a trainer."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)],
                           render_kw=NO_STORE)
    code = StringField(_l("Reset code"), validators=[DataRequired(), Length(max=20)],
                       render_kw=NO_STORE, description=_l("The code your trainer gave you."))
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             render_kw=NEW_PASSWORD)
    confirm = PasswordField(
        _l("New password again"), render_kw=NEW_PASSWORD,
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class UserForm(OnceForm):
    """Create one user of any role."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)],
                           render_kw=NO_STORE,
                           description=_l("Letters and digits, e.g. amani.k. No email needed."))
    display_name = StringField(_l("Name to show"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"))
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    cohort = SelectField(_l("Cohort (learners and trainers)"), coerce=int)
    site = SelectField(_l("Site (coordinators and reviewers)"), coerce=int)


class EditUserForm(OnceForm):
    """Change what a user is called and their language."""

    display_name = StringField(_l("Name to show"), validators=[DataRequired(), Length(max=80)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class PlaceForm(OnceForm):
    """Add a trainer to a cohort, grant a site, or move a learner to another cohort."""

    cohort = SelectField(_l("Cohort"), coerce=int)
    site = SelectField(_l("Site"), coerce=int)


class ImportForm(OnceForm):
    """A CSV of learners for one cohort."""

    cohort = SelectField(_l("Cohort"), coerce=int)
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     render_kw={"accept": ".csv,text/csv"})


class ProveForm(OnceForm):
    """The password a reset replaced: only the account's owner knows it."""

    password = PasswordField(_l("Your password before the reset"),
                             validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "off"})
