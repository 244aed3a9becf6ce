"""Sign-in and sign-out, passwords and reset codes, and managing users."""
from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for,
)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from datetime import timedelta

from dip.core import clock, locales, pages, parked, scope
from dip.core.access import MANAGERS, STAFF, Role, public, roles
from dip.core.errors import ServiceError
from dip.core.forms import choices
from dip.core.once import once
from dip.core.web import fresh_session
from dip.extensions import csrf, db, login_manager
from dip.modules.accounts import services
from dip.modules.accounts.forms import (
    EditUserForm, ImportForm, LoginForm, PasswordForm, PlaceForm, ResetForm, UserForm,
    role_choices,
)
from dip.modules.accounts.models import User, UserImport

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
pages.nav_link(_l("People"), "accounts.users", STAFF, order=80)


@login_manager.user_loader
def load_user(user_id: str):
    """Load the user of a session cookie; a rotated session token makes the cookie worthless."""
    ident, _sep, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _wait_message(seconds: int) -> str:
    return _("Too many failed sign-ins. Please wait %(time)s and try again.",
             time=locales.duration(timedelta(seconds=seconds)))


def _fail(form, field: str, error: ServiceError):
    getattr(form, error.field or field).errors.append(str(error.message))


def _local_next() -> str | None:
    """The page to return to after signing in, only if it is a path on this site."""
    target = request.args.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user, wait = services.authenticate(form.username.data, form.password.data,
                                           request.remote_addr or "unknown")
        if user is not None:
            chosen = session.get("lang")
            fresh_session()  # nothing of the previous person's session carries over
            if chosen and chosen != user.language:
                user.language = chosen
                db.session.commit()
            session["lang"] = user.language
            session["began"] = session["seen"] = clock.utcnow().timestamp()
            login_user(user, remember=False)
            if user.must_change_password:
                return redirect(url_for("accounts.change_password"))
            if parked.waiting(user.id):
                return redirect(url_for("accounts.kept"))
            return redirect(_local_next() or url_for("home.index"))
        if wait:
            flash(_wait_message(wait), "error")
            status = 429
        else:
            flash(_("Wrong username or password."), "error")
            status = 401
        form.password.data = ""
    return render_template("accounts/login.html", form=form), status


@bp.route("/kept")
@roles(*Role)
def kept():
    """What this person was sending when their session ended, to send again or let go."""
    waiting = parked.waiting(current_user.id)
    if not waiting:
        return redirect(url_for("home.index"))
    return render_template("accounts/kept.html", waiting=waiting)


@bp.route("/kept/<int:parked_id>", methods=["POST"])
@roles(*Role)
def resend(parked_id: int):
    """Send a kept form again, as it was (or as just corrected), to where it was going."""
    found = parked.take(current_user.id, parked_id)
    if found is None:
        abort(404)
    if request.form.get("discard"):
        flash(_("The kept text was deleted."), "info")
        return redirect(url_for("accounts.kept"))
    # 307 makes the browser send this same form (fresh CSRF and one-time tokens) to the page
    # that could not take it when the session had ended.
    return redirect(found.path, code=307)


