"""Published figures: fixed scopes (the programme, each site) and periods (whole months and
calendar quarters), protected together so no reader can work out a small group from them.

A site or the programme counts the learners of the cohorts that ended in the period, so a
quarter is exactly its three months and a month belongs to one quarter: every published cell
sharing people with a period lies in that period's quarter group (the quarter and its months).
``report`` computes that group once (kept until the data changes), builds every cell a reader
of those sites could reach — each period, the programme and every site, the headline and the
groups of every breakdown, the income by month — and lets ``privacy.protect`` decide which to
hide, indicator by indicator. The cells of the period asked for are then read off.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from dip.core.months import add_months, month_of
from dip.extensions import db
from dip.modules.earnings.income import waiting_for_rates
from dip.modules.earnings.models import MonthlyIncome
from dip.modules.outcomes import cache, indicators as ind
from dip.modules.outcomes.periods import Period, month_end, month_period
from dip.modules.outcomes.privacy import Line, Part, Rule, protect
from dip.modules.programs.models import Cohort, LearnerProfile

PROGRAMME = "programme"
ALL = "all"
SERIES_MONTHS = 12
#: Indicators hidden together (they share a numerator or a sum) and whether their facts
#: depend on the period's income months.
FAMILIES = {
    "completion": (("completion",), False),
    "certified": (("certified",), False),
    "survey": (("integrated", "daily_use"), False),
    "raised": (("raised_income", "raised_income_all"), True),
    "earnings": (("earnings", "earnings_all"), True),
    "self_employed": (("self_employed",), True),
}
#: Families whose figures show how many people are enrolled (protected first, together).
ENROLLED = ("completion", "certified", "raised", "earnings", "self_employed")


@dataclass
class Group:
    """Everything computed for one quarter group: who is in which cell, and what is hidden."""

    periods: list[Period]
    sites: tuple[int, ...]
    facts: dict[date, dict[int, ind.Fact]]        # end month -> learner -> facts
    people: list[int]                              # learner ids; bit i of a cell is people[i]
    cells: dict[tuple, int]                        # (period code, scope, group) -> people bits
    hidden: dict[str, set[tuple]]                  # family -> hidden cells
    incomes: dict[tuple[int, date], Decimal]       # (learner, month) -> net USD
    dimension_values: dict[str, list]
    series_hidden: dict[date, set[tuple]] = field(default_factory=dict)


def _population(site_ids, first: date, last: date):
    return (select(LearnerProfile.user_id, LearnerProfile.cohort_id, LearnerProfile.gender,
                   LearnerProfile.age_band, LearnerProfile.country_of_origin,
                   LearnerProfile.baseline_income_usd, Cohort.site_id, Cohort.end_date)
            .join(Cohort, Cohort.id == LearnerProfile.cohort_id)
            .where(Cohort.site_id.in_(site_ids), *ind.ended_in(first, last)))


def _as_date(value) -> date:
    """SQLite may answer a date column with text."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def series_months(period: Period) -> list[date]:
    """The months of a period's income-by-month figures: the twelve ending with its last."""
    last = period.months[-1]
    return [add_months(last, -k) for k in range(SERIES_MONTHS - 1, -1, -1)]


def _value(fact: ind.Fact, dimension: str):
    return fact.country if dimension == "country" else getattr(fact, dimension)


