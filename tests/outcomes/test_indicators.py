"""The indicators on a hand-made dataset whose figures are known exactly, and the privacy rules."""
from datetime import date
from decimal import Decimal

import pytest

from dip.modules.outcomes import indicators as ind
from dip.modules.outcomes.indicators import Cell, Scope, Window
from tests.outcomes.conftest import WINDOW

D = Decimal


def headline(user, where, window=WINDOW, threshold=5):
    return ind.report(user, where, window, threshold).headline


def test_known_figures_for_the_cohort(dataset):
    h = headline(dataset["admin"], Scope(cohort_id=dataset["cohort"].id))
    assert (h["completion"].num, h["completion"].den, h["completion"].value) == (8, 10, D("80.0"))
    assert (h["raised_income"].num, h["raised_income"].den, h["raised_income"].value) == (7, 8, D("87.5"))
    e = h["earnings"]
    assert (e.num, e.den, e.value, e.median) == (D("930.00"), 7, D("132.86"), D("120.00"))
    assert (h["self_employed"].num, h["self_employed"].den, h["self_employed"].value) == (9, 10, D("90.0"))
    assert (h["integrated"].num, h["integrated"].den, h["integrated"].value) == (7, 8, D("87.5"))
    assert (h["daily_use"].num, h["daily_use"].den, h["daily_use"].value) == (6, 8, D("75.0"))
    assert not any(c.suppressed for c in h.values())


def test_site_scope_counts_only_that_site_and_cohorts_in_the_window(dataset):
    reviewer = dataset["reviewer"]  # granted site A only
    h = headline(reviewer, Scope())
    assert h["completion"].den == 10  # the three Kakuma learners are not the reviewer's
    h = headline(reviewer, Scope(site_id=dataset["site_a"].id))
    assert (h["completion"].num, h["completion"].den) == (8, 10)
    # A window before the cohort started counts nobody.
    empty = headline(reviewer, Scope(site_id=dataset["site_a"].id), Window(date(2025, 1, 1), date(2025, 6, 30)))
    assert empty["completion"].no_data and empty["earnings"].no_data


def test_admin_program_scope_counts_every_site(dataset):
    h = headline(dataset["admin"], Scope())
    assert (h["completion"].num, h["completion"].den) == (11, 13)


def test_income_months_are_the_last_three_complete_ones(app, monkeypatch):
    monkeypatch.setattr(ind, "today", lambda: date(2026, 11, 28))
    assert Window(date(2026, 1, 1), date(2026, 8, 31)).income_months() == [
        date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1)]
    # Mid-month window end: that month is not complete yet.
    assert Window(date(2026, 1, 1), date(2026, 8, 15)).income_months() == [
        date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)]
    # A window reaching into the future is judged from today.
    assert Window(date(2026, 1, 1), date(2027, 3, 1)).income_months()[-1] == date(2026, 10, 1)


def test_monthly_series_hides_small_months(dataset):
    series = ind.monthly_series(dataset["admin"], Scope(cohort_id=dataset["cohort"].id), WINDOW, 5)
    by_month = {c.month: c for c in series}
    assert len(series) == 8  # January to August
    assert by_month[date(2026, 1, 1)].suppressed  # one learner earned
    assert (by_month[date(2026, 6, 1)].den, by_month[date(2026, 6, 1)].value) == (6, D("220.00"))
    assert (by_month[date(2026, 7, 1)].den, by_month[date(2026, 7, 1)].value) == (5, D("144.00"))
    assert (by_month[date(2026, 8, 1)].den, by_month[date(2026, 8, 1)].value) == (6, D("125.00"))
    # Nobody earned in March: "no data" would say the group is empty, so it reads suppressed.
    assert by_month[date(2026, 3, 1)].den == 0 and by_month[date(2026, 3, 1)].suppressed


