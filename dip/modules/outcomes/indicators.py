"""The program's indicators, computed exactly as DESIGN.md defines them, with small cells hidden.

``facts`` reads, in a handful of aggregate queries, one row of facts per learner in a scope
(program, site or cohort) and reporting window; ``figures`` turns any group of those rows into
the indicators; ``report`` adds the disaggregations and applies primary and secondary
suppression within its own tables (``privacy.suppress``; the staff's operational view: any
cohort, any window).
Published figures (what reviewers read) are ``published.report``'s, protected across every
period, scope and breakdown together. Nothing here returns a person to the caller except
``facts`` (used for the coordinators' lists, scoped again by ``dip.core.scope.learner_ids``).
"""
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from dip.core import scope as access_scope
from dip.core.clock import today
from dip.core.months import add_months, month_of
from dip.extensions import db
from dip.modules.assignments.completion import certified_learner_ids, completed_learner_ids
from dip.modules.earnings.income import (
    NO_INCOME, IncomeFacts, income_facts, last_complete_months,
)
from dip.modules.earnings.models import MonthlyIncome
from dip.modules.outcomes.models import ENDLINE, SurveyResponse
from dip.modules.outcomes.privacy import is_small, suppress
from dip.modules.programs.models import Cohort, LearnerProfile

#: Indicator keys, in the order of the program's report.
KEYS = ("completion", "certified", "raised_income", "raised_income_all", "earnings",
        "earnings_all", "self_employed", "integrated", "daily_use")
LABELS = {
    "completion": _l("Completion rate"),
    "certified": _l("Certified"),
    "raised_income": _l("Raised income (of learners with income data)"),
    "raised_income_all": _l("Raised income (of everyone enrolled)"),
    "earnings": _l("Average monthly earnings of earners (USD, net of fees)"),
    "earnings_all": _l("Average monthly earnings of everyone enrolled (USD, net of fees)"),
    "self_employed": _l("Self-employed"),
    "integrated": _l("Feel more integrated"),
    "daily_use": _l("Use digital skills daily"),
}
MONEY = ("earnings", "earnings_all")
#: Figures that say nothing until a cohort has ended.
AT_THE_END = ("completion", "certified")
DIMENSIONS = {"gender": _l("Gender"), "age_band": _l("Age band"),
              "country": _l("Country of origin")}
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
        """The last three complete months on or before the reference day (firsts of months):
        the one window of every income and self-employment figure."""
        return last_complete_months(self.reference)

    def months(self) -> list[date]:
        """Firsts of the months the window covers (at most the last 24)."""
        months, month = [], month_of(self.start)
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
    site_id: int = 0
    ended_on: date | None = None      # the cohort's last day
    completed: bool = False
    certified: bool = False
    income: IncomeFacts = NO_INCOME
    endline: Endline | None = None
    in_progress: bool = False         # the cohort had not ended on the reference day

    @property
    def has_income(self) -> bool:
        """Any monthly income recorded up to the end of the income months."""
        return self.income.has_income

    @property
    def avg3(self) -> Decimal:
        """Average monthly net income over the income months (a month with nothing counts 0)."""
        return self.income.average

    @property
    def earner(self) -> bool:
        """Earned on average over the income months (counted by the earners' average)."""
        return self.income.average > 0

    @property
    def raised(self) -> bool:
        """Average over the last three complete months above the baseline."""
        return self.has_income and self.avg3 > (self.baseline or Decimal("0"))

    @property
    def self_employed(self) -> bool:
        """Earned in the income months, or said so in the endline survey."""
        return self.income.earned or bool(self.endline and self.endline.self_employed)


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
    in_progress: bool = False

    @property
    def is_money(self) -> bool:
        """Earnings cells show USD, not a percentage."""
        return self.key in MONEY

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
    learners_suppressed: bool = False
    income_months: list[date] = field(default_factory=list)
    waiting: tuple[int, list[date]] = (0, [])


# ---- the contracts of other features (assignments: completion; earnings: income) ----

def _completed_ids(cohort_ids: list[int]) -> set[int]:
    return set(completed_learner_ids(cohort_ids))


def _certified_ids(cohort_ids: list[int]) -> set[int]:
    return set(certified_learner_ids(cohort_ids))


# ---- reading the facts ----

def population(user, where: Scope, window: Window):
    """The select of learner profiles (joined to cohorts) a report on ``where`` counts."""
    query = (select(LearnerProfile.user_id, LearnerProfile.cohort_id, LearnerProfile.gender,
                    LearnerProfile.age_band, LearnerProfile.country_of_origin,
                    LearnerProfile.baseline_income_usd, Cohort.site_id, Cohort.end_date)
             .join(Cohort, Cohort.id == LearnerProfile.cohort_id)
             .where(Cohort.site_id.in_(access_scope.site_ids(user))))
    if where.cohort_id is not None:
        return query.where(Cohort.id == where.cohort_id)
    if where.site_id is not None:
        query = query.where(Cohort.site_id == where.site_id)
    return query.where(*ended_in(window.start, window.reference))


def ended_in(first: date, last: date) -> list:
    """A site or the programme counts the cohorts that ended in the period (their learners'
    outcomes are known): each cohort belongs to exactly one month, and a quarter is its months."""
    return [Cohort.end_date >= first, Cohort.end_date <= last]


