"""The earnings log (with its audit trail): every write, and the queries views need.

Income totals live in ``income.py``, exchange rates in ``rates.py`` and statement imports in
``imports.py``. Every change to an entry or a rate enqueues a recompute of just the
learner-months it touches.
"""
import logging
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dip.core import scope
from dip.core.access import Role
from dip.core.clock import today, utcnow
from dip.core.errors import ServiceError
from dip.core.money import CENT, CURRENCIES, AmountError, parse_amount, usd_value  # noqa: F401
from dip.core.months import (  # noqa: F401 - month_of and parse_month are this module's API too
    as_date as _as_date, month_of, month_start, next_month as _next_month, parse_month,
)
from dip.extensions import db
from dip.modules.earnings.models import (
    KINDS, MANUAL, PLATFORMS, EarningEntry, EntryChange, IncomeDue,
)

log = logging.getLogger("dip.earnings")
EARLIEST = date(2015, 1, 1)
AUDITED = ("earned_on", "amount", "currency", "platform", "client", "kind", "hours", "note")
#: Who may log earnings: learners for themselves, coordinators and admins for learners in scope.
LOGGERS = frozenset({Role.LEARNER, Role.COORDINATOR, Role.ADMIN})
MANAGERS = frozenset({Role.COORDINATOR, Role.ADMIN})


# ---- checking what people type ----

def clean_currency(value: str, field: str = "currency") -> str:
    """An ISO 4217 code in capitals, or a ServiceError."""
    code = (value or "").strip().upper()
    if code not in CURRENCIES:
        raise ServiceError(_l("%(code)s is not a currency code. Use a three-letter ISO code such "
                              "as USD, MWK or KES.", code=code or "?"), field)
    return code


def clean_amount(value) -> Decimal:
    """A typed amount obeying the money rule (negative for a fee or refund), or a ServiceError."""
    try:
        return parse_amount(value)
    except AmountError as error:
        raise ServiceError(error.message, "amount") from None


def clean_day(day: date | None) -> date:
    """A date from 2015 up to today."""
    if day is None:
        raise ServiceError(_l("Give the date the money was earned."), "earned_on")
    if day > today():
        raise ServiceError(_l("The date is in the future. Log money once it is earned."), "earned_on")
    if day < EARLIEST:
        raise ServiceError(_l("The date is before 2015. Check the year."), "earned_on")
    return day


def _clean(values: dict) -> dict:
    """Check every field of an entry; return the cleaned values."""
    platform = values.get("platform") or "other"
    kind = values.get("kind") or "other"
    if platform not in PLATFORMS:
        raise ServiceError(_l("Choose a platform from the list."), "platform")
    if kind not in KINDS:
        raise ServiceError(_l("Choose a kind of work from the list."), "kind")
    hours = values.get("hours")
    if hours is not None and hours != "":
        try:
            hours = Decimal(str(hours))
        except InvalidOperation:
            raise ServiceError(_l("Write the hours as a number."), "hours") from None
        if not hours.is_finite() or not 0 <= hours <= 1000:
            raise ServiceError(_l("Hours must be between 0 and 1000."), "hours")
        hours = hours.quantize(CENT)
    else:
        hours = None
    return {
        "earned_on": clean_day(values.get("earned_on")),
        "amount": clean_amount(values.get("amount")),
        "currency": clean_currency(values.get("currency")),
        "platform": platform,
        "kind": kind,
        "client": (values.get("client") or "").strip()[:120],
        "hours": hours,
        "note": (values.get("note") or "").strip()[:500],
    }


def snapshot(entry: EarningEntry) -> dict:
    """The audited values of ``entry`` as JSON-friendly text."""
    out = {}
    for name in AUDITED:
        value = getattr(entry, name)
        out[name] = None if value is None else value.isoformat() if isinstance(value, date) \
            else str(value)
    return out


# ---- who may touch what ----

def may_log_for(user, learner_id: int) -> bool:
    """Whether ``user`` may log or change earnings of learner ``learner_id``."""
    if user.role == Role.LEARNER:
        return user.id == learner_id
    return user.role in MANAGERS and scope.may_see_learner(user, learner_id)


