"""Monthly income: the incremental recompute every change triggers equals a full recompute."""
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import delete, func, select

from dip.core.access import Role
from dip.extensions import db
from dip.modules.earnings import income, rates, services
from dip.modules.earnings.models import EarningEntry, EntryChange, ExchangeRate, MonthlyIncome
from dip.modules.programs.models import LearnerProfile

MONTHS = [date(2026, m, 1) for m in (1, 2, 3)]
amounts = st.decimals(min_value=Decimal("-50"), max_value=Decimal("5000"), places=2).filter(
    lambda a: a != 0)
operation = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 1), st.sampled_from(MONTHS), st.integers(1, 28),
              amounts, st.sampled_from(["USD", "MWK", "KES"])),
    st.tuples(st.just("edit"), st.integers(0, 30), amounts, st.sampled_from(MONTHS)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("restore"), st.integers(0, 30)),
    # A rate for all sites (None) or for the first or second learner's site.
    st.tuples(st.just("rate"), st.sampled_from(["MWK", "KES"]), st.sampled_from(MONTHS),
              st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("2"), places=4),
              st.sampled_from([None, 0, 1])),
    st.tuples(st.just("unrate"), st.sampled_from(["MWK", "KES"]), st.sampled_from(MONTHS),
              st.sampled_from([None, 0, 1])),
)


def _site(learner) -> int:
    return db.session.get(LearnerProfile, learner.id).cohort.site_id


def _apply(op, admin, learners, entries):
    kind = op[0]
    if kind == "add":
        _k, who, month, day, amount, currency = op
        entries.append(services.log_entry(admin, learners[who].id, {
            "earned_on": month.replace(day=day), "amount": amount, "currency": currency}))
    elif kind in ("edit", "delete", "restore") and entries:
        entry = entries[op[1] % len(entries)]
        if kind == "edit" and entry.deleted_at is None:
            services.edit_entry(admin, entry, {
                "earned_on": op[3].replace(day=entry.earned_on.day), "amount": op[2],
                "currency": entry.currency})
        elif kind == "delete":
            services.delete_entry(admin, entry)
        elif kind == "restore":
            services.restore_entry(admin, entry)
    elif kind == "rate":
        site = None if op[4] is None else _site(learners[op[4]])
        rates.set_rate(admin, op[1], op[2], op[3], site)
    elif kind == "unrate":
        site = None if op[3] is None else _site(learners[op[3]])
        rate = db.session.query(ExchangeRate).filter_by(currency=op[1], month=op[2],
                                                        site_id=site).first()
        if rate is not None:
            rates.delete_rate(admin, rate)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=25))
def test_incremental_recompute_equals_full_recompute(app, make_cohort, make_user, ops):
    for table in (EntryChange, EarningEntry, MonthlyIncome, ExchangeRate):
        db.session.execute(delete(table))
    db.session.commit()
    if not hasattr(app, "_people"):  # two learners at two sites
        app._people = (make_user(Role.ADMIN), [make_user(Role.LEARNER, cohort=make_cohort())
                                                for _ in range(2)])
    admin, learners = app._people
    entries = []
    for op in ops:
        _apply(op, admin, learners, entries)
    incremental = income.table()
    income.recompute_all()
    full = income.table()
    assert incremental == full
    # And the full table is right: USD at face value, others at their month's rate for the
    # learner's site, else the all-site rate, if any.
    expected = {}
    sites = {learner.id: _site(learner) for learner in learners}
    for entry in db.session.query(EarningEntry).filter(EarningEntry.deleted_at.is_(None)):
        found = {r.site_id: r.rate_to_usd for r in db.session.query(ExchangeRate).filter_by(
            currency=entry.currency, month=entry.month)}
        rate = Decimal(1) if entry.currency == "USD" else found.get(
            sites[entry.learner_id], found.get(None))
        if rate is None:
            continue
        total, count = expected.get((entry.learner_id, entry.month), (Decimal(0), 0))
        expected[(entry.learner_id, entry.month)] = (total + entry.amount * Decimal(rate), count + 1)
    assert full == {k: (v[0].quantize(Decimal("0.01")), v[1]) for k, v in expected.items()}


def test_cli_recomputes_a_site_and_a_month(runner, world, log):
    learner, other = world["learner"], world["other_learner"]
    log(learner, amount="10.00", day=date(2026, 3, 3))
    log(other, amount="20.00", day=date(2026, 3, 3))
    db.session.execute(delete(MonthlyIncome))
    db.session.commit()
    result = runner.invoke(args=["dip", "income", "recompute", "--site", "Dzaleka",
                                 "--month", "2026-03"])
    assert result.exit_code == 0 and "1 learner-month" in result.output
    assert set(income.table()) == {(learner.id, date(2026, 3, 1))}
    result = runner.invoke(args=["dip", "income", "recompute"])
    assert "2 learner-month" in result.output
    assert runner.invoke(args=["dip", "income", "recompute", "--month", "March"]).exit_code == 1
    assert runner.invoke(args=["dip", "income", "recompute", "--site", "Nowhere"]).exit_code == 1


def test_nightly_job_rebuilds_lost_totals(runner, world, log):
    entry = log(world["learner"], amount="42.00", day=date(2026, 2, 2))
    db.session.execute(delete(MonthlyIncome))
    db.session.commit()
    result = runner.invoke(args=["dip", "jobs", "nightly"])
    assert result.exit_code == 0 and "inline" in result.output
    assert income.table() == {(entry.learner_id, date(2026, 2, 1)): (Decimal("42.00"), 1)}


def test_a_lost_recompute_is_found_by_reconcile_and_gives_the_clean_result(
        app, runner, world, monkeypatch):
    """Redis (or a killed worker) loses the recompute jobs: the months stay due in the
    database, reconcile runs them, and the table equals a full recompute."""
    import dip.queue
    from dip.modules.earnings.models import IncomeDue

    lost = []
    monkeypatch.setattr(dip.queue, "enqueue", lambda func, *a, **k: lost.append(a) or "queued")
    learner, coordinator = world["learner"], world["coordinator"]
    for day, amount in ((date(2026, 9, 3), "40"), (date(2026, 9, 20), "15"), (date(2026, 10, 2), "70")):
        services.log_entry(coordinator, learner.id, {"earned_on": day, "amount": Decimal(amount),
                                                     "currency": "USD", "platform": "upwork"})
    assert len(lost) == 3 and income.table([learner.id]) == {}  # nothing ran
    assert db.session.scalar(select(func.count()).select_from(IncomeDue)) == 2

    monkeypatch.undo()  # Redis is back (tests run jobs inline without REDIS_URL)
    result = runner.invoke(args=["dip", "jobs", "reconcile", "--older-than", "0"])
    assert "2 learner-month(s) of income queued again" in result.output
    got = income.table([learner.id])
    assert got == {(learner.id, date(2026, 9, 1)): (Decimal("55.00"), 2),
                   (learner.id, date(2026, 10, 1)): (Decimal("70.00"), 1)}
    assert db.session.scalar(select(func.count()).select_from(IncomeDue)) == 0
    income.recompute_all()
    assert income.table([learner.id]) == got  # the same as a clean full run
    again = runner.invoke(args=["dip", "jobs", "reconcile", "--older-than", "0"])
    assert "0 learner-month(s)" in again.output  # nothing counted twice
