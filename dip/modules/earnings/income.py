"""Monthly income in USD: computed from entries and rates, in full or for just the months a change touched.

Both paths go through ``_compute``, so an incremental recompute gives exactly the rows a
full one would (tests/earnings/test_recompute.py checks it with Hypothesis). An entry
whose currency has no rate for its month is left out, never converted at a guessed rate.
"""
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, bindparam, case, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from dip.core.clock import today, utcnow
from dip.core.memo import built_once
from dip.core.money import CENT
from dip.core.months import (
    add_months, as_date as _as_date, month_of, month_start, next_month as _next_month,
)
from dip.extensions import db
from dip.modules.earnings.chart import bar_chart
from dip.modules.earnings.models import EarningEntry, IncomeDue, MonthlyIncome
from dip.modules.earnings.rates import learner_sites, missing, missing_rates_of, rate_table
from dip.modules.programs.models import Cohort, LearnerProfile


#: Every income figure rests on the last three complete months (one window rule).
INCOME_MONTHS = 3


def months_label(months: list[date]) -> str:
    """The months behind an income figure in the reader's language: "Sep – Nov 2026"."""
    from babel.dates import format_interval, format_skeleton
    from flask_babel import get_locale

    if not months:
        return ""
    if len(months) == 1:
        return format_skeleton("yMMM", months[0], locale=get_locale())
    return format_interval(months[0], months[-1], "yMMM", locale=get_locale())


def last_complete_months(reference: date, count: int = INCOME_MONTHS) -> list[date]:
    """Firsts of the ``count`` months complete on ``reference`` (its month counts if it is the
    month's last day), oldest first: the window of every income figure."""
    following = month_of(reference + timedelta(days=1))
    return [add_months(following, -k) for k in range(count, 0, -1)]

CHUNK = 500
FOLLOW_UP_DAYS = 60


def _compute(*where) -> dict[tuple[int, date], tuple[Decimal, int]]:
    """(learner, month) -> (total in USD, entries counted) for live entries matching ``where``.

    An entry uses its learner's site's rate for its currency and month, else the all-site
    rate (``rates.with_rate`` says the same in SQL for the pages).
    """
    month = month_start(EarningEntry.earned_on)
    query = (select(EarningEntry.learner_id, month, EarningEntry.currency,
                    func.sum(EarningEntry.amount), func.count())
             .where(EarningEntry.deleted_at.is_(None), *where)
             .group_by(EarningEntry.learner_id, month, EarningEntry.currency))
    rates = rate_table()
    # Through the connection (Core): the ORM's row machinery costs seconds on a full recompute.
    rows = db.session.connection().execute(query).all()
    # Sites matter only once a site has rates of its own; until then, skip the lookup.
    sites = {}
    if any(site is not None for site, _c, _m in rates):
        ids = {row[0] for row in rows}
        sites = learner_sites(ids if len(ids) <= 1000 else None)
    totals: dict[tuple[int, date], list] = {}
    months: dict = {}  # a few dozen distinct months among hundreds of thousands of rows
    for learner_id, raw_month, currency, amount, count in rows:
        month = months.get(raw_month)
        if month is None:
            month = months[raw_month] = _as_date(raw_month)
        key = (learner_id, month)
        if currency == "USD":
            rate = Decimal(1)
        else:
            rate = rates.get((sites.get(learner_id), currency, month)) if sites else None
            if rate is None:
                rate = rates.get((None, currency, month))
        if rate is None:
            continue  # waiting for a rate
        # Sums of cents come back exact from PostgreSQL; SQLite adds floats, so round to cents.
        total = totals.get(key)
        if total is None:
            total = totals[key] = [Decimal(0), 0]
        total[0] += amount.quantize(CENT) * rate
        total[1] += count
    return {k: (v[0].quantize(CENT, ROUND_HALF_UP), v[1]) for k, v in totals.items()}


def _learners_of_site(site_id: int):
    return (select(LearnerProfile.user_id).join(Cohort, Cohort.id == LearnerProfile.cohort_id)
            .where(Cohort.site_id == site_id))


