"""Exchange rates to US dollars: a site's own, or (set by an admin) every site's.

A learner's entry uses the rate of their site for its currency and month, else the all-site
rate, else it waits. So a coordinator sets rates only for the sites they coordinate and can
never change what another site's learners earned; an admin sets them for one site or for all.
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from dip.core import scope
from dip.core.access import Role
from dip.core.clock import today, utcnow
from dip.core.errors import ServiceError
from dip.core.memo import built_once
from dip.core.money import CENT
from dip.core.months import as_date, month_start, next_month, parse_month
from dip.extensions import db
from dip.modules.earnings.models import EarningEntry, ExchangeRate
from dip.modules.earnings.services import EARLIEST, _touch, clean_currency
from dip.modules.programs.models import Cohort, LearnerProfile, Site

RATE_PLACES = Decimal("0.000000000001")


# ---- which rate an entry uses ----

def with_rate(query):
    """Join ``query`` (a select over earning entries) to the rate each entry uses; return
    ``(query, rate)`` where ``rate`` is NULL while the entry waits for one.

    The learner's site's rate for the entry's currency and month comes first, then the
    all-site rate: the one rule ``_compute`` applies in Python for the income totals.
    """
    joins, rate = _rate_joins()
    for target, on in joins:
        query = query.outerjoin(target, on)
    return query, rate


@built_once
def _rate_joins():
    """The joins and the rate expression, built once: SQL expressions are immutable, and
    building the aliased conditions cost a learner's earnings page 5 ms of CPU per view."""
    own, every = aliased(ExchangeRate), aliased(ExchangeRate)
    month = month_start(EarningEntry.earned_on)
    joins = ((LearnerProfile, LearnerProfile.user_id == EarningEntry.learner_id),
             (Cohort, Cohort.id == LearnerProfile.cohort_id),
             (own, and_(own.site_id == Cohort.site_id,
                        own.currency == EarningEntry.currency, own.month == month)),
             (every, and_(every.site_id.is_(None), every.currency == EarningEntry.currency,
                          every.month == month)))
    return joins, func.coalesce(own.rate_to_usd, every.rate_to_usd)


def rate_table() -> dict[tuple[int | None, str, date], Decimal]:
    """Every rate by (site or None for all sites, currency, month); the table is small."""
    return {(s, c, as_date(m)): Decimal(r) for s, c, m, r in db.session.execute(
        select(ExchangeRate.site_id, ExchangeRate.currency, ExchangeRate.month,
               ExchangeRate.rate_to_usd))}


def learner_sites(learner_ids=None) -> dict[int, int]:
    """The site of each of ``learner_ids`` (every learner when None), for looking up site rates."""
    query = select(LearnerProfile.user_id, Cohort.site_id).join(
        Cohort, Cohort.id == LearnerProfile.cohort_id)
    if learner_ids is not None:
        query = query.where(LearnerProfile.user_id.in_(learner_ids))
    return dict(db.session.execute(query).all())


def missing(where, by_site: bool = False) -> list[tuple]:
    """(currency, month, entries, their total in that currency) of live entries matching
    ``where`` that wait for a rate, newest month first; with ``by_site``, one line per site
    too, its id last (so a link can open the rate form on the right site)."""
    return _rows(db.session.execute(_missing_query(where, by_site)))


def _missing_query(where, by_site: bool):
    month = month_start(EarningEntry.earned_on)
    query, rate = with_rate(select(EarningEntry.currency, month, func.count(),
                                   func.sum(EarningEntry.amount)))
    query = (query.where(rate.is_(None), EarningEntry.currency != "USD",
                         EarningEntry.deleted_at.is_(None), where)
             .group_by(EarningEntry.currency, month).order_by(month.desc(), EarningEntry.currency))
    if by_site:
        query = query.add_columns(Cohort.site_id).group_by(Cohort.site_id)
    return query


def _rows(result) -> list[tuple]:
    return [(c, as_date(m), n, Decimal(t or 0).quantize(CENT), *site)
            for c, m, n, t, *site in result]


@built_once
def _one_learners_query():
    return _missing_query(EarningEntry.learner_id == bindparam("learner_id"), by_site=False)


def missing_rates(user) -> list[tuple[str, date, int, Decimal, int | None]]:
    """Entries in ``user``'s scope that wait for a rate, by currency, month and site."""
    return missing(EarningEntry.learner_id.in_(scope.learner_ids(user)), by_site=True)


def missing_rates_of(learner_id: int) -> list[tuple[str, date, int, Decimal]]:
    """One learner's entries that wait for a rate, by currency and month."""
    return _rows(db.session.execute(_one_learners_query(), {"learner_id": learner_id}))


# ---- who sets which ----

def rate_sites(user) -> list[tuple[int | None, str]]:
    """The sites ``user`` may set rates for, as (id, name); None is "all sites" (admins only)."""
    if user.role == Role.ADMIN:
        sites = db.session.execute(select(Site.id, Site.name).order_by(Site.name)).all()
        return [(None, str(_l("All sites")))] + [tuple(s) for s in sites]
    if user.role != Role.COORDINATOR:
        return []
    return [tuple(s) for s in db.session.execute(
        select(Site.id, Site.name).where(Site.id.in_(scope.site_ids(user))).order_by(Site.name))]