def loggable_learners(user) -> list:
    """The learners ``user`` may log earnings for, by name."""
    from dip.modules.accounts.models import User

    if user.role == Role.LEARNER:
        return [user]
    if user.role not in MANAGERS:
        return []
    return list(db.session.scalars(select(User).where(
        User.id.in_(scope.learner_ids(user)), User.active).order_by(User.display_name)))


def default_currency(user, learner_id: int | None = None) -> str:
    """The currency a new entry starts in: the learner's site's (the user's own site's when no
    learner is chosen), else US dollars."""
    from dip.modules.programs.models import Cohort, LearnerProfile, Site

    if user.role == Role.LEARNER:
        learner_id = user.id
    if learner_id is not None:
        query = (select(Site.currency).join(Cohort, Cohort.site_id == Site.id)
                 .join(LearnerProfile, LearnerProfile.cohort_id == Cohort.id)
                 .where(LearnerProfile.user_id == learner_id))
    else:
        query = select(Site.currency).where(Site.id.in_(scope.site_ids(user))).order_by(Site.name)
    return db.session.scalar(query.limit(1)) or "USD"


def visible_entry(user, entry_id: int) -> EarningEntry | None:
    """Entry ``entry_id`` if ``user`` may see it (deleted ones included), else None."""
    entry = db.session.get(EarningEntry, entry_id)
    if entry is None or not scope.may_see_learner(user, entry.learner_id):
        return None
    return entry


# ---- writes ----

def _touch(pairs) -> None:
    """Note the (learner, month) pairs a change touched as due, then enqueue their recompute."""
    from dip.queue import enqueue

    pairs = sorted({(int(lid), _as_date(m).replace(day=1)) for lid, m in pairs})
    if not pairs:
        return
    mark_due(pairs)
    try:
        enqueue("jobs.earnings.recompute", [[lid, m.isoformat()] for lid, m in pairs])
    except Exception:  # noqa: BLE001 - run inline and failed: the change itself is saved
        # The entry or rate is committed and the months stay due: reconcile runs them again.
        db.session.rollback()
        log.exception("recompute of %s learner-month(s) failed", len(pairs))


def mark_due(pairs) -> None:
    """Record that these (learner id, first of month) pairs need their income computed again."""
    now = utcnow()
    for attempt in (1, 2):
        try:
            for lid, month in pairs:
                db.session.merge(IncomeDue(learner_id=lid, month=month, since=now))
            db.session.commit()
            return
        except IntegrityError:  # another request marked the same month at the same moment
            db.session.rollback()
            if attempt == 2:
                raise


def _record(entry: EarningEntry, action: str, user_id: int | None, old: dict, new: dict) -> None:
    db.session.add(EntryChange(entry_id=entry.id, action=action, changed_by_id=user_id,
                               old=old, new=new))


def log_entry(user, learner_id: int, values: dict) -> EarningEntry:
    """Log an earning for learner ``learner_id`` on behalf of ``user``; recompute its month."""
    if not may_log_for(user, learner_id):
        raise ServiceError(_l("You cannot log earnings for this learner."), "learner")
    clean = _clean(values)
    # A manual entry is its own thing even if it looks like another: the one-time form
    # token, not the values, is what keeps a retried POST from adding it twice.
    entry = EarningEntry(learner_id=learner_id, source=MANUAL, created_by_id=user.id,
                         natural_key="manual:" + secrets.token_hex(12), **clean)
    if user.role in MANAGERS:
        entry.verified, entry.verified_by_id, entry.verified_at = True, user.id, utcnow()
    db.session.add(entry)
    db.session.flush()
    _record(entry, "create", user.id, {}, snapshot(entry))
    db.session.commit()
    _touch([(learner_id, entry.month)])
    return entry


def edit_entry(user, entry: EarningEntry, values: dict) -> bool:
    """Change an entry, keeping its old values in the audit trail; return whether anything changed."""
    if entry.deleted_at is not None or not may_log_for(user, entry.learner_id):
        raise ServiceError(_l("This entry cannot be changed."), "amount")
    clean = _clean(values)
    old = snapshot(entry)
    old_month = entry.month
    for name, value in clean.items():
        setattr(entry, name, value)
    new = snapshot(entry)
    if new == old:
        db.session.rollback()
        return False
    entry.updated_at = utcnow()
    # Changed money needs checking again, unless a coordinator is the one changing it.
    manager = user.role in MANAGERS
    entry.verified = manager
    entry.verified_by_id, entry.verified_at = (user.id, utcnow()) if manager else (None, None)
    _record(entry, "edit", user.id, {k: v for k, v in old.items() if new[k] != v},
            {k: v for k, v in new.items() if old[k] != v})
    db.session.commit()
    _touch([(entry.learner_id, old_month), (entry.learner_id, entry.month)])
    return True