def recompute_all(site_id: int | None = None, month: date | None = None) -> int:
    """Rebuild the monthly income of a site's learners (or everyone), for one month or all; rows written."""
    where, gone = [], []
    if site_id is not None:
        where.append(EarningEntry.learner_id.in_(_learners_of_site(site_id)))
        gone.append(MonthlyIncome.learner_id.in_(_learners_of_site(site_id)))
    if month is not None:
        month = month_of(month)
        where += [EarningEntry.earned_on >= month, EarningEntry.earned_on < _next_month(month)]
        gone.append(MonthlyIncome.month == month)
    now = utcnow()
    computed = _compute(*where)
    db.session.execute(delete(MonthlyIncome).where(*gone))
    _write(computed, now)
    done = [IncomeDue.since <= now]
    if site_id is not None:
        done.append(IncomeDue.learner_id.in_(_learners_of_site(site_id)))
    if month is not None:
        done.append(IncomeDue.month == month)
    db.session.execute(delete(IncomeDue).where(*done))
    db.session.commit()
    return len(computed)


def _write(computed: dict, now) -> None:
    """Insert the computed rows in the session's transaction, fast: COPY on PostgreSQL, Core
    ``executemany`` on SQLite (the ORM's bulk insert costs seconds per hundred thousand rows)."""
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
                "COPY monthly_income (learner_id, month, total_usd, entry_count, computed_at) "
                "FROM STDIN") as copy:
            for (lid, month), (total, count) in computed.items():
                copy.write_row((lid, month, total, count, now))
        return
    rows = [{"learner_id": lid, "month": m, "total_usd": total, "entry_count": count,
             "computed_at": now} for (lid, m), (total, count) in computed.items()]
    for start in range(0, len(rows), 5000):
        connection.execute(insert(MonthlyIncome.__table__), rows[start:start + 5000])


def recompute(pairs) -> int:
    """Recompute the given (learner id, month) pairs only; return how many rows changed.

    Two jobs may race on the same new month; the loser retries once on the other's result.
    """
    wanted = sorted({(int(lid), month_of(_as_date(m))) for lid, m in pairs})
    changed, started = 0, utcnow()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        for attempt in (1, 2):
            try:
                changed += _recompute_chunk(chunk, started)
                break
            except IntegrityError:
                db.session.rollback()
                if attempt == 2:
                    raise
    return changed


def _recompute_chunk(chunk: list[tuple[int, date]], started) -> int:
    by_month: dict[date, list[int]] = defaultdict(list)
    for lid, month in chunk:
        by_month[month].append(lid)
    span = [and_(EarningEntry.earned_on >= m, EarningEntry.earned_on < _next_month(m),
                 EarningEntry.learner_id.in_(ids)) for m, ids in by_month.items()]
    computed = _compute(or_(*span))
    existing = {(r.learner_id, _as_date(r.month)): r for r in db.session.scalars(
        select(MonthlyIncome).where(or_(*[and_(MonthlyIncome.month == m,
                                               MonthlyIncome.learner_id.in_(ids))
                                          for m, ids in by_month.items()])))}
    changed, now = 0, utcnow()
    for key in chunk:
        row, fresh = existing.get(key), computed.get(key)
        if fresh is None:
            if row is not None:
                db.session.delete(row)
                changed += 1
            continue
        if row is None:
            db.session.add(MonthlyIncome(learner_id=key[0], month=key[1], total_usd=fresh[0],
                                         entry_count=fresh[1], computed_at=now))
            changed += 1
        elif (Decimal(row.total_usd).quantize(CENT), row.entry_count) != fresh:
            row.total_usd, row.entry_count, row.computed_at = fresh[0], fresh[1], now
            changed += 1
    # Done, in the same transaction as the totals; a month touched again since this job
    # started stays due (its own job, or reconcile, computes it).
    db.session.execute(delete(IncomeDue).where(
        IncomeDue.since <= started,
        or_(*[and_(IncomeDue.month == m, IncomeDue.learner_id.in_(ids))
              for m, ids in by_month.items()])))
    db.session.commit()
    return changed


def overdue(older_than_minutes: int) -> list[tuple[int, date]]:
    """Learner-months due for longer than ``older_than_minutes``: their job was lost."""
    cutoff = utcnow() - timedelta(minutes=older_than_minutes)
    return [(lid, _as_date(m)) for lid, m in db.session.execute(
        select(IncomeDue.learner_id, IncomeDue.month).where(IncomeDue.since <= cutoff)
        .order_by(IncomeDue.learner_id, IncomeDue.month))]


