"""What someone was sending when their session ended is kept for them, and only for them.

A learner writes a proposal for 40 minutes without saving; the idle limit ends the session;
they press Save. The request cannot be done (nobody is signed in any more), but its text must
not be lost. The expired session still names its user (the cookie is signed), so the form's
fields are parked under that user. When the same person signs in again they are shown what was
kept and can send it again with one button; anyone else signing in at that computer sees
nothing of it. Files are not kept (they are still on the learner's computer).

Before anything is sent again the person sees, in plain words, where it goes and every field it
carries, so nothing unseen can ride along:

* a form is kept only for a path of this site that takes a POST, and is sent again only to
  that same path (a 307 from ``/kept/<id>``), after checking it once more;
* fields are labelled from the WTForms class the view uses (found in the view's code); a field
  with no label there (a hidden field, a value added by hand) is dropped, and so is every
  password, file and hidden field;
* for a view without a form class, only typed text is kept, labelled "Your text"; short values
  such as ``active=0`` are dropped, so a one-button action is never kept at all.
"""
import inspect
from dataclasses import dataclass, field as dc_field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import JSON, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from wtforms import (
    BooleanField, FileField, HiddenField, MultipleFileField, PasswordField, RadioField,
    SelectFieldBase, SubmitField,
)
from wtforms.fields.core import UnboundField

from dip.core.clock import utcnow
from dip.extensions import db

KEEP_DAYS = 7
SKIP_FIELDS = {"csrf_token", "once"}
NEVER_SHOWN = (PasswordField, HiddenField, SubmitField, FileField, MultipleFileField)
MAX_VALUE = 50_000
TYPED_MIN = 12  # without a form class, text this long (or of several words) counts as typed
LONG_TEXT = 60
YOUR_TEXT = _l("Your text")


class ParkedForm(db.Model):
    """A form sent after its sender's session ended: where it went and its text fields."""

    __tablename__ = "parked_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list] = mapped_column(JSON, default=list)  # [[name, value], ...] in order
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass
class Shown:
    """One field of a kept form as the kept page shows it."""

    name: str
    label: str
    value: str
    words: str  # what the value means, in the reader's language (an option's label, yes)
    long: bool = False
    editable: bool = True


@dataclass
class Kept:
    """A kept form ready to be shown: where it goes, its fields, how many were dropped."""

    item: ParkedForm
    sendable: bool
    section: str | None
    page: str | None = None  # the path again, when it is also a page one can open
    fields: list[Shown] = dc_field(default_factory=list)
    dropped: int = 0


def _route(path: str):
    """The view that takes a POST at ``path`` on this site, or None."""
    if not path.startswith("/") or path.startswith("//") or any(c in path for c in "\\\t\r\n"):
        return None
    try:
        endpoint, _args = current_app.url_map.bind("localhost").match(path, method="POST")
    except (HTTPException, RequestRedirect):
        return None
    return current_app.view_functions.get(endpoint)


def _opens(path: str) -> bool:
    """Whether ``path`` is also a page to open (a GET), not only where a form goes."""
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except (HTTPException, RequestRedirect):
        return False
    return True


def _form_classes(view) -> list[type]:
    """The FlaskForm classes the view names in its code, in the order it names them."""
    plain = inspect.unwrap(view)
    found = []
    for name in plain.__code__.co_names:
        value = plain.__globals__.get(name)
        if isinstance(value, type) and issubclass(value, FlaskForm) and value not in found:
            found.append(value)
    return found


def _labelled(form_class) -> dict[str, UnboundField]:
    """The fields of ``form_class`` a person fills in and can read back (no passwords)."""
    fields = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField) and not issubclass(unbound.field_class, NEVER_SHOWN):
            fields[name] = unbound
    return fields


def _known_fields(view, names: set[str]) -> dict[str, UnboundField] | None:
    """The labelled fields of the view's form that best covers ``names``; None without a form."""
    classes = _form_classes(view)
    if not classes:
        return None
    candidates = [_labelled(c) for c in classes]
    return max(candidates, key=lambda fields: len(names & fields.keys()))  # first on a tie


def _looks_typed(value: str) -> bool:
    text = value.strip()
    return len(text) >= TYPED_MIN or " " in text or "\n" in text


