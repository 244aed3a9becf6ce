"""Issue 12, figures a donor reads: named months, earners-only beside everyone, certified,
money waiting for a rate, one income window, dates and numbers a reader cannot misread."""
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from dip.core.access import Role
from dip.extensions import db
from dip.modules.assignments.models import Certificate
from dip.modules.earnings import income as earnings_income
from dip.modules.earnings.models import EarningEntry
from dip.modules.outcomes import indicators as ind
from dip.modules.outcomes.indicators import Scope
from dip.modules.programs.services import create_cohort, enrol
from tests.conftest import form
from tests.outcomes.conftest import AUGUST, TODAY, WINDOW, args


def page(client, **query):
    return client.get("/outcomes/", query_string=query).get_data(as_text=True)


def headline_row(html, key):
    head = html.split("<h2>Headline</h2>")[1].split("</table>")[0]
    return next(r for r in head.split("<tr>") if f"definitions#{key}\"" in r)


def test_income_figures_name_their_months_and_say_who_they_count(client, auth, dataset):
    auth.login("reviewer.a")
    html = page(client, **args(site=dataset["site_a"], period=AUGUST))
    assert "Jun\u2009–\u2009Aug 2026" in html  # the three months behind every income figure
    assert "net of platform fees" in html and "counts only learners who earned" in html
    # Beside the earners' figures, the same over everyone enrolled (10 learners):
    assert "87.5%<small>7/8" in headline_row(html, "raised_income")
    assert "70.0%<small>7/10" in headline_row(html, "raised_income_all")
    assert "$132.86" in headline_row(html, "earnings")
    assert "$93.00" in headline_row(html, "earnings_all") and "n=10" in headline_row(
        html, "earnings_all")


def test_certified_counts_valid_certificates_only(client, auth, dataset):
    learners = dataset["learners"]
    for i, learner in enumerate(learners[:6]):
        db.session.add(Certificate(code=f"code{i}", learner_id=learner.id,
                                   cohort_id=dataset["cohort"].id, shown_name="x", program="DIP",
                                   issued_on=date(2026, 8, 20), issued_by_id=dataset["admin"].id,
                                   revoked_at=datetime(2026, 9, 1) if i == 5 else None))
    db.session.commit()
    cell = ind.report(dataset["admin"], Scope(cohort_id=dataset["cohort"].id), WINDOW,
                      5).headline["certified"]
    assert (cell.num, cell.den, cell.value) == (5, 10, Decimal("50.0"))
    auth.login("reviewer.a")
    html = page(client, **args(site=dataset["site_a"], period=AUGUST))
    assert "50.0%<small>5/10" in headline_row(html, "certified")
    assert "80.0%<small>8/10" in headline_row(html, "completion")


def test_money_waiting_for_a_rate_is_counted_and_named(client, auth, dataset):
    for day in (date(2026, 7, 3), date(2026, 7, 9)):
        db.session.add(EarningEntry(learner_id=dataset["learners"][0].id, earned_on=day,
                                    amount=Decimal("5000"), currency="MWK",
                                    natural_key=f"mwk{day}"))
    db.session.commit()
    auth.login("reviewer.a")
    html = page(client, **args(site=dataset["site_a"], period=AUGUST))
    assert "2 earnings entries in Jul 2026 wait for an exchange rate" in html
    response = client.post("/outcomes/exports/", data=form(args(site=dataset["site_a"],
                                                                period=AUGUST)))
    with client.get(response.location + "/xlsx") as got:
        about = dict(load_workbook(io.BytesIO(got.data))["About"].iter_rows(
            min_row=2, values_only=True))
    assert about["entries_waiting_for_rate"] == 2 and about["months_waiting_for_rate"] == "2026-07"


def test_xlsx_stores_numbers_as_numbers_with_units_in_the_header(client, auth, dataset):
    auth.login("reviewer.a")
    response = client.post("/outcomes/exports/", data=form(args(site=dataset["site_a"],
                                                                period=AUGUST)))
    with client.get(response.location + "/xlsx") as got:
        book = load_workbook(io.BytesIO(got.data))
    sheet = book["Indicators"]
    header = [c.value for c in sheet[1]]
    assert "numerator_people" in header and "value_percent" in header and "median_usd" in header
    completion = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "completion")
    assert [c.data_type for c in completion[4:8] if c.value is not None] == ["n", "n", "n"]
    terms = dict(book["Definitions"].iter_rows(min_row=2, values_only=True))
    assert "ended in the period" in terms["learners_counted"]
    assert terms["income_months"].startswith("2026-06, 2026-07, 2026-08")
    assert "fewer than 5 people" in terms["suppression"]
    assert "earned in that month" in terms["income_by_month"]
    series = book["Income by month"]
    assert [c.value for c in series[1]] == ["month", "learners_who_earned", "average_usd"]


def test_dates_are_medium_in_the_page_and_iso_in_files(client, auth, dataset):
    auth.login("coord.a")
    html = page(client, **args(site=dataset["site_a"]))
    assert "Jan 1, 2026 – Aug 31, 2026" in html and "1/1/26" not in html


def test_a_cohort_that_has_not_ended_is_in_progress(client, auth, world, make_user, frozen):
    running = create_cohort(world["site_a"], "Dzaleka running", date(2026, 9, 1))
    for i in range(6):
        user = make_user(Role.LEARNER, cohort=running, username=f"run{i}")
        enrol(user, running, "female", "18-24", "CD", Decimal("0"), running.start_date)
    auth.login("coord.a")
    html = page(client, scope=f"c{running.id}")
    assert "in progress" in headline_row(html, "completion")
    assert "0.0%" not in headline_row(html, "completion")
    assert "in progress" in headline_row(html, "certified")


def test_the_age_band_never_wraps_inside(client, auth, dataset, make_user):
    auth.login("coord.a")
    html = page(client, **args(site=dataset["site_a"]))
    assert "25\u2060–\u206034" in html and ">25-34<" not in html


def test_pages_and_indicators_read_one_income_fact(dataset, frozen):
    """The coordinator's cohort income page and the indicators agree, learner by learner."""
    on = date(2026, 9, 1)  # the income months are June to August for both
    rows = {r["id"]: r for r in earnings_income.cohort_income(dataset["cohort"], on)["rows"]}
    facts = ind.facts(dataset["admin"], Scope(cohort_id=dataset["cohort"].id), WINDOW)
    for fact in facts:
        assert rows[fact.learner_id]["average"] == fact.avg3
        assert rows[fact.learner_id]["raised"] == fact.raised
    assert earnings_income.last_complete_months(on) == WINDOW.income_months()
    assert TODAY > on
