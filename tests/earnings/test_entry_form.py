"""The earnings form for a newcomer: today, their site's currency, no preset platform, numbers
typed their language's way, and money waiting for a rate shown in its own currency, not $0.00."""
from datetime import date
from decimal import Decimal

from bs4 import BeautifulSoup

from dip.extensions import db
from dip.modules.earnings.models import EarningEntry
from tests.conftest import form


def _entry(**values):
    base = {"earned_on": date.today().isoformat(), "amount": "25.50", "currency": "MWK",
            "platform": "local", "client": "Mama Shop", "kind": "design", "hours": "",
            "note": ""}
    base.update(values)
    return base


def test_the_form_starts_today_in_the_sites_currency_with_no_platform(client, auth, world):
    auth.login(world["learner"].username)
    soup = BeautifulSoup(client.get("/earnings/new").get_data(as_text=True), "html.parser")
    assert soup.find("input", {"name": "earned_on"})["value"] == date.today().isoformat()
    assert soup.find("input", {"name": "currency"})["value"] == "MWK"  # Dzaleka's kwacha
    chosen = soup.find("select", {"name": "platform"}).find("option", selected=True)
    assert chosen is None or chosen["value"] == ""
    response = client.post("/earnings/new", data=form(_entry(platform="")))
    assert response.status_code == 200 and "Choose a platform" in response.get_data(as_text=True)
    assert db.session.query(EarningEntry).count() == 0


def test_staff_logging_for_a_learner_start_in_that_learners_currency(client, auth, world):
    auth.login(world["admin"].username)
    html = client.get(f"/earnings/new?learner={world['other_learner'].id}").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("input", {"name": "currency"})["value"] == "KES"  # Kakuma's shilling


def test_a_decimal_comma_in_french_and_a_clear_message_in_english(client, auth, world):
    learner = world["learner"]
    auth.login(learner.username)
    client.get("/?lang=fr")
    assert client.post("/earnings/new", data=form(_entry(amount="25,50"))).status_code == 302
    assert db.session.query(EarningEntry).one().amount == Decimal("25.50")
    entry = db.session.query(EarningEntry).one()
    page = client.get(f"/earnings/{entry.id}/edit").get_data(as_text=True)
    assert 'value="25,50"' in page  # shown back the French way
    client.get("/?lang=en")
    response = client.post("/earnings/new", data=form(_entry(amount="25,50")))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "as a number, such as 25.50" in html
    assert 'value="25,50"' in html  # the form keeps what was typed
    assert db.session.query(EarningEntry).count() == 1


def test_money_waiting_for_a_rate_shows_in_its_own_currency(client, auth, world, log):
    learner = world["learner"]
    log(learner, amount="17350.00", currency="MWK")
    auth.login(learner.username)
    for path in ("/earnings/", "/earnings/income", "/"):
        html = client.get(path).get_data(as_text=True)
        assert "MWK\xa017,350.00" in html, path
        assert "waiting for" in html, path


def test_staff_see_the_money_waiting_in_its_own_currency(client, auth, world, log):
    log(world["learner"], amount="17350.00", currency="MWK")
    auth.login(world["coordinator"].username)
    for path in ("/earnings/", "/rates/"):
        assert "MWK\xa017,350.00" in client.get(path).get_data(as_text=True), path