def table(learner_ids=None) -> dict[tuple[int, date], tuple[Decimal, int]]:
    """The stored monthly income rows as a dict (for tests and checks)."""
    query = select(MonthlyIncome)
    if learner_ids is not None:
        query = query.where(MonthlyIncome.learner_id.in_(learner_ids))
    return {(r.learner_id, _as_date(r.month)): (Decimal(r.total_usd).quantize(CENT), r.entry_count)
            for r in db.session.scalars(query)}


# ---- what the pages show ----

def learner_summary(learner_id: int, on: date | None = None) -> dict:
    """Baseline, this month, the months since the cohort's start (at most 12, oldest first),
    total earned, and what waits for a rate (in its own currency)."""
    on = on or today()
    this_month = month_of(on)
    months = [add_months(this_month, -i) for i in range(11, -1, -1)]
    # One learner has a row a month at most: read them all once, for the series and the total.
    every = {_as_date(m): Decimal(t) for m, t in db.session.execute(
        _months_of(), {"learner_id": learner_id})}
    found = {m: t for m, t in every.items() if m >= months[0]}
    total = sum(every.values(), Decimal(0))
    profile = db.session.get(LearnerProfile, learner_id)
    # From the cohort's start (or an earlier month with income), at most twelve months back.
    first = min([this_month, *(m for m, t in found.items() if t)])
    if profile is not None and profile.cohort is not None:
        first = min(first, max(profile.cohort.start_date.replace(day=1), months[0]))
    else:
        first = months[0]
    series = [(m, found.get(m, Decimal("0.00"))) for m in months if m >= first]
    waiting = missing_rates_of(learner_id)
    pending: dict[str, Decimal] = defaultdict(Decimal)
    for currency, _month, _n, amount in waiting:
        pending[currency] += amount
    return {
        "baseline": Decimal(profile.baseline_income_usd if profile else 0).quantize(CENT),
        "this_month": found.get(this_month, Decimal("0.00")),
        "series": series,
        "total": Decimal(total or 0).quantize(CENT),
        "waiting": waiting,
        # Money in its own currency that is not in the USD figures yet: shown beside them.
        "pending": sorted(pending.items()),
        "pending_this_month": [(c, t) for c, m, _n, t in waiting if m == this_month],
        "chart": bar_chart(series),
    }


@built_once
def _months_of():
    return select(MonthlyIncome.month, MonthlyIncome.total_usd).where(
        MonthlyIncome.learner_id == bindparam("learner_id"))


@dataclass(frozen=True)
class IncomeFacts:
    """What every income figure knows about one learner over one three-month window."""

    average: Decimal = Decimal("0.00")   # mean monthly net USD; a month with nothing counts as 0
    has_income: bool = False             # any monthly income recorded up to the window's end
    earned: bool = False                 # a live positive entry in the window (self-employment)


NO_INCOME = IncomeFacts()


def income_facts(learner_ids, months: list[date]) -> dict[int, IncomeFacts]:
    """Income facts of ``learner_ids`` (ids or a select) over ``months`` (firsts, oldest first).

    The one definition the coordinators' pages and the outcome indicators both read: the
    average of the net monthly income (after platform fees, in USD) over the given months,
    whether any income was ever recorded up to their end, and whether a live entry earned
    money in them. Learners with none of these are absent (read them as ``NO_INCOME``).
    """
    first, last = months[0], months[-1]
    facts: dict[int, IncomeFacts] = {}
    rows = db.session.execute(
        select(MonthlyIncome.learner_id,
               func.sum(case((MonthlyIncome.month >= first, MonthlyIncome.total_usd), else_=0)),
               func.count())
        .where(MonthlyIncome.learner_id.in_(learner_ids), MonthlyIncome.month <= last)
        .group_by(MonthlyIncome.learner_id))
    for lid, total, count in rows:
        average = (Decimal(total or 0) / len(months)).quantize(CENT, ROUND_HALF_UP)
        facts[lid] = IncomeFacts(average, count > 0)
    for lid in recent_earners(learner_ids, first, _next_month(last) - timedelta(days=1)):
        facts[lid] = replace(facts.get(lid, NO_INCOME), earned=True)
    return facts


