"""What someone was sending when their session ended is kept for them, and only for them.

A learner writes a proposal for 40 minutes without saving; the idle limit ends the session;
they press Save. The request cannot be done (nobody is signed in any more), but its text must
not be lost. The expired session still names its user (the cookie is signed), so the form's
text fields are parked under that user. When the same person signs in again they are shown
what was kept and can send it again, as it was, with one button; anyone else signing in at
that computer sees nothing of it. Files are not kept (they are still on the learner's computer).
"""
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from dip.core.clock import utcnow
from dip.extensions import db

KEEP_DAYS = 7
SKIP_FIELDS = {"csrf_token", "once"}
MAX_VALUE = 50_000


class ParkedForm(db.Model):
    """A form sent after its sender's session ended: where it went and its text fields."""

    __tablename__ = "parked_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list] = mapped_column(JSON, default=list)  # [[name, value], ...] in order
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def park(user_id: int, path: str, form) -> ParkedForm | None:
    """Keep the text fields of ``form`` (a MultiDict) sent to ``path``; None if nothing typed."""
    fields = [[name, value[:MAX_VALUE]] for name, value in form.items(multi=True)
              if name not in SKIP_FIELDS]
    if not any(value.strip() for _name, value in fields):
        return None
    parked = ParkedForm(user_id=user_id, path=path[:500], fields=fields)
    db.session.add(parked)
    db.session.commit()
    return parked


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