def base_facts(pop) -> dict[int, Fact]:
    """Facts that do not depend on the period, for the learners of ``pop`` (a population select):
    who they are, completion, certificates, endline answers. Four queries."""
    rows = db.session.execute(pop).all()
    by_id = {r[0]: Fact(r[0], r[1], r[2], r[3], r[4], r[5] or Decimal("0"), r[6], r[7])
             for r in rows}
    if not by_id:
        return {}
    ids = pop.with_only_columns(LearnerProfile.user_id).scalar_subquery()
    cohort_ids = sorted({f.cohort_id for f in by_id.values()})
    for learner_id in _completed_ids(cohort_ids) & by_id.keys():
        by_id[learner_id].completed = True
    for learner_id in _certified_ids(cohort_ids) & by_id.keys():
        by_id[learner_id].certified = True
    endlines = select(SurveyResponse.learner_id, SurveyResponse.integrated,
                      SurveyResponse.daily_use, SurveyResponse.self_employed).where(
        SurveyResponse.kind == ENDLINE, SurveyResponse.learner_id.in_(ids))
    for learner_id, integrated, daily_use, self_employed in db.session.execute(endlines):
        by_id[learner_id].endline = Endline(integrated, daily_use, self_employed)
    return by_id


def with_income(base: dict[int, Fact], ids, months: list[date], reference: date) -> list[Fact]:
    """``base`` with each learner's income facts over ``months`` (the earnings contract)."""
    found = income_facts(ids, months)
    return [replace(f, income=found.get(f.learner_id, NO_INCOME),
                    in_progress=f.ended_on is not None and f.ended_on > reference)
            for f in base.values()]


def facts(user, where: Scope, window: Window) -> list[Fact]:
    """One Fact per learner in scope: completion, certificate, income, endline answers."""
    pop = population(user, where, window)
    base = base_facts(pop)
    if not base:
        return []
    ids = pop.with_only_columns(LearnerProfile.user_id).scalar_subquery()
    return with_income(base, ids, window.income_months(), window.reference)


# ---- turning facts into figures ----

def _rate(key: str, num: int, den: int) -> Cell:
    value = (Decimal(num) * 100 / den).quantize(TENTH, ROUND_HALF_UP) if den else None
    return Cell(key, num, den, value)


def figures(group: list[Fact]) -> dict[str, Cell]:
    """Every indicator for ``group`` (unsuppressed)."""
    n = len(group)
    with_data = [f for f in group if f.has_income]
    raised = sum(f.raised for f in group)
    earners = sorted(f.avg3 for f in group if f.earner)
    total = sum(earners, Decimal("0"))
    answers = [f.endline for f in group if f.endline is not None]
    earnings = Cell("earnings", total, len(earners))
    everyone = Cell("earnings_all", total, n)
    if earners:
        earnings.value = (total / len(earners)).quantize(CENT, ROUND_HALF_UP)
        earnings.median = Decimal(median(earners)).quantize(CENT, ROUND_HALF_UP)
    if n:
        everyone.value = (total / n).quantize(CENT, ROUND_HALF_UP)
    cells = {
        "completion": _rate("completion", sum(f.completed for f in group), n),
        "certified": _rate("certified", sum(f.certified for f in group), n),
        "raised_income": _rate("raised_income", raised, len(with_data)),
        "raised_income_all": _rate("raised_income_all", raised, n),
        "earnings": earnings,
        "earnings_all": everyone,
        "self_employed": _rate("self_employed", sum(f.self_employed for f in group), n),
        "integrated": _rate("integrated", sum(a.integrated == "yes" for a in answers),
                            len(answers)),
        "daily_use": _rate("daily_use", sum(a.daily_use == "daily" for a in answers), len(answers)),
    }
    if group and all(f.in_progress for f in group):
        for key in AT_THE_END:
            cells[key].in_progress = True
    return cells


def _dimension_value(fact: Fact, dimension: str) -> str | None:
    return fact.country if dimension == "country" else getattr(fact, dimension)


def report(user, where: Scope, window: Window, threshold: int, disaggregate: bool = True) -> Report:
    """The indicators for ``where`` over ``window``, disaggregated, with small cells hidden."""
    rows = facts(user, where, window)
    headline = figures(rows)
    months = window.income_months()
    result = Report(headline=headline, learners=len(rows), income_months=months,
                    waiting=waiting(rows, months))
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


def waiting(rows: list[Fact], months: list[date]) -> tuple[int, list[date]]:
    """(entries, months) of the money in the income months that waits for an exchange rate."""
    from dip.modules.earnings.income import waiting_for_rates

    if not rows:
        return 0, []
    return waiting_for_rates([f.learner_id for f in rows], months[0], months[-1])


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
    if key == "certified":
        return True, fact.certified
    if key == "raised_income":
        return fact.has_income, fact.raised
    if key == "raised_income_all":
        return True, fact.raised
    if key == "earnings":
        return fact.earner, fact.earner
    if key == "earnings_all":
        return True, fact.earner
    if key == "self_employed":
        return True, fact.self_employed
    if fact.endline is None:
        return False, False
    if key == "integrated":
        return True, fact.endline.integrated == "yes"
    return True, fact.endline.daily_use == "daily"

