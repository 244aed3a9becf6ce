"""Sign-in and sign-out, passwords, reset codes and kept forms; people are in ``people_views``."""
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import with_expression

from dip.core import clock, locales, pages, parked
from dip.core.access import Role, public, roles
from dip.core.errors import ServiceError
from dip.core.memo import built_once
from dip.core.once import once
from dip.core.web import fresh_session, local_path, row_id_or_none
from dip.extensions import csrf, db, login_manager
from dip.modules.accounts import notice_views  # noqa: F401 - registers the reset notice on bp
from dip.modules.accounts import people_views  # noqa: F401 - registers the people pages on bp
from dip.modules.accounts import devices, holds, services
from dip.modules.accounts.blueprint import bp
from dip.modules.accounts.forms import LoginForm, PasswordForm, ResetForm
from dip.modules.accounts.models import User

__all__ = ["bp"]
# Shared computers: sign-in and sign-out empty localStorage, sessionStorage and the rest of what
# this site stored in the browser. Not "cache": pages are no-store already, so the HTTP cache
# holds only the public stylesheet, which the next person would pay to download again on a slow
# link; not "cookies": the session cookie is replaced anyway and the browser token
# (devices.py) must stay.
CLEAR_STORAGE = '"storage"'

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    """Load the user of a session cookie; a rotated session token makes the cookie worthless."""
    ident, _sep, token = user_id.partition(":")
    ident = row_id_or_none(ident)
    if ident is None:
        return None
    user = db.session.scalars(_user_by_id(), {"id": ident}).first()
    if user is None or not user.active or user.session_token != token:
        return None
    return user


@built_once
def _user_by_id():
    # Every signed-in request starts here: a statement built once runs from SQLAlchemy's
    # compiled cache, where ``session.get`` builds and keys a new one each time (50 µs more).
    # It also says whether a reset notice may be due, which the home page would otherwise ask.
    return (select(User).where(User.id == bindparam("id"))
            .options(with_expression(User.may_have_reset_notice, holds.notice_may_be_due(User.id))))


def _wait_message(seconds: int) -> str:
    return _("Too many failed sign-ins. Please wait %(time)s and try again.",
             time=locales.duration(timedelta(seconds=seconds)))


def _fail(form, field: str, error: ServiceError):
    getattr(form, error.field or field).errors.append(str(error.message))


def _local_next() -> str | None:
    """The page to return to after signing in, only if it is a path on this site."""
    return local_path(request.args.get("next"))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status, replaced = 200, None
    if form.validate_on_submit():
        device = devices.valid(request.cookies.get(devices.cookie_name()))
        result = services.authenticate(form.username.data, form.password.data,
                                       request.remote_addr or "unknown", device)
        if result.user is not None:
            response = _signed_in(result.user)
            response.headers["Clear-Site-Data"] = CLEAR_STORAGE  # the last person's, if any
            response.set_cookie(
                devices.cookie_name(), result.device, max_age=devices.MAX_AGE, httponly=True,
                samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
            return response
        if result.wait:
            flash(_wait_message(result.wait), "error")
            status = 429
        else:
            replaced = result.replaced
            if replaced is None:
                flash(_("Wrong username or password."), "error")
            status = 401
        form.password.data = ""
    return render_template("accounts/login.html", form=form, replaced=replaced), status


def _signed_in(user: User):
    """Start ``user``'s session and send them where they were going."""
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
    target = url_for("accounts.kept") if parked.waiting(user.id) else _local_next()
    if holds.first_notice(user):  # told at the first sign-in after a reset
        return redirect(url_for("accounts.notice", next=target))
    return redirect(target or url_for("home.index"))


@bp.route("/kept")
@roles(*Role)
def kept():
    """What this person was sending when their session ended, shown field by field in plain
    words with where it goes, to send again or let go."""
    waiting = parked.waiting(current_user.id)
    if not waiting:
        return redirect(url_for("home.index"))
    sections = pages.nav_for(current_user)
    return render_template("accounts/kept.html",
                           waiting=[parked.describe(item, sections) for item in waiting])


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
    if not parked.sendable(found.path):
        flash(_("This can no longer be sent: the page it was going to is gone."), "error")
        return redirect(url_for("accounts.kept"))
    # 307 makes the browser send this same form (fresh CSRF and one-time tokens, and only the
    # fields the kept page showed) to the page that could not take it when the session ended.
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
    response = redirect(url_for("accounts.login"))
    response.headers["Clear-Site-Data"] = CLEAR_STORAGE
    return response


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
        try:
            services.redeem_reset_code(form.username.data, form.code.data, form.password.data,
                                       request.remote_addr or "unknown")
        except services.Throttled as waiting:
            flash(_wait_message(waiting.seconds), "error")
            status = 429
        except ServiceError as error:
            _fail(form, "password", error)
        else:
            flash(_("Your new password is saved. Sign in with it now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form), status
