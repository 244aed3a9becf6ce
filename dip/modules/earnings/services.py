"""The earnings log (with its audit trail) and exchange rates: every write, and the queries views need.

Income totals live in ``income.py`` and statement imports in ``imports.py``. Every change
to an entry or a rate enqueues a recompute of just the learner-months it touches.
"""
import logging
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
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
    KINDS, MANUAL, PLATFORMS, EarningEntry, EntryChange, ExchangeRate, IncomeDue,
)

log = logging.getLogger("dip.earnings")
EARLIEST = date(2015, 1, 1)
RATE_PLACES = Decimal("0.000000000001")
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
    query = (select(EarningEntry, ExchangeRate.rate_to_usd)
             .outerjoin(ExchangeRate, and_(ExchangeRate.currency == EarningEntry.currency,
                                           ExchangeRate.month == _entry_month()))
             .where(EarningEntry.learner_id == learner_id)
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


# ---- exchange rates ----

def rate_from_input(value, per_usd: bool) -> Decimal:
    """A positive rate to USD from what was typed: USD per unit, or units per USD when ``per_usd``."""
    try:
        number = Decimal(str(value).strip().replace(" ", "").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError(_l("Write the rate as a number, such as 1735.50."), "rate") from None
    if not number.is_finite() or number <= 0:
        raise ServiceError(_l("The rate must be more than zero."), "rate")
    rate = (1 / number) if per_usd else number
    rate = rate.quantize(RATE_PLACES)
    if rate <= 0 or rate >= Decimal("1000000"):
        raise ServiceError(_l("This rate is out of range. Check it and write it again."), "rate")
    return rate


def may_set_rate(user, currency: str) -> bool:
    """Admins set any rate; a coordinator those of their sites' currencies and of their learners' entries."""
    from dip.modules.programs.models import Site

    if user.role == Role.ADMIN:
        return True
    if user.role != Role.COORDINATOR:
        return False
    if db.session.scalar(select(func.count()).select_from(Site).where(
            Site.id.in_(scope.site_ids(user)), Site.currency == currency)):
        return True
    return bool(db.session.scalar(select(func.count()).select_from(EarningEntry).where(
        EarningEntry.currency == currency, EarningEntry.learner_id.in_(scope.learner_ids(user)))))


def set_rate(user, currency: str, month: date, rate_to_usd: Decimal, commit: bool = True) -> str:
    """Create or change the rate of ``currency`` in ``month``; return ``added``, ``changed`` or ``same``."""
    currency = clean_currency(currency)
    if currency == "USD":
        raise ServiceError(_l("US dollars need no rate."), "currency")
    if not may_set_rate(user, currency):
        raise ServiceError(_l("%(code)s is neither your sites' currency nor one your learners "
                              "were paid in; its coordinator keeps its rates.", code=currency),
                           "currency")
    month = month.replace(day=1)
    if month < EARLIEST or month > today():
        raise ServiceError(_l("Rates are for months from 2015 up to this month."), "month")
    row = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == currency,
                                                       ExchangeRate.month == month))
    if row is not None and Decimal(row.rate_to_usd).quantize(RATE_PLACES) == rate_to_usd:
        return "same"
    outcome = "changed" if row is not None else "added"
    if row is None:
        row = ExchangeRate(currency=currency, month=month, rate_to_usd=rate_to_usd)
        db.session.add(row)
    row.rate_to_usd, row.updated_by_id, row.updated_at = rate_to_usd, user.id, utcnow()
    if commit:
        db.session.commit()
        _touch(learners_paid_in(currency, month))
    return outcome


def delete_rate(user, rate: ExchangeRate) -> None:
    """Remove a rate: its month's entries wait for a rate again."""
    if not may_set_rate(user, rate.currency):
        raise ServiceError(_l("Only the coordinators of its sites can remove this rate."), "rate")
    pairs = learners_paid_in(rate.currency, rate.month)
    db.session.delete(rate)
    db.session.commit()
    _touch(pairs)


def learners_paid_in(currency: str, month: date) -> list[tuple[int, date]]:
    """The (learner, month) pairs with entries in ``currency`` during ``month``."""
    end = _next_month(month)
    ids = db.session.scalars(select(EarningEntry.learner_id).distinct().where(
        EarningEntry.currency == currency, EarningEntry.earned_on >= month,
        EarningEntry.earned_on < end))
    return [(lid, month) for lid in ids]


def import_rates(user, rows) -> tuple[int, list[tuple[int, str]]]:
    """Save rates from CSV ``rows`` (line, dict); return how many were saved and per-line errors.

    Columns: ``currency``, ``month`` (YYYY-MM) and ``rate_to_usd`` or ``units_per_usd``.
    Good lines are saved even when others are bad.
    """
    saved, errors, touched = 0, [], set()
    for line, row in rows:
        row = {(k or "").strip().lower(): v for k, v in row.items()}
        try:
            try:
                month = parse_month(row.get("month", ""))
            except ValueError:
                raise ServiceError(_l("The month must be written YYYY-MM."), "month") from None
            if row.get("units_per_usd"):
                rate = rate_from_input(row["units_per_usd"], per_usd=True)
            else:
                rate = rate_from_input(row.get("rate_to_usd", ""), per_usd=False)
            outcome = set_rate(user, row.get("currency", ""), month, rate, commit=False)
        except ServiceError as error:
            errors.append((line, str(error.message)))
            continue
        if outcome != "same":
            saved += 1
            touched.add((row["currency"].strip().upper(), month))
    db.session.commit()
    pairs = [p for currency, month in touched for p in learners_paid_in(currency, month)]
    _touch(pairs)
    return saved, errors


def rates(limit: int = 120) -> list[ExchangeRate]:
    """The most recent rates, newest month first."""
    return list(db.session.scalars(select(ExchangeRate).order_by(
        ExchangeRate.month.desc(), ExchangeRate.currency).limit(limit)))


def missing_rates(user) -> list[tuple[str, date, int]]:
    """(currency, month, entries) for entries in ``user``'s scope that wait for a rate."""
    return _missing(EarningEntry.learner_id.in_(scope.learner_ids(user)))


def missing_rates_of(learner_id: int) -> list[tuple[str, date, int]]:
    """(currency, month, entries) of one learner's entries that wait for a rate."""
    return _missing(EarningEntry.learner_id == learner_id)


def _missing(where) -> list[tuple[str, date, int]]:
    month = _entry_month()
    query = (select(EarningEntry.currency, month, func.count())
             .outerjoin(ExchangeRate, and_(ExchangeRate.currency == EarningEntry.currency,
                                           ExchangeRate.month == month))
             .where(ExchangeRate.id.is_(None), EarningEntry.currency != "USD",
                    EarningEntry.deleted_at.is_(None), where)
             .group_by(EarningEntry.currency, month).order_by(month.desc(), EarningEntry.currency))
    return [(c, _as_date(m), n) for c, m, n in db.session.execute(query)]

