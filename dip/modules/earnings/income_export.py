"""A learner's monthly income as CSV: proof of income they can show a bank, UNHCR or a landlord.

One row per month from the learner's first month (their cohort's start, or an earlier
entry) to this one, in plain machine-readable form whatever the reader's language: ``month``
as YYYY-MM, ``net_usd`` with a dot decimal (the computed monthly income, net of fees), the
total of each local currency the learner was paid in (whether or not its rate is known), and
how many entries wait for an exchange rate, so a reader sees what the dollar figure leaves out.
"""
import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from dip.core.clock import today
from dip.core.money import CENT
from dip.core.months import add_months, as_date, month_start
from dip.extensions import db
from dip.modules.earnings.models import EarningEntry, MonthlyIncome
from dip.modules.earnings.rates import missing_rates_of
from dip.modules.programs.models import Cohort, LearnerProfile, Site


def monthly_rows(learner_id: int, on: date | None = None) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the learner's income by month, oldest first."""
    this_month = (on or today()).replace(day=1)
    start, site_currency = db.session.execute(
        select(Cohort.start_date, Site.currency).join(Site, Site.id == Cohort.site_id)
        .join(LearnerProfile, LearnerProfile.cohort_id == Cohort.id)
        .where(LearnerProfile.user_id == learner_id)).first() or (this_month, None)
    month = month_start(EarningEntry.earned_on)
    local: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for m, currency, total in db.session.execute(
            select(month, EarningEntry.currency, func.sum(EarningEntry.amount))
            .where(EarningEntry.learner_id == learner_id, EarningEntry.deleted_at.is_(None),
                   EarningEntry.currency != "USD")
            .group_by(month, EarningEntry.currency)):
        local[(as_date(m), currency)] += Decimal(total or 0).quantize(CENT)
    usd = {as_date(m): Decimal(t).quantize(CENT) for m, t in db.session.execute(
        select(MonthlyIncome.month, MonthlyIncome.total_usd)
        .where(MonthlyIncome.learner_id == learner_id))}
    waiting: dict[date, int] = defaultdict(int)
    for _currency, m, n, _total in missing_rates_of(learner_id):
        waiting[m] += n
    currencies = sorted({c for _m, c in local} | ({site_currency} - {None, "USD"}))
    first = min([start.replace(day=1), this_month, *usd, *(m for m, _c in local), *waiting])
    header = ["month", "net_usd", *(f"total_{c}" for c in currencies),
              "entries_waiting_for_rate"]
    rows = []
    while first <= this_month:
        rows.append([first.strftime("%Y-%m"), f"{usd.get(first, Decimal('0.00')):.2f}",
                     *(f"{local.get((first, c), Decimal('0.00')):.2f}" for c in currencies),
                     str(waiting.get(first, 0))])
        first = add_months(first, 1)
    return header, rows


def income_csv(learner_id: int, on: date | None = None) -> str:
    """The CSV text (UTF-8, with a byte-order mark so Excel reads it as such)."""
    header, rows = monthly_rows(learner_id, on)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()
