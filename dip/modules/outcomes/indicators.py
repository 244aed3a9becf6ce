"""The program's indicators, computed exactly as DESIGN.md defines them, with small cells hidden.

``facts`` reads, in a handful of aggregate queries, one row of facts per learner in a scope
(program, site or cohort) and reporting window; ``figures`` turns any group of those rows into
the indicators; ``report`` adds the disaggregations and applies primary and secondary
suppression. Nothing here returns a person to the caller except ``facts`` (used for the
coordinators' lists, which are scoped again by ``dip.core.scope.learner_ids``).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from dip.core import scope as access_scope
from dip.core.clock import today
from dip.extensions import db
from dip.modules.assignments.services import completed_learner_ids
from dip.modules.earnings.income import recent_earners
from dip.modules.earnings.models import MonthlyIncome
from dip.modules.outcomes.models import ENDLINE, SurveyResponse
from dip.modules.programs.models import Cohort, LearnerProfile
from dip.modules.programs.services import add_months

#: Indicator keys, in the order of the program's report.
KEYS = ("completion", "raised_income", "earnings", "self_employed", "integrated", "daily_use")
LABELS = {
    "completion": _l("Completion rate"),
    "raised_income": _l("Raised income"),
    "earnings": _l("Average monthly earnings (USD)"),
    "self_employed": _l("Self-employed"),
    "integrated": _l("Feel more integrated"),
    "daily_use": _l("Use digital skills daily"),
}
DIMENSIONS = {"gender": _l("Gender"), "age_band": _l("Age band"),
              "country": _l("Country of origin")}
INCOME_MONTHS = 3
SELF_EMPLOYED_DAYS = 90
MAX_SERIES_MONTHS = 24
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Scope:
    """What a report covers: the whole program (both None), a site, or a cohort."""

    site_id: int | None = None
    cohort_id: int | None = None


@dataclass(frozen=True)
class Window:
    """A reporting window, both days included."""

    start: date
    end: date

    @property
    def reference(self) -> date:
        """The day the window is judged from: its end, or today if it has not ended yet."""
        return min(self.end, today())

    def income_months(self) -> list[date]:
        """The last three complete months on or before the reference day (firsts of months)."""
        following = (self.reference + timedelta(days=1)).replace(day=1)
        return [add_months(following, -k) for k in range(INCOME_MONTHS, 0, -1)]

    def recent_days(self) -> tuple[date, date]:
        """The last 90 days of the window (to the reference day)."""
        return self.reference - timedelta(days=SELF_EMPLOYED_DAYS - 1), self.reference

    def months(self) -> list[date]:
        """Firsts of the months the window covers (at most the last 24)."""
        months, month = [], self.start.replace(day=1)
        while month <= self.reference:
            months.append(month)
            month = add_months(month, 1)
        return months[-MAX_SERIES_MONTHS:]


@dataclass(frozen=True)
class Endline:
    """The endline answers the indicators read."""

    integrated: str
    daily_use: str
    self_employed: bool


@dataclass
class Fact:
    """What the indicators need to know about one learner (never shown to a reviewer)."""

    learner_id: int
    cohort_id: int
    gender: str | None
    age_band: str | None
    country: str | None
    baseline: Decimal
    completed: bool = False
    has_income: bool = False
    avg3: Decimal = Decimal("0")
    recent: bool = False
    endline: Endline | None = None

    @property
    def raised(self) -> bool:
        """Average over the last three complete months above the baseline."""
        return self.avg3 > (self.baseline or Decimal("0"))


@dataclass
class Cell:
    """One figure: numerator over denominator, its value, and whether it may be shown."""

    key: str
    num: int | Decimal
    den: int
    value: Decimal | None = None
    median: Decimal | None = None
    suppressed: bool = False
    secondary: bool = False
    month: date | None = None

    @property
    def is_money(self) -> bool:
        """Earnings cells show USD, not a percentage."""
        return self.key == "earnings"

    @property
    def people(self) -> int:
        """How many people the cell counts, for the secondary-suppression order."""
        return self.den

    @property
    def no_data(self) -> bool:
        """Nothing to show: nobody is counted."""
        return self.den == 0


@dataclass
class Report:
    """The headline cells and the disaggregations."""

    headline: dict[str, Cell]
    groups: dict[str, list[tuple[str | None, dict[str, Cell]]]] = field(default_factory=dict)
    learners: int = 0


# ---- the contracts of other features (assignments: completion; earnings: income) ----

def _completed_ids(cohort_ids: list[int]) -> set[int]:
    return set(completed_learner_ids(cohort_ids))


# ---- reading the facts ----

def population(user, where: Scope, window: Window):
    """The select of learner profiles (joined to cohorts) a report on ``where`` counts."""
    query = (select(LearnerProfile.user_id, LearnerProfile.cohort_id, LearnerProfile.gender,
                    LearnerProfile.age_band, LearnerProfile.country_of_origin,
                    LearnerProfile.baseline_income_usd)
             .join(Cohort, Cohort.id == LearnerProfile.cohort_id)
             .where(Cohort.site_id.in_(access_scope.site_ids(user))))
    if where.cohort_id is not None:
        return query.where(Cohort.id == where.cohort_id)
    if where.site_id is not None:
        query = query.where(Cohort.site_id == where.site_id)
    # A site or the program: the cohorts that ran during the window.
    return query.where(Cohort.start_date <= window.end, Cohort.end_date >= window.start)


def facts(user, where: Scope, window: Window) -> list[Fact]:
    """One Fact per learner in scope: completion, income, recent earnings, endline answers."""
    pop = population(user, where, window)
    rows = db.session.execute(pop).all()
    by_id = {r[0]: Fact(r[0], r[1], r[2], r[3], r[4], r[5] or Decimal("0")) for r in rows}
    if not by_id:
        return []
    ids = pop.with_only_columns(LearnerProfile.user_id).scalar_subquery()

    for learner_id in _completed_ids(sorted({f.cohort_id for f in by_id.values()})) & by_id.keys():
        by_id[learner_id].completed = True

    months = window.income_months()
    query = (select(MonthlyIncome.learner_id,
                    func.sum(case((MonthlyIncome.month >= months[0], MonthlyIncome.total_usd),
                                  else_=0)),
                    func.count())
             .where(MonthlyIncome.learner_id.in_(ids), MonthlyIncome.month <= months[-1])
             .group_by(MonthlyIncome.learner_id))
    for learner_id, total, count in db.session.execute(query):
        fact = by_id[learner_id]
        fact.has_income = count > 0
        fact.avg3 = (Decimal(total or 0) / INCOME_MONTHS).quantize(CENT, ROUND_HALF_UP)
    first_recent, last_recent = window.recent_days()
    for learner_id in recent_earners(ids, first_recent, last_recent):
        by_id[learner_id].recent = True

    endlines = select(SurveyResponse.learner_id, SurveyResponse.integrated,
                      SurveyResponse.daily_use, SurveyResponse.self_employed).where(
        SurveyResponse.kind == ENDLINE, SurveyResponse.learner_id.in_(ids))
    for learner_id, integrated, daily_use, self_employed in db.session.execute(endlines):
        by_id[learner_id].endline = Endline(integrated, daily_use, self_employed)
    return list(by_id.values())


# ---- turning facts into figures ----

def _rate(key: str, num: int, den: int) -> Cell:
    value = (Decimal(num) * 100 / den).quantize(TENTH, ROUND_HALF_UP) if den else None
    return Cell(key, num, den, value)


def figures(group: list[Fact]) -> dict[str, Cell]:
    """The six indicators for ``group`` (unsuppressed)."""
    n = len(group)
    with_income = [f for f in group if f.has_income]
    earners = sorted(f.avg3 for f in group if f.avg3 > 0)
    total = sum(earners, Decimal("0"))
    answers = [f.endline for f in group if f.endline is not None]
    earnings = Cell("earnings", total, len(earners))
    if earners:
        earnings.value = (total / len(earners)).quantize(CENT, ROUND_HALF_UP)
        earnings.median = Decimal(median(earners)).quantize(CENT, ROUND_HALF_UP)
    return {
        "completion": _rate("completion", sum(f.completed for f in group), n),
        "raised_income": _rate("raised_income", sum(f.raised for f in with_income),
                               len(with_income)),
        "earnings": earnings,
        "self_employed": _rate("self_employed", sum(
            f.recent or bool(f.endline and f.endline.self_employed) for f in group), n),
        "integrated": _rate("integrated", sum(a.integrated == "yes" for a in answers),
                            len(answers)),
        "daily_use": _rate("daily_use", sum(a.daily_use == "daily" for a in answers), len(answers)),
    }


# ---- privacy ----

def is_small(cell: Cell, threshold: int) -> bool:
    """Primary suppression: fewer than ``threshold`` people in the group or in the count."""
    if cell.no_data:
        return False
    if cell.den < threshold:
        return True
    return not cell.is_money and 0 < cell.num < threshold


def suppress(total: Cell, siblings: list[Cell], threshold: int) -> None:
    """Hide small cells and, where one hidden cell could be worked out, a second one.

    ``siblings`` partition ``total`` (the groups of one dimension). Any hidden sibling could
    be recovered as the total minus the shown siblings if it were the only one hidden, so the
    next smallest shown sibling is hidden as well.
    """
    total.suppressed = total.suppressed or is_small(total, threshold)
    for cell in siblings:
        cell.suppressed = cell.suppressed or is_small(cell, threshold)
    hidden = [c for c in siblings if c.suppressed]
    if total.suppressed or len(hidden) != 1:
        return
    shown = sorted((c for c in siblings if not c.suppressed and not c.no_data),
                   key=lambda c: (c.people, c.num))
    if shown:
        shown[0].suppressed = shown[0].secondary = True


def _dimension_value(fact: Fact, dimension: str) -> str | None:
    return fact.country if dimension == "country" else getattr(fact, dimension)


def report(user, where: Scope, window: Window, threshold: int, disaggregate: bool = True) -> Report:
    """The indicators for ``where`` over ``window``, disaggregated, with small cells hidden."""
    rows = facts(user, where, window)
    headline = figures(rows)
    result = Report(headline=headline, learners=len(rows))
    if not disaggregate:
        for cell in headline.values():
            suppress(cell, [], threshold)
        return result
    for dimension in DIMENSIONS:
        buckets: dict[str | None, list[Fact]] = {}
        for fact in rows:
            buckets.setdefault(_dimension_value(fact, dimension), []).append(fact)
        groups = [(value, figures(buckets[value]))
                  for value in sorted(buckets, key=lambda v: (v is None, v or ""))]
        for key in KEYS:
            suppress(headline[key], [cells[key] for _value, cells in groups], threshold)
        result.groups[dimension] = groups
    return result


def monthly_series(user, where: Scope, window: Window, threshold: int) -> list[Cell]:
    """Average income of the learners who earned, month by month (one aggregate query)."""
    months = window.months()
    if not months:
        return []
    pop = population(user, where, window)
    ids = pop.with_only_columns(LearnerProfile.user_id).scalar_subquery()
    query = (select(MonthlyIncome.month, func.count(), func.sum(MonthlyIncome.total_usd))
             .where(MonthlyIncome.learner_id.in_(ids), MonthlyIncome.total_usd > 0,
                    MonthlyIncome.month >= months[0], MonthlyIncome.month <= months[-1])
             .group_by(MonthlyIncome.month))
    found = {month: (count, Decimal(total)) for month, count, total in db.session.execute(query)}
    series = []
    for month in months:
        count, total = found.get(month, (0, Decimal("0")))
        cell = Cell("earnings", total, count, month=month)
        if count:
            cell.value = (total / count).quantize(CENT, ROUND_HALF_UP)
        cell.suppressed = is_small(cell, threshold)
        series.append(cell)
    return series


def counted(key: str, fact: Fact) -> tuple[bool, bool]:
    """(in the denominator, in the numerator) of indicator ``key`` for one learner."""
    if key == "completion":
        return True, fact.completed
    if key == "raised_income":
        return fact.has_income, fact.has_income and fact.raised
    if key == "earnings":
        return fact.avg3 > 0, fact.avg3 > 0
    if key == "self_employed":
        return True, fact.recent or bool(fact.endline and fact.endline.self_employed)
    if fact.endline is None:
        return False, False
    if key == "integrated":
        return True, fact.endline.integrated == "yes"
    return True, fact.endline.daily_use == "daily"

