"""Exchange rates: entries in other currencies wait for their month's rate, then count in USD."""
import io
from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from dip.core.access import Role
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.earnings import rates
from dip.modules.earnings.models import ExchangeRate, MonthlyIncome
from tests.conftest import form
from tests.helpers import assert_light_page

MARCH = date(2026, 3, 1)


def _income(learner, month=MARCH):
    db.session.expire_all()
    row = db.session.get(MonthlyIncome, (learner.id, month))
    return None if row is None else row.total_usd


def test_an_entry_waits_for_its_rate_and_is_never_guessed(client, auth, world, log):
    learner = world["learner"]
    log(learner, amount="17350.00", currency="MWK", day=date(2026, 3, 10))
    log(learner, amount="5.00", currency="USD", day=date(2026, 3, 11))
    assert _income(learner) == Decimal("5.00")  # the MWK entry is left out
    auth.login(learner.username)
    html = client.get("/earnings/").get_data(as_text=True)
    assert "waiting for rate" in html and "waiting for its exchange rate" in html
    auth.logout()

    auth.login(world["coordinator"].username)
    page = client.get("/rates/")
    assert_light_page(client, page)
    assert "MWK" in page.get_data(as_text=True)  # listed as missing
    response = client.post("/rates/", data=form(currency="mwk", month="2026-03", rate="1735",
                                                 direction="per_usd"))
    assert response.status_code == 302
    assert _income(learner) == Decimal("15.00")  # 17350 / 1735 = 10, plus 5
    auth.logout()
    auth.login(learner.username)
    html = client.get("/earnings/").get_data(as_text=True)
    assert "waiting for rate" not in html and "$10.00" in html


def test_changing_or_removing_a_rate_recomputes_the_month(client, auth, world, log):
    learner = world["learner"]
    log(learner, amount="1000.00", currency="KES", day=date(2026, 3, 2))
    auth.login(world["coordinator"].username)
    client.post("/rates/", data=form(currency="KES", month="2026-03", rate="0.01",
                                     direction="to_usd"))
    assert _income(learner) == Decimal("10.00")
    client.post("/rates/", data=form(currency="KES", month="2026-03", rate="0.008",
                                     direction="to_usd"))
    assert _income(learner) == Decimal("8.00")
    rate = db.session.query(ExchangeRate).one()
    client.post(f"/rates/{rate.id}/delete", data=form())
    assert _income(learner) is None


def test_rate_form_refuses_bad_input(client, auth, world):
    auth.login(world["coordinator"].username)
    cases = [({"currency": "ZZZ"}, "not a currency code"), ({"month": "March"}, "YYYY-MM"),
             ({"rate": "-3"}, "more than zero"), ({"rate": "abc"}, "as a number"),
             ({"currency": "USD"}, "need no rate"), ({"month": "2099-01"}, "up to this month")]
    for values, message in cases:
        data = {"currency": "MWK", "month": "2026-03", "rate": "1700", "direction": "per_usd"}
        data.update(values)
        response = client.post("/rates/", data=form(data))
        assert message in response.get_data(as_text=True), values
    assert db.session.query(ExchangeRate).count() == 0