def test_disaggregation_with_primary_and_secondary_suppression(dataset):
    report = ind.report(dataset["admin"], Scope(cohort_id=dataset["cohort"].id), WINDOW, 5)
    gender = dict(report.groups["gender"])
    # Four men: hidden. The women (6) would then be the total minus the men: hidden too.
    assert gender["male"]["completion"].suppressed and not gender["male"]["completion"].secondary
    assert gender["female"]["completion"].suppressed and gender["female"]["completion"].secondary
    # One age band: the group is the total, shown.
    (band, cells), = report.groups["age_band"]
    assert band == "25-34" and (cells["completion"].num, cells["completion"].den) == (8, 10)
    country = dict(report.groups["country"])
    assert (country["CD"]["completion"].num, country["CD"]["completion"].den) == (5, 5)
    assert not country["CD"]["completion"].suppressed
    assert country["CD"]["raised_income"].suppressed  # 4 of 5: a count under 5
    assert country["RW"]["completion"].suppressed and country["BI"]["completion"].suppressed
    # The headline itself is never touched by suppression of its groups.
    assert not report.headline["completion"].suppressed


def cells(*dens, num=None):
    return [Cell("completion", num if num is not None else d, d) for d in dens]


def test_primary_suppression_of_small_counts():
    total = Cell("completion", 30, 30)
    groups = cells(12, 10, 8)
    ind.suppress(total, groups, 5)
    assert not any(c.suppressed for c in groups)
    small_num = Cell("completion", 2, 10)
    ind.suppress(Cell("completion", 2, 10), [small_num], 5)
    assert small_num.suppressed  # two people who completed are a group of two
    zero = Cell("completion", 0, 10)
    ind.suppress(Cell("completion", 0, 10), [zero], 5)
    assert not zero.suppressed


def test_secondary_suppression_hides_the_next_smallest_sibling():
    total = Cell("completion", 20, 20)
    big, middle, small = groups = cells(12, 5, 3)
    ind.suppress(total, groups, 5)
    assert small.suppressed and not small.secondary
    assert middle.suppressed and middle.secondary
    assert not big.suppressed and not total.suppressed


def test_no_secondary_when_two_are_already_hidden():
    total = Cell("completion", 19, 19)
    big, a, b = groups = cells(12, 4, 3)
    ind.suppress(total, groups, 5)
    assert a.suppressed and b.suppressed and not big.suppressed
    assert not a.secondary and not b.secondary


def test_empty_groups_read_suppressed_and_count_in_the_hidden_rest():
    total = Cell("raised_income", 13, 13)
    empty, small, big, other_empty = groups = [Cell("raised_income", 0, 0), *cells(3, 10),
                                               Cell("raised_income", 0, 0)]
    ind.suppress(total, groups, 5)
    # An empty group is a group under 5 ("no data" would disclose it); the hidden groups
    # together hold 3 people, so the one shown group would give them away: hidden too.
    assert empty.suppressed and other_empty.suppressed and small.suppressed
    assert big.suppressed and big.secondary


def test_money_cells_are_hidden_by_how_many_people_they_average():
    money = Cell("earnings", D("40.00"), 4, D("10.00"))
    ind.suppress(money, [], 5)
    assert money.suppressed
    fine = Cell("earnings", D("3.00"), 6, D("0.50"))
    ind.suppress(fine, [], 5)
    assert not fine.suppressed  # a small sum of money is not a small group of people


@pytest.mark.parametrize("threshold, hidden", [(3, False), (5, True)])
def test_threshold_is_a_setting(dataset, threshold, hidden):
    report = ind.report(dataset["admin"], Scope(cohort_id=dataset["cohort"].id), WINDOW, threshold)
    assert dict(report.groups["gender"])["male"]["completion"].suppressed is hidden


def test_self_employment_counts_live_entries_of_the_income_months(dataset):
    from dip.extensions import db
    from dip.modules.earnings import services as earnings
    from dip.modules.earnings.models import EarningEntry

    tenth = dataset["learners"][9]  # no income, no survey: not self-employed
    scope = Scope(cohort_id=dataset["cohort"].id)
    # One window rule: the income months are June to August; May 31st is outside them.
    db.session.add(EarningEntry(learner_id=tenth.id, earned_on=date(2026, 5, 31), amount=D("40"),
                                currency="USD", natural_key="early"))
    db.session.commit()
    assert headline(dataset["admin"], scope)["self_employed"].num == 9
    late = EarningEntry(learner_id=tenth.id, earned_on=date(2026, 8, 31), amount=D("5"),
                        currency="USD", natural_key="late")
    db.session.add(late)
    db.session.commit()
    assert headline(dataset["admin"], scope)["self_employed"].num == 10
    earnings.delete_entry(dataset["admin"], late)  # a deleted entry no longer counts
    cell = headline(dataset["admin"], scope)["self_employed"]
    assert (cell.num, cell.den) == (9, 10)
