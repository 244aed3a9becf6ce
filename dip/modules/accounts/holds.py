"""After a reset with a staff-issued code: tell the owner, and hold their private items back.

A trainer or coordinator who issues a reset code could redeem it themself, sign in as the
learner and read what the learner keeps private from staff (private portfolio items). So a
redeemed code starts a hold on that account, whoever redeemed it:

* private items are hidden from every session of the account for HOLD_HOURS
  (``dip.core.scope.private_on_hold``), and cannot be edited, deleted or shared meanwhile;
* the owner can end the hold at once by typing the password the reset replaced (only the
  owner knows it; its hash is kept for the hold only);
* whoever signs in with that replaced password during the hold is told when the password was
  changed and with whose code, so a learner locked out of their own account knows whom to ask;
* the account's next sign-in lands on a notice saying when and by whose code the password was
  reset; the home page repeats it for NOTICE_DAYS and it can be dismissed only after the hold.

Limits (SECURITY.md says them too): after HOLD_HOURS a staff member who still holds the account
sees private items; the hold protects nothing staff could see anyway.
"""
from datetime import timedelta

from sqlalchemy import bindparam, exists, select, update

from dip.core.clock import utcnow
from dip.core.memo import built_once
from dip.extensions import db
from dip.modules.accounts import audit, passwords
from dip.modules.accounts.models import ResetCode, User

HOLD_HOURS = 72
NOTICE_DAYS = 14


def start(code: ResetCode, previous_hash: str) -> None:
    """Record that ``code`` was redeemed now, replacing ``previous_hash`` (caller commits)."""
    now = utcnow()
    code.redeemed_at = now
    code.previous_hash = previous_hash
    code.hold_until = now + timedelta(hours=HOLD_HOURS)


def notice(user: User) -> tuple[ResetCode, User] | None:
    """The reset ``user`` should be told about, with who issued its code, or None."""
    if user.may_have_reset_notice is False:  # read with the user this request: nothing to look up
        return None
    since = utcnow() - timedelta(days=NOTICE_DAYS)
    row = db.session.execute(_notice(), {"user_id": user.id, "since": since}).first()
    return tuple(row) if row else None


def notice_may_be_due(user_id):
    """Whether user ``user_id`` (a column) may have a reset notice due, as a SQL expression
    the sign-in check of every request reads with the user, so the home page looks the notice
    up only when there may be one. (It leaves out the NOTICE_DAYS limit, which needs the time
    of the request: SQLAlchemy reuses the expression whenever it reloads the user.)"""
    return exists().where(*_undismissed(user_id))


def _undismissed(user_id) -> tuple:
    return (ResetCode.user_id == user_id, ResetCode.redeemed_at.is_not(None),
            ResetCode.dismissed_at.is_(None))


@built_once
def _notice():
    return (select(ResetCode, User).join(User, User.id == ResetCode.issued_by_id)
            .where(*_undismissed(bindparam("user_id")),
                   ResetCode.redeemed_at >= bindparam("since"))
            .order_by(ResetCode.redeemed_at.desc()).limit(1))


def on_hold(code: ResetCode) -> bool:
    """Whether the hold started by ``code`` still hides private items."""
    return code.hold_until is not None and code.hold_until > utcnow()


def may_dismiss(code: ResetCode) -> bool:
    """The notice stays until the hold is over, so a quick click cannot hide it from the owner."""
    return not on_hold(code)


def first_notice(user: User) -> bool:
    """Whether this sign-in is the first since the reset (then it lands on the notice)."""
    found = notice(user)
    if found is None or found[0].notified_at is not None:
        return False
    found[0].notified_at = utcnow()
    db.session.commit()
    return True


def dismiss(user: User) -> bool:
    """Hide the notice if the hold is over; return whether it was hidden."""
    found = notice(user)
    if found is None or not may_dismiss(found[0]):
        return False
    found[0].dismissed_at = utcnow()
    db.session.commit()
    return True


def prove(user: User, password: str) -> bool:
    """End the hold if ``password`` is the one the reset replaced (so this is the owner)."""
    now = utcnow()
    codes = db.session.scalars(select(ResetCode).where(
        ResetCode.user_id == user.id, ResetCode.hold_until > now,
        ResetCode.previous_hash.is_not(None))).all()
    for code in codes:
        if passwords.verify(code.previous_hash, password or ""):
            db.session.execute(update(ResetCode).where(
                ResetCode.user_id == user.id, ResetCode.hold_until > now)
                .values(hold_until=now, previous_hash=None))
            audit.record("hold_lifted", user.id, user.id)
            db.session.commit()
            return True
    return False


def replaced(user: User | None, password: str) -> tuple[ResetCode, User] | None:
    """If ``password`` is the one a reset replaced during a hold, that reset and its issuer."""
    if user is None:
        return None
    rows = db.session.execute(
        select(ResetCode, User).join(User, User.id == ResetCode.issued_by_id)
        .where(ResetCode.user_id == user.id, ResetCode.hold_until > utcnow(),
               ResetCode.previous_hash.is_not(None))).all()
    for code, issuer in rows:
        if passwords.verify(code.previous_hash, password or ""):
            return code, issuer
    return None