def may_set_rate(user, site_id: int | None) -> bool:
    """Admins set any rate; a coordinator only the rates of a site they coordinate."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.COORDINATOR or site_id is None:
        return False
    return bool(db.session.scalar(select(func.count()).select_from(Site).where(
        Site.id == site_id, Site.id.in_(scope.site_ids(user)))))


def rate_from_input(value, per_usd: bool) -> Decimal:
    """A positive rate to USD from what was typed (a number already read in the reader's
    language, or dot-decimal text from a file): USD per unit, or units per USD when ``per_usd``."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(
            str(value).strip().replace(" ", "").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError(_l("Write the rate as a number, such as 1735.50."), "rate") from None
    if not number.is_finite() or number <= 0:
        raise ServiceError(_l("The rate must be more than zero."), "rate")
    rate = (1 / number) if per_usd else number
    rate = rate.quantize(RATE_PLACES)
    if rate <= 0 or rate >= Decimal("1000000"):
        raise ServiceError(_l("This rate is out of range. Check it and write it again."), "rate")
    return rate


# ---- writes ----

def set_rate(user, currency: str, month: date, rate_to_usd: Decimal, site_id: int | None = None,
             commit: bool = True) -> str:
    """Create or change the rate of ``currency`` in ``month`` for site ``site_id`` (None: every
    site); return ``added``, ``changed`` or ``same``."""
    currency = clean_currency(currency)
    if currency == "USD":
        raise ServiceError(_l("US dollars need no rate."), "currency")
    if not may_set_rate(user, site_id):
        raise ServiceError(_l("You can set rates only for the sites you coordinate; an admin sets "
                              "them for all sites."), "site")
    month = month.replace(day=1)
    if month < EARLIEST or month > today():
        raise ServiceError(_l("Rates are for months from 2015 up to this month."), "month")
    row = db.session.scalar(select(ExchangeRate).where(
        ExchangeRate.currency == currency, ExchangeRate.month == month,
        ExchangeRate.site_id.is_(None) if site_id is None else ExchangeRate.site_id == site_id))
    if row is not None and Decimal(row.rate_to_usd).quantize(RATE_PLACES) == rate_to_usd:
        return "same"
    outcome = "changed" if row is not None else "added"
    if row is None:
        row = ExchangeRate(site_id=site_id, currency=currency, month=month, rate_to_usd=rate_to_usd)
        db.session.add(row)
    row.rate_to_usd, row.updated_by_id, row.updated_at = rate_to_usd, user.id, utcnow()
    if commit:
        db.session.commit()
        _touch(learners_paid_in(currency, month, site_id))
    return outcome


def delete_rate(user, rate: ExchangeRate) -> None:
    """Remove a rate: its month's entries use the all-site rate, or wait for a rate again."""
    if not may_set_rate(user, rate.site_id):
        raise ServiceError(_l("Only the coordinators of its site or an admin can remove this "
                              "rate."), "rate")
    pairs = learners_paid_in(rate.currency, rate.month, rate.site_id)
    db.session.delete(rate)
    db.session.commit()
    _touch(pairs)


def learners_paid_in(currency: str, month: date, site_id: int | None = None) -> list:
    """The (learner, month) pairs with entries in ``currency`` during ``month``; only the
    learners of site ``site_id`` when given (an all-site rate may touch anyone)."""
    query = select(EarningEntry.learner_id).distinct().where(
        EarningEntry.currency == currency, EarningEntry.earned_on >= month,
        EarningEntry.earned_on < next_month(month))
    if site_id is not None:
        query = query.where(EarningEntry.learner_id.in_(
            select(LearnerProfile.user_id).join(Cohort, Cohort.id == LearnerProfile.cohort_id)
            .where(Cohort.site_id == site_id)))
    return [(lid, month) for lid in db.session.scalars(query)]


def import_rates(user, rows, site_id: int | None = None) -> tuple[int, list[tuple[int, str]]]:
    """Save rates for site ``site_id`` (None: every site) from CSV ``rows`` (line, dict); return
    how many were saved and per-line errors.

    Columns: ``currency``, ``month`` (YYYY-MM) and ``rate_to_usd`` or ``units_per_usd``.
    Good lines are saved even when others are bad.
    """
    if not may_set_rate(user, site_id):
        return 0, [(0, str(_l("You can set rates only for the sites you coordinate; an admin "
                              "sets them for all sites.")))]
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
            outcome = set_rate(user, row.get("currency", ""), month, rate, site_id, commit=False)
        except ServiceError as error:
            errors.append((line, str(error.message)))
            continue
        if outcome != "same":
            saved += 1
            touched.add((row["currency"].strip().upper(), month))
    db.session.commit()
    _touch([p for currency, month in touched
            for p in learners_paid_in(currency, month, site_id)])
    return saved, errors


# ---- reading ----

def visible_rates(user, limit: int = 120) -> list[tuple[ExchangeRate, str | None, bool]]:
    """The rates ``user`` works with, newest month first: (rate, site name or None for all
    sites, whether ``user`` may change it). Coordinators see their sites' and the all-site ones."""
    query = (select(ExchangeRate, Site.name).outerjoin(Site, Site.id == ExchangeRate.site_id)
             .order_by(ExchangeRate.month.desc(), ExchangeRate.currency, Site.name).limit(limit))
    if user.role != Role.ADMIN:
        query = query.where(or_(ExchangeRate.site_id.is_(None),
                                ExchangeRate.site_id.in_(scope.site_ids(user))))
    admin = user.role == Role.ADMIN
    return [(rate, name, admin or rate.site_id is not None)
            for rate, name in db.session.execute(query)]