def delete_entry(user, entry: EarningEntry) -> None:
    """Mark an entry deleted (it stays, with who and when, in the audit trail); recompute its month."""
    if entry.deleted_at is not None:
        return
    if not may_log_for(user, entry.learner_id):
        raise ServiceError(_l("This entry cannot be changed."), "amount")
    entry.deleted_at, entry.deleted_by_id = utcnow(), user.id
    _record(entry, "delete", user.id, snapshot(entry), {})
    db.session.commit()
    _touch([(entry.learner_id, entry.month)])


def restore_entry(user, entry: EarningEntry) -> None:
    """Bring back a deleted entry."""
    if entry.deleted_at is None:
        return
    if not may_log_for(user, entry.learner_id):
        raise ServiceError(_l("This entry cannot be changed."), "amount")
    entry.deleted_at = entry.deleted_by_id = None
    _record(entry, "restore", user.id, {}, snapshot(entry))
    db.session.commit()
    _touch([(entry.learner_id, entry.month)])


def verify_entry(user, entry: EarningEntry) -> None:
    """A coordinator confirms an entry (seen a statement or a receipt)."""
    if user.role not in MANAGERS or not scope.may_see_learner(user, entry.learner_id):
        raise ServiceError(_l("Only a coordinator can verify earnings."), "amount")
    if entry.verified or entry.deleted_at is not None:
        return
    entry.verified, entry.verified_by_id, entry.verified_at = True, user.id, utcnow()
    _record(entry, "verify", user.id, {}, {})
    db.session.commit()


def history(entry_id: int) -> list[tuple[EntryChange, str]]:
    """The audit trail of an entry, oldest first, with the name of who made each change."""
    from dip.modules.accounts.models import User

    rows = db.session.execute(
        select(EntryChange, User.display_name).outerjoin(User, User.id == EntryChange.changed_by_id)
        .where(EntryChange.entry_id == entry_id).order_by(EntryChange.id))
    return [(change, name or "") for change, name in rows]


# ---- reading the log ----

def entries_of(learner_id: int, include_deleted: bool = False, limit: int = 200) -> list:
    """A learner's entries, newest first, each with its USD value (None while waiting for a rate)."""
    from dip.modules.earnings.rates import with_rate

    query, rate = with_rate(select(EarningEntry))
    query = (query.add_columns(rate).where(EarningEntry.learner_id == learner_id)
             .order_by(EarningEntry.earned_on.desc(), EarningEntry.id.desc()).limit(limit))
    if not include_deleted:
        query = query.where(EarningEntry.deleted_at.is_(None))
    return [(entry, usd_value(entry.amount, entry.currency, rate))
            for entry, rate in db.session.execute(query)]


def _entry_month():
    """SQL for the first day of an entry's month."""
    return month_start(EarningEntry.earned_on)


def recent_entries(user, learner_id: int | None = None, limit: int = 100) -> list:
    """Entries of the learners ``user`` may see, newest first, with the learner's name."""
    from dip.modules.accounts.models import User

    query = (select(EarningEntry, User.display_name).join(User, User.id == EarningEntry.learner_id)
             .where(EarningEntry.learner_id.in_(scope.learner_ids(user)),
                    EarningEntry.deleted_at.is_(None))
             .order_by(EarningEntry.created_at.desc(), EarningEntry.id.desc()).limit(limit))
    if learner_id is not None:
        query = query.where(EarningEntry.learner_id == learner_id)
    return db.session.execute(query).all()


def unverified_count(user) -> int:
    """Entries in ``user``'s scope a coordinator has not verified yet."""
    return db.session.scalar(select(func.count()).select_from(EarningEntry).where(
        EarningEntry.learner_id.in_(scope.learner_ids(user)), EarningEntry.deleted_at.is_(None),
        EarningEntry.verified.is_(False))) or 0



