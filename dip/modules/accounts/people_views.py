"""Managing people: the lists, one person's page, creating, importing, and staff powers.

Staff powers over a person (a reset code, deactivation, renaming, placing) are only for people
``dip.core.scope.may_manage`` gives the current user; the page names an administrator instead.
"""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from dip.core import pages, scope
from dip.core.access import MANAGERS, STAFF, Role, roles
from dip.core.errors import ServiceError
from dip.core.forms import choices
from dip.core.once import once
from dip.extensions import db
from dip.modules.accounts import imports, reveals, services
from dip.modules.accounts.blueprint import bp
from dip.modules.accounts.forms import EditUserForm, ImportForm, PlaceForm, UserForm, role_choices
from dip.modules.accounts.models import User, UserImport

pages.nav_link(_l("People"), "accounts.users", STAFF, order=80)


def _fail(form, field: str, error: ServiceError):
    getattr(form, error.field or field).errors.append(str(error.message))


def scoped_user(user_id: int) -> User:
    """The user ``user_id`` if the current user may see them, else 404."""
    user = db.session.scalar(
        select(User).where(User.id == user_id, User.id.in_(scope.user_ids(current_user))))
    if user is None:
        abort(404)
    return user


def managed_user(user_id: int) -> User:
    """The user ``user_id`` if the current user may use staff powers on them: 404 when out of
    sight, 403 when they hold more than the current user does (an admin's work)."""
    user = scoped_user(user_id)
    if not scope.may_manage(current_user, user):
        abort(403)
    return user


def _reveal(person: User, kind: str, secret: str) -> None:
    """Show ``secret`` on the next page from the server (never in the cookie)."""
    reveals.keep(current_user.id, person.id, kind, secret)
    session[reveals.SESSION_FLAG] = True


@bp.app_context_processor
def _waiting_reveals():
    def take() -> list[dict]:
        if session.pop(reveals.SESSION_FLAG, None) and current_user.is_authenticated:
            return reveals.take(current_user.id)
        return []

    return {"reveals": take}


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
    from dip.modules.programs.models import Cohort, Site
    from dip.modules.programs.services import place

    form = UserForm()
    form.role.choices = role_choices(current_user.role == Role.ADMIN)
    _place_choices(form)
    if form.validate_on_submit():
        cohort = db.session.get(Cohort, form.cohort.data) if form.cohort.data else None
        site = db.session.get(Site, form.site.data) if form.site.data else None
        try:
            user, password = services.create_user(form.username.data, form.display_name.data,
                                                  form.role.data, language=form.language.data)
            place(user, cohort=cohort, site=site)
        except ServiceError as error:
            db.session.rollback()
            _fail(form, "username", error)
        else:
            db.session.commit()
            _reveal(user, "password", password)
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
            record = imports.import_learners(form.file.data.read(), cohort, current_user)
        except ServiceError as error:
            form.file.errors.append(str(error.message))
        else:
            return redirect(url_for("accounts.import_sheet", import_id=record.id))
    return render_template("accounts/import.html", form=form, columns=imports.IMPORT_COLUMNS)


@bp.route("/users/import/<int:import_id>")
@roles(*MANAGERS)
def import_sheet(import_id: int):
    """The printable sheet of sign-in names and first-time passwords of one import."""
    from dip.modules.programs.models import Cohort

    record = db.session.get(UserImport, import_id)
    if record is None or record.created_by_id != current_user.id:
        abort(404)
    rows, fresh = imports.sheet_rows(record)
    return render_template("accounts/sheet.html", record=record, rows=rows, fresh=fresh,
                           cohort=db.session.get(Cohort, record.cohort_id))


@bp.route("/users/<int:user_id>")
@roles(*STAFF)
def user(user_id: int):
    """One person: role, place, state, and the actions on them the current user may take."""
    from dip.modules.accounts import audit
    from dip.modules.programs.profiles import GENDER_LABELS
    from dip.modules.programs.services import places_of, profile_of

    person = scoped_user(user_id)
    manages = scope.may_manage(current_user, person)
    place_form = None
    if manages and current_user.role in MANAGERS and person.role != Role.ADMIN:
        place_form = PlaceForm()
        _place_choices(place_form)
    return render_template("accounts/user.html", person=person, profile=profile_of(person),
                           places=places_of(person), place_form=place_form, manages=manages,
                           gender_labels=GENDER_LABELS,
                           events=audit.events_of(person.id) if manages else [],
                           event_labels=audit.LABELS)


@bp.route("/users/<int:user_id>/place", methods=["POST"])
@roles(*MANAGERS)
@once
def add_place(user_id: int):
    """Add a trainer to a cohort or a coordinator or reviewer to a site; move a learner."""
    from dip.modules.programs.services import visible_cohorts, visible_sites

    person = managed_user(user_id)
    form = PlaceForm()
    _place_choices(form)
    if form.validate_on_submit():
        cohort = next((c for c in visible_cohorts(current_user) if c.id == form.cohort.data), None)
        site = next((s for s in visible_sites(current_user) if s.id == form.site.data), None)
        try:
            services.place_person(person, current_user, cohort=cohort, site=site)
        except ServiceError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Saved."), "success")
    else:
        flash(_("Choose a cohort or a site from the list."), "error")
    return redirect(url_for("accounts.user", user_id=person.id))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles(*MANAGERS)
@once
def edit_user(user_id: int):
    """Change a user's shown name and language."""
    person = managed_user(user_id)
    form = EditUserForm(obj=person)
    if form.validate_on_submit():
        try:
            services.edit_user(person, form.display_name.data, form.language.data, current_user)
        except ServiceError as error:
            _fail(form, "language", error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("accounts.user", user_id=person.id))
    return render_template("accounts/edit_user.html", form=form, person=person)


@bp.route("/users/<int:user_id>/reset-code", methods=["POST"])
@roles(*STAFF)
@once
def reset_code(user_id: int):
    """Issue a one-time reset code (valid 24 hours) for someone who forgot their password."""
    person = managed_user(user_id)
    _reveal(person, "code", services.issue_reset_code(person, current_user))
    return redirect(url_for("accounts.user", user_id=person.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles(*MANAGERS)
@once
def set_active(user_id: int):
    """Deactivate or reactivate a user (users are never deleted)."""
    person = managed_user(user_id)
    active = request.form.get("active")
    if active not in ("0", "1"):
        abort(400)
    if person.id == current_user.id:
        flash(_("You cannot deactivate yourself."), "error")
    else:
        services.set_active(person, active == "1", by=current_user)
        flash(_("%(name)s can sign in again.", name=person.display_name) if active == "1" else
              _("%(name)s is deactivated and can no longer sign in.", name=person.display_name),
              "success")
    return redirect(url_for("accounts.user", user_id=person.id))
