"""One-time form tokens: the same POST sent twice does the work once and shows the same result.

Every state-changing form carries a hidden ``once`` field (``OnceForm`` adds it; the
``once_field()`` template global renders it for hand-made forms). A view decorated
with ``@once`` first claims the token in its own committed transaction, so of two
copies of a request (a retry on a flaky link, a double click, two tabs) only one runs;
the other waits briefly for the first to finish and is redirected to the same result.
A view that re-renders its form (a validation error) releases the token so the user
can correct and resend.
"""
import secrets
import time
from datetime import datetime, timedelta
from functools import wraps

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import String, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from dip.core.clock import utcnow
from dip.extensions import db

FIELD = "once"
WAIT_SECONDS = 5.0


def new_token() -> str:
    """Return a fresh one-time form token."""
    return secrets.token_urlsafe(18)


class FormToken(db.Model):
    """A claimed one-time token and, once the work is done, where its result lives."""

    __tablename__ = "form_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    result_url: Mapped[str | None] = mapped_column(String(500))


class OnceForm(FlaskForm):
    """Base form: CSRF from Flask-WTF plus a one-time token."""

    once = HiddenField(default=new_token)


def _user_id():
    return current_user.id if current_user.is_authenticated else None


def _replay(token: str):
    """Answer a repeated token with the first request's result, waiting if it is still running."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = db.session.get(FormToken, token)
        if row is None:  # the first copy failed validation and released it: run again
            return None
        if row.user_id != _user_id():
            abort(400)
        if row.result_url:
            flash(_("That was already saved; it was not done twice."), "info")
            return redirect(row.result_url)
        if time.monotonic() > deadline:
            return render_template("errors/busy.html"), 409
        db.session.rollback()  # end the read so the next one sees the other request's commit
        time.sleep(0.1)


def once(view):
    """Run a POST view at most once per form token (GET passes straight through)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        token = request.form.get(FIELD, "")
        if not 16 <= len(token) <= 64:
            abort(400)
        try:
            db.session.add(FormToken(token=token, user_id=_user_id()))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            replay = _replay(token)
            if replay is not None:
                return replay
            return wrapper(*args, **kwargs)
        try:
            response = view(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            _release(token)
            raise
        status = getattr(response, "status_code", 200)
        if status in (301, 302, 303) and response.location:
            db.session.execute(
                update(FormToken).where(FormToken.token == token).values(result_url=response.location)
            )
            db.session.commit()
        else:
            db.session.rollback()
            _release(token)
        return response

    return wrapper


def _release(token: str) -> None:
    db.session.execute(delete(FormToken).where(FormToken.token == token))
    db.session.commit()


def purge(older_than_days: int = 7) -> int:
    """Delete tokens older than ``older_than_days``; return how many went."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    count = db.session.execute(delete(FormToken).where(FormToken.created_at < cutoff)).rowcount
    db.session.commit()
    return count
