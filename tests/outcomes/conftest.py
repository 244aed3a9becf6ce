"""A hand-made dataset whose indicators are known exactly.

Completion comes from the assignments feature and income from the earnings feature; the tests
fix completion (``completed_learner_ids``) and write earnings entries with their
``MonthlyIncome`` rows, so the expected figures below follow from the definitions by hand.
"""
from datetime import date
from decimal import Decimal

import pytest

from dip.core.access import Role
from dip.extensions import db
from dip.modules.earnings.models import EarningEntry, MonthlyIncome
from dip.modules.outcomes import indicators as ind
from dip.modules.outcomes.indicators import Window
from dip.modules.outcomes.services import save_survey
from dip.modules.programs.services import create_cohort, enrol

TODAY = date(2026, 11, 28)
WINDOW = Window(date(2026, 1, 1), date(2026, 8, 31))
END = date(2026, 8, 20)  # both cohorts end in August: the published month 2026-08
AUGUST = "2026-08"


@pytest.fixture
def frozen(app, monkeypatch):
    """Every outcomes page and figure judged as if today were TODAY (2026-11-28)."""
    import importlib

    from dip.modules.earnings import income as earnings_income
    from dip.modules.outcomes import services, views

    for module in (ind, services, views, earnings_income):
        monkeypatch.setattr(module, "today", lambda: TODAY, raising=False)
    try:
        cache = importlib.import_module("dip.modules.outcomes.cache")
    except ImportError:  # the attack tests also run against the code before the fix
        cache = None
    if cache:
        cache.clear()
    yield TODAY
    if cache:
        cache.clear()


@pytest.fixture
def income(app, frozen):
    """Add a learner's income for a month: one US-dollar entry on the 15th and its MonthlyIncome
    row (what the earnings recompute makes of it)."""

    def add(learner, month: date, usd: str):
        db.session.add(EarningEntry(learner_id=learner.id, earned_on=month.replace(day=15),
                                    amount=Decimal(usd), currency="USD",
                                    natural_key=f"test:{month.isoformat()}"))
        db.session.add(MonthlyIncome(learner_id=learner.id, month=month, total_usd=Decimal(usd),
                                     entry_count=1))

    return add


@pytest.fixture
def completed(monkeypatch):
    """Say which learners met their cohort's completion rule (the assignments contract)."""
    done: set[int] = set()
    monkeypatch.setattr(ind, "_completed_ids", lambda cohort_ids: set(done))
    return done


ANSWERS = dict(daily_use="daily", confidence=4, integrated="yes", self_employed=False,
               income_change="higher")

# learner: (gender, age band, country, baseline, completed, {month: usd}, endline answers or None)
JUN, JUL, AUG, JAN = date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1), date(2026, 1, 1)
PEOPLE = [
    ("female", "25-34", "CD", "100", True, {JUN: "150", JUL: "150", AUG: "150"}, {}),
    ("female", "25-34", "CD", "0", True, {JUN: "300", JUL: "300", AUG: "300"}, {}),
    ("female", "25-34", "CD", "0", True, {JUN: "90", JUL: "90", AUG: "90"}, {}),
    ("female", "25-34", "CD", "0", True, {JUN: "600"}, {}),
    ("female", "25-34", "CD", "0", True, {JAN: "50"}, {"self_employed": True}),
    ("male", "25-34", "RW", "0", True, {JUN: "120", JUL: "120", AUG: "120"}, {}),
    ("male", "25-34", "RW", "0", True, {AUG: "30"}, {"daily_use": "weekly"}),
    ("male", "25-34", "RW", "0", True, {}, {"self_employed": True, "daily_use": "never",
                                            "integrated": "somewhat"}),
    ("female", "25-34", "BI", "0", False, {JUN: "60", JUL: "60", AUG: "60"}, None),
    ("male", "25-34", "BI", "0", False, {}, None),
]


@pytest.fixture
def dataset(world, make_user, income, completed):
    """Ten learners in cohort A1 (Dzaleka, 5 Jan – 20 Aug 2026) plus three at Kakuma; see PEOPLE.

    Expected, window 2026-01-01..2026-08-31 (income months Jun–Aug):
    completion 8/10 = 80.0%; raised income 7/8 = 87.5%; earnings over 7 earners: sum 930,
    mean 132.86, median 120.00; self-employed 9/10 = 90.0%; integrated 7/8 = 87.5%;
    daily use 6/8 = 75.0%.
    """
    cohort = create_cohort(world["site_a"], "Dzaleka 2026-1", date(2026, 1, 5), END)
    learners = []
    for i, (gender, age, country, baseline, done, months, answers) in enumerate(PEOPLE, 1):
        user = make_user(Role.LEARNER, cohort=cohort, username=f"dz{i}",
                         display_name=f"Dzaleka Learner {i}")
        enrol(user, cohort, gender, age, country, Decimal(baseline), date(2026, 1, 5))
        if done:
            completed.add(user.id)
        for month, usd in months.items():
            income(user, month, usd)
        learners.append(user)
    db.session.commit()
    for user, person in zip(learners, PEOPLE):
        if person[6] is not None:
            save_survey(user.id, "endline", {**ANSWERS, **person[6]})
    # Kakuma: learners a site-A coordinator or reviewer must never see counted.
    other = create_cohort(world["site_b"], "Kakuma 2026-1", date(2026, 1, 5), END)
    for i in range(3):
        user = make_user(Role.LEARNER, cohort=other, username=f"kk{i}", display_name=f"Kakuma {i}")
        enrol(user, other, "female", "18-24", "SS", Decimal("0"), date(2026, 1, 5))
        completed.add(user.id)
        income(user, JUN, "999")
    db.session.commit()
    return {"cohort": cohort, "other": other, "learners": learners, **world}


def args(cohort=None, site=None, start=WINDOW.start, end=WINDOW.end, period=None) -> dict:
    """Dashboard query arguments for a scope and window (or a published period)."""
    out = {"period": period} if period else {"start": start.isoformat(), "end": end.isoformat()}
    if cohort is not None:
        out["scope"] = f"c{cohort.id}"
    elif site is not None:
        out["scope"] = f"s{site.id}"
    return out

