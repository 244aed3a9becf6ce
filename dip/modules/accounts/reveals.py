"""Secrets shown once, from the server: first-time passwords and reset codes.

``flash()`` would write them into the session cookie, which is signed but not encrypted, so
anyone who copies the cookie could read them. Instead the secret waits in a ``Reveal`` row for
the person who made it; the next page they open shows it and deletes the row. The session only
carries a flag saying "something to show" (no secret). Rows nobody looked at go after
REVEAL_MINUTES.
"""
from datetime import timedelta

from sqlalchemy import delete, select

from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.accounts.models import Reveal, User

REVEAL_MINUTES = 10
SESSION_FLAG = "reveal"


def _purge() -> None:
    db.session.execute(delete(Reveal).where(
        Reveal.created_at < utcnow() - timedelta(minutes=REVEAL_MINUTES)))


def keep(viewer_id: int, subject_id: int, kind: str, secret: str) -> None:
    """Keep ``secret`` (``kind`` "password" or "code") about ``subject_id`` for ``viewer_id``."""
    _purge()
    db.session.add(Reveal(viewer_id=viewer_id, subject_id=subject_id, kind=kind, secret=secret,
                          created_at=utcnow()))
    db.session.commit()


def take(viewer_id: int) -> list[dict]:
    """The secrets waiting for ``viewer_id`` (each with its ``subject`` user), now deleted."""
    _purge()
    rows = db.session.execute(
        select(Reveal, User).join(User, User.id == Reveal.subject_id)
        .where(Reveal.viewer_id == viewer_id).order_by(Reveal.id)).all()
    shown = [{"kind": r.kind, "secret": r.secret, "subject": u} for r, u in rows]
    db.session.execute(delete(Reveal).where(Reveal.viewer_id == viewer_id))
    db.session.commit()
    return shown