def _compute(site_ids: tuple[int, ...], quarter: Period, threshold: int) -> Group:
    periods = quarter.members()
    pop = _population(site_ids, quarter.start, quarter.end)
    base = ind.base_facts(pop)
    ids = pop.with_only_columns(LearnerProfile.user_id).scalar_subquery()
    facts = {m: {f.learner_id: f for f in ind.with_income(base, ids, month_period(m)
                                                          .income_months(), month_end(m))}
             for m in quarter.months}
    first = series_months(periods[1])[0]
    incomes = {(lid, _as_date(m)): Decimal(t) for lid, m, t in db.session.execute(
        select(MonthlyIncome.learner_id, MonthlyIncome.month, MonthlyIncome.total_usd)
        .where(MonthlyIncome.learner_id.in_(ids), MonthlyIncome.month >= first,
               MonthlyIncome.month <= quarter.months[-1]))}
    dimension_values = {d: sorted({_value(f, d) for f in base.values()},
                                  key=lambda v: (v is None, v or "")) for d in ind.DIMENSIONS}
    people = sorted(base)
    bit = {lid: 1 << i for i, lid in enumerate(people)}
    scopes = (PROGRAMME, *site_ids)
    groups = [ALL] + [(d, v) for d, values in dimension_values.items() for v in values]
    cells = {(p.code, s, g): 0 for p in periods for s in scopes for g in groups}
    for fact in base.values():
        month, me = month_of(fact.ended_on), bit[fact.learner_id]
        for period in periods:
            if month not in period.months:
                continue
            for scope in (PROGRAMME, fact.site_id):
                cells[(period.code, scope, ALL)] |= me
                for dimension in ind.DIMENSIONS:
                    cells[(period.code, scope, (dimension, _value(fact, dimension)))] |= me
    group = Group(periods, site_ids, facts, people, cells, {}, incomes, dimension_values)
    _protect(group, base, threshold)
    return group


def members(group: Group, bits: int) -> list[int]:
    """The learner ids of a set of bits."""
    return [lid for i, lid in enumerate(group.people) if bits >> i & 1]


def _lines(group: Group, periods: list[Period], headline_only: bool = False) -> list[Line]:
    codes = {p.code for p in periods}
    quarter = group.periods[0]
    months = [p.code for p in group.periods[1:] if p.code in codes]
    scopes = (PROGRAMME, *group.sites)
    groups = [ALL] if headline_only else [ALL] + [
        (d, v) for d, values in group.dimension_values.items() for v in values]
    lines = []
    if quarter.code in codes:
        for scope in scopes:
            for g in groups:
                lines.append(Line((quarter.code, scope, g), tuple((m, scope, g) for m in months),
                                  complete=len(months) == 3))
    for code in codes:
        for g in groups:
            lines.append(Line((code, PROGRAMME, g), tuple((code, s, g) for s in group.sites)))
        if headline_only:
            continue
        for scope in scopes:
            for dimension, values in group.dimension_values.items():
                lines.append(Line((code, scope, ALL),
                                  tuple((code, scope, (dimension, v)) for v in values)))
    return lines


def _subgroups(group: Group, base: dict[int, ind.Fact]) -> list[int]:
    """Cohorts, sites, exit months and the groups of every breakdown (the 0%/100% rule)."""
    out: dict[tuple, int] = {}
    for i, lid in enumerate(group.people):
        f = base[lid]
        for label in (("cohort", f.cohort_id), ("site", f.site_id), ("month", f.ended_on.month),
                      *((d, _value(f, d)) for d in ind.DIMENSIONS)):
            out[label] = out.get(label, 0) | 1 << i
    return list(out.values())


def _masks(group: Group, facts: dict[int, ind.Fact]) -> dict[str, tuple]:
    """(denominator, numerators) of every family, as bits of ``group.people``."""
    def mask(test) -> int:
        value = 0
        for i, lid in enumerate(group.people):
            if test(facts[lid]):
                value |= 1 << i
        return value

    everyone = (1 << len(group.people)) - 1
    return {
        "enrolled": (everyone, ()),
        "completion": (everyone, (mask(lambda f: f.completed),)),
        "certified": (everyone, (mask(lambda f: f.certified),)),
        "self_employed": (everyone, (mask(lambda f: f.self_employed),)),
        "raised": (mask(lambda f: f.has_income), (mask(lambda f: f.raised),)),
        "earnings": (mask(lambda f: f.earner), ()),
        "survey": (mask(lambda f: f.endline is not None),
                   (mask(lambda f: bool(f.endline and f.endline.integrated == "yes")),
                    mask(lambda f: bool(f.endline and f.endline.daily_use == "daily")))),
    }


def _parts(group: Group, masks: tuple, codes, headline_only: bool = False) -> dict[tuple, Part]:
    den, nums = masks
    return {k: Part(v & den, tuple(v & n for n in nums)) for k, v in group.cells.items()
            if k[0] in codes and (not headline_only or k[2] == ALL)}


