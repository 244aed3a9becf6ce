"""Exchange rates: entries in other currencies wait for their month's rate, then count in USD."""
import io
from datetime import date
from decimal import Decimal

from dip.extensions import db
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
    assert "1 rate saved" in html
    # KES: neither this coordinator's site currency nor one their learners were paid in.
    assert "Line 3: KES is neither" in html
    assert "Line 4" in html and "Line 5" in html and "Line 6" in html
    assert db.session.query(ExchangeRate).count() == 1
    assert _income(world["learner"], date(2026, 2, 1)) == Decimal("2.00")


def test_a_coordinator_keeps_only_the_rates_of_their_currencies(client, auth, world, log):
    auth.login(world["coordinator"].username)
    response = client.post("/rates/", data=form(currency="KES", month="2026-03", rate="129",
                                                 direction="per_usd"))
    assert "its coordinator keeps its rates" in response.get_data(as_text=True)
    log(world["learner"], amount="500.00", currency="KES", day=date(2026, 3, 4))
    response = client.post("/rates/", data=form(currency="KES", month="2026-03", rate="125",
                                                 direction="per_usd"))
    assert response.status_code == 302 and _income(world["learner"]) == Decimal("4.00")


def test_learners_and_trainers_cannot_change_rates(client, auth, world):
    for who in ("learner", "trainer"):
        auth.login(world[who].username)
        assert client.post("/rates/", data=form(currency="MWK", month="2026-03", rate="1",
                                                direction="per_usd")).status_code == 403
        auth.logout()