@bp.route("/logout", methods=["POST"])
@public
@csrf.exempt  # signing out must work even with an expired form; forcing it harms no one
def logout():
    """Sign out: end this session and every other copy of its cookie."""
    if current_user.is_authenticated:
        services.end_sessions(current_user)
    fresh_session()
    flash(_("You are signed out. You can leave the computer."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@roles()
@once
def change_password():
    """Choose a new password; required at the first sign-in with an issued password."""
    form = PasswordForm()
    first_time = current_user.must_change_password
    if form.validate_on_submit():
        try:
            user = current_user._get_current_object()
            services.change_password(user, None if first_time else (form.current.data or ""),
                                     form.password.data)
        except ServiceError as error:
            _fail(form, "password", error)
        else:
            login_user(user, remember=False)  # the cookie now carries the new token
            flash(_("Your new password is saved."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/password.html", form=form, first_time=first_time)


@bp.route("/reset", methods=["GET", "POST"])
@public
def reset():
    """Set a new password with a one-time code from a trainer or coordinator."""
    form = ResetForm()
    status = 200
    if form.validate_on_submit():
        key = f"reset:{services.normalise_username(form.username.data)}"
        wait = services.seconds_locked([key])
        if wait:
            flash(_wait_message(wait), "error")
            status = 429
        else:
            try:
                services.redeem_reset_code(form.username.data, form.code.data, form.password.data)
            except ServiceError as error:
                if error.field == "code":
                    services.record_failure(key, current_app.config["LOGIN_MAX_ATTEMPTS"])
                _fail(form, "password", error)
            else:
                services.clear_failures(key)
                flash(_("Your new password is saved. Sign in with it now."), "success")
                return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form), status


# --- managing users --------------------------------------------------------------------

def scoped_user(user_id: int) -> User:
    """The user ``user_id`` if the current user may see them, else 404."""
    user = db.session.scalar(
        select(User).where(User.id == user_id, User.id.in_(scope.user_ids(current_user))))
    if user is None:
        abort(404)
    return user


def _place_choices(form):
    from dip.modules.programs.services import visible_cohorts, visible_sites

    form.cohort.choices = choices([(0, "—")] + [
        (c.id, f"{c.site.name} · {c.name}") for c in visible_cohorts(current_user)])
    if hasattr(form, "site"):
        form.site.choices = choices(
            [(0, "—")] + [(s.id, s.name) for s in visible_sites(current_user)])


@bp.route("/users/")
@roles(*STAFF)
def users():
    """People the current user may see, learners and staff, with their state."""
    role = request.args.get("role", "")
    query = select(User).where(User.id.in_(scope.user_ids(current_user)))
    if role in set(Role):
        query = query.where(User.role == role)
    people = db.session.scalars(query.order_by(User.role, User.display_name)).all()
    return render_template("accounts/users.html", people=people, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@roles(*MANAGERS)
@once
def new_user():
    """Create one user of any role, placed in a cohort or granted a site."""
    from dip.extensions import db as _db
    from dip.modules.programs.models import Cohort, Site
    from dip.modules.programs.services import place

    form = UserForm()
    form.role.choices = role_choices(current_user.role == Role.ADMIN)
    _place_choices(form)
    if form.validate_on_submit():
        cohort = _db.session.get(Cohort, form.cohort.data) if form.cohort.data else None
        site = _db.session.get(Site, form.site.data) if form.site.data else None
        try:
            user, password = services.create_user(form.username.data, form.display_name.data,
                                                  form.role.data, language=form.language.data)
            place(user, cohort=cohort, site=site)
        except ServiceError as error:
            db.session.rollback()
            _fail(form, "username", error)
        else:
            db.session.commit()
            flash(_("%(name)s can now sign in as %(username)s with the first-time password "
                    "%(password)s. They will choose their own at first sign-in.",
                    name=user.display_name, username=user.username, password=password), "success")
            return redirect(url_for("accounts.user", user_id=user.id))
    return render_template("accounts/new_user.html", form=form)


@bp.route("/users/import", methods=["GET", "POST"])
@roles(*MANAGERS)
@once
def import_users():
    """Create learners in bulk from a CSV; bad rows are reported by line, good ones created."""
    from dip.modules.programs.models import Cohort

    form = ImportForm()
    _place_choices(form)
    form.cohort.choices = form.cohort.choices[1:]
    if form.validate_on_submit():
        cohort = db.session.get(Cohort, form.cohort.data)
        if cohort is None or not scope.may_see_cohort(current_user, cohort.id):
            abort(404)
        try:
            record = services.import_learners(form.file.data.read(), cohort, current_user)
        except ServiceError as error:
            form.file.errors.append(str(error.message))
        else:
            return redirect(url_for("accounts.import_sheet", import_id=record.id))
    return render_template("accounts/import.html", form=form, columns=services.IMPORT_COLUMNS)


@bp.route("/users/import/<int:import_id>")
@roles(*MANAGERS)
def import_sheet(import_id: int):
    """The printable sheet of sign-in names and first-time passwords of one import."""
    record = db.session.get(UserImport, import_id)
    if record is None or record.created_by_id != current_user.id:
        abort(404)
    rows, fresh = services.sheet_rows(record)
    from dip.modules.programs.models import Cohort

    return render_template("accounts/sheet.html", record=record, rows=rows, fresh=fresh,
                           cohort=db.session.get(Cohort, record.cohort_id))


@bp.route("/users/<int:user_id>")
@roles(*STAFF)
def user(user_id: int):
    """One person: role, place, state, and the actions on them."""
    from dip.modules.programs.services import profile_of

    from dip.modules.programs.services import places_of

    person = scoped_user(user_id)
    place_form = None
    if current_user.role in MANAGERS and person.role != Role.ADMIN:
        place_form = PlaceForm()
        _place_choices(place_form)
    return render_template("accounts/user.html", person=person, profile=profile_of(person),
                           places=places_of(person), place_form=place_form)


@bp.route("/users/<int:user_id>/place", methods=["POST"])
@roles(*MANAGERS)
@once
def add_place(user_id: int):
    """Add a trainer to a cohort or a coordinator or reviewer to a site; move a learner."""
    from dip.modules.programs.models import Cohort, Site
    from dip.modules.programs.services import place, visible_cohorts, visible_sites

    person = scoped_user(user_id)
    form = PlaceForm()
    _place_choices(form)
    if form.validate_on_submit():
        cohort = next((c for c in visible_cohorts(current_user) if c.id == form.cohort.data), None)
        site = next((s for s in visible_sites(current_user) if s.id == form.site.data), None)
        try:
            place(person, cohort=cohort, site=site)
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
    else:
        flash(_("Choose a cohort or a site from the list."), "error")
    return redirect(url_for("accounts.user", user_id=person.id))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles(*MANAGERS)
@once
def edit_user(user_id: int):
    """Change a user's shown name and language."""
    person = scoped_user(user_id)
    form = EditUserForm(obj=person)
    if form.validate_on_submit():
        person.display_name = form.display_name.data.strip()
        person.language = form.language.data
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("accounts.user", user_id=person.id))
    return render_template("accounts/edit_user.html", form=form, person=person)


@bp.route("/users/<int:user_id>/reset-code", methods=["POST"])
@roles(*STAFF)
@once
def reset_code(user_id: int):
    """Issue a one-time reset code (valid 24 hours) for someone who forgot their password."""
    person = scoped_user(user_id)
    if person.role == Role.ADMIN and current_user.role != Role.ADMIN:
        abort(403)
    code = services.issue_reset_code(person, current_user)
    flash(_("Reset code for %(username)s: %(code)s. It works once, within 24 hours, "
            "at the page “Forgot your password?”.", username=person.username, code=code),
          "success")
    return redirect(url_for("accounts.user", user_id=person.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles(*MANAGERS)
@once
def set_active(user_id: int):
    """Deactivate or reactivate a user (users are never deleted)."""
    person = scoped_user(user_id)
    if person.id == current_user.id:
        flash(_("You cannot deactivate yourself."), "error")
    else:
        active = request.form.get("active") == "1"
        services.set_active(person, active)
        flash(_("%(name)s can sign in again.", name=person.display_name) if active else
              _("%(name)s is deactivated and can no longer sign in.", name=person.display_name),
              "success")
    return redirect(url_for("accounts.user", user_id=person.id))