def _protect(group: Group, base: dict[int, ind.Fact], threshold: int) -> None:
    rule = Rule(threshold, _subgroups(group, base))
    all_codes = {p.code for p in group.periods}
    any_month = _masks(group, group.facts[group.periods[1].start])
    enrolled = protect(_parts(group, any_month["enrolled"], all_codes),
                       _lines(group, group.periods), rule)
    group.hidden["enrolled"] = enrolled
    by_end = {p.start: _masks(group, group.facts[p.start]) for p in group.periods[1:]}
    for family, (_keys, by_month) in FAMILIES.items():
        start = enrolled if family in ENROLLED else set()
        if not by_month:
            group.hidden[family] = protect(_parts(group, any_month[family], all_codes),
                                           _lines(group, group.periods), rule, start)
            continue
        hidden: set[tuple] = set()
        for end in group.periods[1:]:
            # The periods whose income months end with this month share their facts.
            sharing = [p for p in group.periods if p.months[-1] == end.start]
            codes = {p.code for p in sharing}
            hidden |= protect(_parts(group, by_end[end.start][family], codes),
                              _lines(group, sharing), rule, {k for k in start if k[0] in codes})
        group.hidden[family] = hidden
    for month in sorted({m for p in group.periods for m in series_months(p)}):
        sharing = [p for p in group.periods if month in series_months(p)]
        earned = sum(1 << i for i, lid in enumerate(group.people)
                     if group.incomes.get((lid, month), 0) > 0)
        group.series_hidden[month] = protect(
            _parts(group, (earned, ()), {p.code for p in sharing}, headline_only=True),
            _lines(group, sharing, headline_only=True), rule)


def _group(site_ids: tuple[int, ...], quarter: Period, threshold: int) -> Group:
    return cache.cached(("published", site_ids, quarter.code, threshold),
                        lambda: _compute(site_ids, quarter, threshold))


def report(site_ids, period: Period, scope_site: int | None, threshold: int
           ) -> tuple[ind.Report, list[ind.Cell]]:
    """The published figures of ``period`` for the programme (``scope_site`` None) or one site,
    among the sites ``site_ids`` a reader holds, and the income by month; small cells hidden.
    Kept until the data changes, like the quarter group they are read from."""
    site_ids = tuple(sorted(set(site_ids)))
    return cache.cached(("published report", site_ids, period, scope_site, threshold),
                        lambda: _read(site_ids, period, scope_site, threshold))


def _read(site_ids, period: Period, scope_site: int | None, threshold: int):
    group = _group(site_ids, period.quarter, threshold)
    scope = PROGRAMME if scope_site is None else scope_site
    facts = group.facts[period.months[-1]]
    head_key = (period.code, scope, ALL)
    people = members(group, group.cells.get(head_key, 0))

    def read(key) -> dict[str, ind.Cell]:
        cells = ind.figures([facts[i] for i in members(group, group.cells.get(key, 0))])
        for family, (keys, _by_month) in FAMILIES.items():
            for k in keys:
                cells[k].suppressed = key in group.hidden[family]
        return cells

    result = ind.Report(headline=read(head_key), learners=len(people),
                        learners_suppressed=head_key in group.hidden["enrolled"],
                        income_months=period.income_months())
    for dimension, values in group.dimension_values.items():
        result.groups[dimension] = [(v, read((period.code, scope, (dimension, v))))
                                    for v in values]
    if people:
        months = result.income_months
        result.waiting = waiting_for_rates(people, months[0], months[-1])
    series = []
    for month in series_months(period):
        earned = [group.incomes[(i, month)] for i in people
                  if group.incomes.get((i, month), 0) > 0]
        total = sum(earned, Decimal("0"))
        cell = ind.Cell("earnings", total, len(earned), month=month)
        if earned:
            cell.value = (total / len(earned)).quantize(ind.CENT, ROUND_HALF_UP)
        cell.suppressed = head_key in group.series_hidden.get(month, set())
        series.append(cell)
    return result, series


def first_exit(site_ids) -> date | None:
    """The day the first cohort of these sites ended (where published periods begin)."""
    return db.session.scalar(select(Cohort.end_date).where(Cohort.site_id.in_(list(site_ids)))
                             .order_by(Cohort.end_date).limit(1))
