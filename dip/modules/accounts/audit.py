"""The accounts audit trail: reset codes issued and used, deactivations, renames, places.

Each row says who did what to whose account and when; staff who may manage a person read that
person's rows on their page. (Outcomes keeps its own log of reviewer views; this one is for
accounts only.)
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.accounts.models import AccountEvent, User

LABELS = {
    "reset_code_issued": _l("Reset code issued"),
    "reset_code_redeemed": _l("Reset code used: new password set"),
    "hold_lifted": _l("Private items shown again with the previous password"),
    "password_changed": _l("Password changed by its owner"),
    "deactivated": _l("Deactivated"),
    "reactivated": _l("Reactivated"),
    "edited": _l("Name or language changed"),
    "placed": _l("Placed in a cohort or site"),
    "profile_corrected": _l("Learner details corrected"),
}


def record(kind: str, subject_id: int, actor_id: int | None = None, **detail) -> None:
    """Add an event to the trail (the caller's transaction commits it with the change)."""
    db.session.add(AccountEvent(kind=kind, subject_id=subject_id, actor_id=actor_id,
                                detail=detail, at=utcnow()))


def events_of(subject_id: int, limit: int = 20) -> list[tuple[AccountEvent, User | None]]:
    """The latest events of ``subject_id``'s account with the user who did each, newest first."""
    return list(db.session.execute(
        select(AccountEvent, User).outerjoin(User, User.id == AccountEvent.actor_id)
        .where(AccountEvent.subject_id == subject_id)
        .order_by(AccountEvent.id.desc()).limit(limit)).all())