def _words(unbound: UnboundField, value: str) -> str | None:
    """What ``value`` means for this field, or None if it cannot be shown (an unknown option)."""
    if issubclass(unbound.field_class, BooleanField):
        return str(_l("Yes")) if value else str(_l("No"))
    if issubclass(unbound.field_class, (SelectFieldBase, RadioField)):
        options = {}
        for choice in unbound.kwargs.get("choices") or []:  # SelectChoice or (value, label)
            key, label = (choice.value, choice.label) if hasattr(choice, "value") else choice[:2]
            options[str(key)] = str(label if label is not None else key)
        return options.get(value)
    return value


def _label(unbound: UnboundField, name: str) -> str:
    label = unbound.kwargs.get("label", unbound.args[0] if unbound.args else None)
    return str(label) if label else name


def _keepable(view, form) -> list[list[str]]:
    """The ``[name, value]`` pairs of ``form`` worth keeping and showable later."""
    pairs = [(name, value[:MAX_VALUE]) for name, value in form.items(multi=True)
             if name not in SKIP_FIELDS and "password" not in name.lower()]
    known = _known_fields(view, {name for name, _v in pairs})
    if known is None:
        return [[name, value] for name, value in pairs if _looks_typed(value)]
    return [[name, value] for name, value in pairs
            if name in known and _words(known[name], value) is not None]


def park(user_id: int, path: str, form) -> ParkedForm | None:
    """Keep what ``form`` (a MultiDict) sent to ``path`` carries that can be shown again;
    None if the path takes no POST here or nothing was typed."""
    view = _route(path)
    if view is None or len(path) > 500:
        return None
    fields = _keepable(view, form)
    if not any(value.strip() for _name, value in fields):
        return None
    parked = ParkedForm(user_id=user_id, path=path, fields=fields)
    db.session.add(parked)
    db.session.commit()
    return parked


def sendable(path: str) -> bool:
    """Whether a kept form may be sent again to ``path`` (a page of this site taking a POST)."""
    return _route(path) is not None


def describe(parked: ParkedForm, sections: list[tuple[str, str]]) -> Kept:
    """``parked`` as the kept page shows it; ``sections`` are the reader's (label, url) links,
    the longest one ``parked.path`` starts with names where it goes."""
    view = _route(parked.path)
    section = max((s for s in sections if parked.path.startswith(s[1])),
                  key=lambda s: len(s[1]), default=(None, ""))[0]
    kept = Kept(parked, view is not None, section,
                parked.path if view is not None and _opens(parked.path) else None)
    if view is None:
        kept.dropped = len(parked.fields)
        return kept
    known = _known_fields(view, {name for name, _v in parked.fields})
    for name, value in parked.fields:
        if name in SKIP_FIELDS or "password" in name.lower():
            kept.dropped += 1
        elif known is None:
            if _looks_typed(value):
                kept.fields.append(Shown(name, str(YOUR_TEXT), value, value, long=True))
            else:
                kept.dropped += 1
        elif name in known and (words := _words(known[name], value)) is not None:
            typed = words == value
            kept.fields.append(Shown(name, _label(known[name], name), value, words,
                                     long=typed and (len(value) > LONG_TEXT or "\n" in value),
                                     editable=typed))
        else:
            kept.dropped += 1
    return kept


def waiting(user_id: int) -> list[ParkedForm]:
    """The forms kept for ``user_id``, newest first."""
    since = utcnow() - timedelta(days=KEEP_DAYS)
    return list(db.session.scalars(select(ParkedForm).where(
        ParkedForm.user_id == user_id, ParkedForm.created_at >= since)
        .order_by(ParkedForm.id.desc())))


def take(user_id: int, parked_id: int) -> ParkedForm | None:
    """Remove and return kept form ``parked_id`` if it belongs to ``user_id``."""
    parked = db.session.scalar(select(ParkedForm).where(
        ParkedForm.id == parked_id, ParkedForm.user_id == user_id))
    if parked is not None:
        db.session.delete(parked)
        db.session.commit()
    return parked


def purge(now: datetime | None = None) -> int:
    """Delete kept forms older than ``KEEP_DAYS``; return how many."""
    cutoff = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    result = db.session.execute(delete(ParkedForm).where(ParkedForm.created_at < cutoff))
    db.session.commit()
    return result.rowcount