def test_rates_csv_saves_good_lines_and_lists_bad_ones(client, auth, world, log):
    log(world["learner"], amount="3470.00", currency="MWK", day=date(2026, 2, 5))
    csv = ("currency;month;units_per_usd\nMWK;2026-02;1735\nKES;2026-02;129.5\n"
           "XXX;2026-02;5\nMWK;Feb;1700\nJOD;2026-01;\n").encode()
    auth.login(world["coordinator"].username)
    response = client.post("/rates/import", data=form(file=(io.BytesIO(csv), "rates.csv")),
                           content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "2 rates saved" in html
    assert "Line 4" in html and "Line 5" in html and "Line 6" in html
    assert {r.site_id for r in db.session.query(ExchangeRate)} == {world["site_a"].id}
    assert _income(world["learner"], date(2026, 2, 1)) == Decimal("2.00")


def test_another_sites_coordinator_cannot_change_dzalekas_rate_or_incomes(
        client, auth, world, make_user, log):
    """Issue 11: a coordinator of another site who logs one kwacha entry could set the kwacha
    rate for everyone and multiply Dzaleka's incomes a thousandfold."""
    dzaleka, kakuma = world["site_a"], world["site_b"]
    learner = world["learner"]
    log(learner, amount="17350.00", currency="MWK", day=date(2026, 3, 10))
    rates.set_rate(world["coordinator"], "MWK", MARCH, Decimal("1") / 1735, dzaleka.id)
    assert _income(learner) == Decimal("10.00")
    coordinator_b = make_user(Role.COORDINATOR, site=kakuma, username="coord.b")
    log(coordinator_b, world["other_learner"], amount="100.00", currency="MWK",
        day=date(2026, 3, 12))

    auth.login(coordinator_b.username)
    html = client.get("/rates/").get_data(as_text=True)
    assert "Kakuma" in html and f'value="{dzaleka.id}"' not in html  # only their site offered
    # The kwacha at 1.735 a dollar instead of 1,735: for their own site, the only one they hold.
    response = client.post("/rates/", data=form(currency="MWK", month="2026-03", rate="1.735",
                                                 direction="per_usd"))
    assert response.status_code == 302
    response = client.post("/rates/", data=form(site=str(dzaleka.id), currency="MWK",
                                                 month="2026-03", rate="1.735",
                                                 direction="per_usd"))
    assert response.status_code == 200  # refused, with the form again
    with pytest.raises(ServiceError):
        rates.set_rate(coordinator_b, "MWK", MARCH, Decimal("0.5"), dzaleka.id)
    with pytest.raises(ServiceError):
        rates.set_rate(coordinator_b, "MWK", MARCH, Decimal("0.5"), None)  # all sites: admins
    dzaleka_rate = db.session.query(ExchangeRate).filter_by(site_id=dzaleka.id).one()
    assert client.post(f"/rates/{dzaleka_rate.id}/delete", data=form()).status_code == 404

    assert _income(learner) == Decimal("10.00")  # Dzaleka's learner: untouched
    assert _income(world["other_learner"]) == Decimal("57.64")  # 100 / 1.735, their own rate
    assert db.session.get(ExchangeRate, dzaleka_rate.id).rate_to_usd == dzaleka_rate.rate_to_usd


def test_a_site_rate_comes_first_then_the_all_site_rate(client, auth, world, log):
    log(world["learner"], amount="1735.00", currency="MWK", day=date(2026, 3, 10))
    log(world["other_learner"], amount="1000.00", currency="MWK", day=date(2026, 3, 10))
    auth.login(world["admin"].username)
    assert "All sites" in client.get("/rates/").get_data(as_text=True)
    client.post("/rates/", data=form(site="", currency="MWK", month="2026-03", rate="1000",
                                     direction="per_usd"))
    assert _income(world["learner"]) == Decimal("1.74")
    assert _income(world["other_learner"]) == Decimal("1.00")
    client.post("/rates/", data=form(site=str(world["site_a"].id), currency="MWK",
                                     month="2026-03", rate="1735", direction="per_usd"))
    assert _income(world["learner"]) == Decimal("1.00")  # Dzaleka's own rate
    assert _income(world["other_learner"]) == Decimal("1.00")  # still the all-site one
    auth.logout()
    auth.login(world["coordinator"].username)  # sees the all-site rate, may not remove it
    all_sites = db.session.query(ExchangeRate).filter_by(site_id=None).one()
    client.post(f"/rates/{all_sites.id}/delete", data=form())
    assert db.session.get(ExchangeRate, all_sites.id) is not None


def test_a_coordinator_sets_any_currency_but_only_for_their_site(client, auth, world, log):
    log(world["learner"], amount="500.00", currency="KES", day=date(2026, 3, 4))
    log(world["other_learner"], amount="500.00", currency="KES", day=date(2026, 3, 4))
    auth.login(world["coordinator"].username)
    response = client.post("/rates/", data=form(currency="KES", month="2026-03", rate="125",
                                                 direction="per_usd"))
    assert response.status_code == 302 and _income(world["learner"]) == Decimal("4.00")
    assert _income(world["other_learner"]) is None  # Kakuma's entry still waits


def test_a_rate_is_typed_the_readers_way(client, auth, world, log):
    log(world["learner"], amount="1000.00", currency="MWK", day=date(2026, 3, 4))
    auth.login(world["coordinator"].username)
    client.get("/?lang=fr")
    response = client.post("/rates/", data=form(currency="MWK", month="2026-03", rate="1 000,50",
                                                 direction="per_usd"))
    assert response.status_code == 302
    assert _income(world["learner"]) == Decimal("1.00")
    response = client.post("/rates/", data=form(currency="MWK", month="2026-03", rate="1.000,5",
                                                 direction="per_usd"))
    assert response.status_code == 200 and "1.000,5" in response.get_data(as_text=True)


def test_learners_and_trainers_cannot_change_rates(client, auth, world):
    for who in ("learner", "trainer"):
        auth.login(world[who].username)
        assert client.post("/rates/", data=form(currency="MWK", month="2026-03", rate="1",
                                                direction="per_usd")).status_code == 403
        auth.logout()


def test_a_rates_file_for_another_site_saves_nothing(client, auth, world):
    csv = b"currency,month,units_per_usd\nMWK,2026-02,1735\n"
    auth.login(world["coordinator"].username)
    response = client.post("/rates/import", data=form(
        file=(io.BytesIO(csv), "rates.csv"), import_site=str(world["site_b"].id)),
        content_type="multipart/form-data", follow_redirects=True)
    assert "only for the sites you coordinate" in response.get_data(as_text=True)
    assert db.session.query(ExchangeRate).count() == 0


def test_a_missing_rate_opens_the_form_on_its_site(client, auth, world, log):
    log(world["learner"], amount="1000.00", currency="EUR", day=date(2026, 3, 4))
    log(world["other_learner"], amount="1000.00", currency="EUR", day=date(2026, 3, 4))
    auth.login(world["admin"].username)
    html = client.get("/rates/").get_data(as_text=True)
    for site in ("site_a", "site_b"):  # one line a site, each naming it, each opening its form
        assert f"site={world[site].id}" in html and world[site].name in html
    page = client.get(f"/rates/?currency=EUR&month=2026-03&site={world['site_b'].id}")
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.select_one("#site option[selected]")["value"] == str(world["site_b"].id)