def waiting_for_rates(learner_ids, first: date, last: date) -> tuple[int, list[date]]:
    """(entries, months) of live entries of ``learner_ids`` in months ``first``..``last`` that
    wait for an exchange rate, so a figure can say what it leaves out."""
    waiting = missing(and_(EarningEntry.learner_id.in_(learner_ids),
                           EarningEntry.earned_on >= first,
                           EarningEntry.earned_on < _next_month(last)))
    return sum(n for _c, _m, n, _t in waiting), sorted({m for _c, m, _n, _t in waiting})


def cohort_income(cohort, on: date | None = None) -> dict:
    """Each learner's 3-month average against baseline, months with earnings, last earning date,
    and the graduates (cohort ended) with no earnings in the last 60 days. Four queries."""
    from dip.modules.accounts.models import User

    on = on or today()
    learners = db.session.execute(
        select(User.id, User.display_name, LearnerProfile.baseline_income_usd)
        .join(LearnerProfile, LearnerProfile.user_id == User.id)
        .where(LearnerProfile.cohort_id == cohort.id, User.active)
        .order_by(User.display_name)).all()
    ids = [lid for lid, _n, _b in learners]
    window = last_complete_months(on)
    facts = income_facts(ids, window)
    months = dict(db.session.execute(
        select(MonthlyIncome.learner_id, func.count())
        .where(MonthlyIncome.learner_id.in_(ids), MonthlyIncome.total_usd > 0)
        .group_by(MonthlyIncome.learner_id)).all())
    last = {lid: _as_date(d) for lid, d in db.session.execute(
        select(EarningEntry.learner_id, func.max(EarningEntry.earned_on))
        .where(EarningEntry.learner_id.in_(ids), EarningEntry.amount > 0,
               EarningEntry.deleted_at.is_(None)).group_by(EarningEntry.learner_id))}
    rows = []
    for lid, name, baseline in learners:
        avg = facts.get(lid, NO_INCOME).average
        baseline = Decimal(baseline or 0).quantize(CENT)
        rows.append({"id": lid, "name": name, "baseline": baseline, "average": avg,
                     "change": avg - baseline, "raised": avg > baseline,
                     "months": months.get(lid, 0), "last": last.get(lid)})
    graduated = cohort.end_date < on
    cutoff = on - timedelta(days=FOLLOW_UP_DAYS)
    follow_up = [r for r in rows if graduated and (r["last"] is None or r["last"] < cutoff)]
    return {"rows": rows, "follow_up": follow_up, "graduated": graduated, "cutoff": cutoff,
            "raised": sum(r["raised"] for r in rows), "months": window}


def site_totals(site_ids, months: int = 12, on: date | None = None) -> dict[int, list]:
    """Per site: (month, total USD, learners who earned) for the last ``months`` months, oldest first."""
    this_month = month_of(on or today())
    span = [add_months(this_month, -i) for i in range(months - 1, -1, -1)]
    query = (select(Cohort.site_id, MonthlyIncome.month, func.sum(MonthlyIncome.total_usd),
                    func.sum(case((MonthlyIncome.total_usd > 0, 1), else_=0)))
             .join(LearnerProfile, LearnerProfile.user_id == MonthlyIncome.learner_id)
             .join(Cohort, Cohort.id == LearnerProfile.cohort_id)
             .where(Cohort.site_id.in_(site_ids), MonthlyIncome.month >= span[0])
             .group_by(Cohort.site_id, MonthlyIncome.month))
    found = {(sid, _as_date(m)): (Decimal(t).quantize(CENT), int(n or 0))
             for sid, m, t, n in db.session.execute(query)}
    return {sid: [(m, *found.get((sid, m), (Decimal("0.00"), 0))) for m in span]
            for sid in site_ids}


# ---- the contract other features read ----

def recent_earners(learner_ids, first: date, last: date) -> set[int]:
    """Learners among ``learner_ids`` (ids or a select) with a live positive entry in [first, last].

    Deleted entries do not count, whatever their amount (outcomes' "self-employed").
    """
    return set(db.session.scalars(select(EarningEntry.learner_id).distinct().where(
        EarningEntry.learner_id.in_(learner_ids), EarningEntry.deleted_at.is_(None),
        EarningEntry.amount > 0, EarningEntry.earned_on >= first, EarningEntry.earned_on <= last)))
