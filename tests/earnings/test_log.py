"""The earnings log: learners and coordinators log, change and delete entries, with an audit trail."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from dip.extensions import db
from dip.modules.earnings.models import EarningEntry, EntryChange, MonthlyIncome
from tests.conftest import form
from tests.helpers import assert_light_page


def _count(learner_id=None) -> int:
    query = select(func.count()).select_from(EarningEntry)
    if learner_id:
        query = query.where(EarningEntry.learner_id == learner_id)
    return db.session.scalar(query)


def _entry_form(**values):
    base = {"earned_on": date.today().isoformat(), "amount": "25.50", "currency": "USD",
            "platform": "upwork", "client": "Acme Ltd", "kind": "translation", "hours": "3",
            "note": ""}
    base.update(values)
    return base


def test_learner_logs_an_earning_and_sees_it_in_dollars(client, auth, world):
    auth.login(world["learner"].username)
    page = client.get("/earnings/new")
    assert_light_page(client, page)
    response = client.post("/earnings/new", data=form(_entry_form()))
    assert response.status_code == 302
    page = client.get("/earnings/")
    assert_light_page(client, page)
    html = page.get_data(as_text=True)
    assert "25.50" in html and "Acme Ltd" in html
    assert "This month" in html and "$25.50" in html
    row = db.session.get(MonthlyIncome, (world["learner"].id, date.today().replace(day=1)))
    assert row.total_usd == Decimal("25.50") and row.entry_count == 1


def test_a_retried_post_adds_the_entry_once(client, auth, world):
    auth.login(world["learner"].username)
    body = form(_entry_form())
    first = client.post("/earnings/new", data=body)
    again = client.post("/earnings/new", data=body)
    assert first.status_code == again.status_code == 302
    assert _count(world["learner"].id) == 1
    assert "already saved" in client.get(again.location).get_data(as_text=True)


def test_negative_amounts_are_labelled_fee_or_refund(client, auth, world, log):
    log(world["learner"], amount="-4.50")
    auth.login(world["learner"].username)
    html = client.get("/earnings/").get_data(as_text=True)
    assert "\u2212$4.50" in html and "$-4.50" not in html and "fee or refund" in html


def test_bad_input_gets_a_clear_message_and_stores_nothing(client, auth, world):
    auth.login(world["learner"].username)
    cases = [
        ({"earned_on": (date.today() + timedelta(days=3)).isoformat()}, "in the future"),
        ({"earned_on": "2014-06-01"}, "before 2015"),
        ({"currency": "XYZ"}, "not a currency code"),
        ({"amount": "1.234,56"}, "as a number"),
        ({"amount": "0"}, "cannot be zero"),
        ({"amount": "10.005"}, "two decimals"),
        ({"hours": "-2"}, "between 0 and 1000"),
    ]
    for values, message in cases:
        response = client.post("/earnings/new", data=form(_entry_form(**values)))
        assert response.status_code == 200, values
        assert message in response.get_data(as_text=True), values
    assert _count() == 0


def test_get_arguments_prefill_the_form(client, auth, world):
    auth.login(world["learner"].username)
    html = client.get("/earnings/new?amount=12.50&currency=KES&client=Mama+Shop&platform=local"
                      "&earned_on=2026-01-05&kind=design").get_data(as_text=True)
    assert 'value="12.50"' in html and 'value="KES"' in html and 'value="Mama Shop"' in html
    assert 'value="2026-01-05"' in html
    local = re.search(r'<option[^>]*value="local"[^>]*>', html).group(0)
    assert "selected" in local


def test_editing_keeps_the_old_values_in_the_history(client, auth, world, log):
    entry = log(world["learner"], amount="20.00")
    auth.login(world["learner"].username)
    response = client.post(f"/earnings/{entry.id}/edit",
                           data=form(_entry_form(amount="200.00", client="Big Client")))
    assert response.status_code == 302
    page = client.get(f"/earnings/{entry.id}/edit")
    assert_light_page(client, page)
    html = page.get_data(as_text=True)
    assert "Amount: 20.00" in html and "Amount: 200.00" in html
    assert "changed" in html and world["learner"].display_name in html
    assert db.session.get(MonthlyIncome, (world["learner"].id, entry.month)).total_usd == 200


def test_deleting_keeps_the_entry_but_it_no_longer_counts(client, auth, world, log):
    entry = log(world["learner"], amount="30.00")
    keep = log(world["learner"], amount="5.00")
    auth.login(world["learner"].username)
    assert client.post(f"/earnings/{entry.id}/delete", data=form()).status_code == 302
    db.session.expire_all()
    assert db.session.get(EarningEntry, entry.id).deleted_at is not None
    assert db.session.get(MonthlyIncome, (world["learner"].id, keep.month)).total_usd == 5
    html = client.get("/earnings/").get_data(as_text=True)
    assert "deleted" in html
    actions = db.session.scalars(select(EntryChange.action).where(
        EntryChange.entry_id == entry.id).order_by(EntryChange.id)).all()
    assert actions == ["create", "delete"]
    # Brought back, it counts again.
    client.post(f"/earnings/{entry.id}/restore", data=form())
    db.session.expire_all()
    assert db.session.get(MonthlyIncome, (world["learner"].id, keep.month)).total_usd == 35


def test_coordinator_logs_for_a_learner_of_their_site_and_verifies(client, auth, people, log):
    coordinator, learner = people["coordinator"], people["learner"]
    auth.login(coordinator.username)
    response = client.post("/earnings/new", data=form(_entry_form(learner=learner.id)))
    assert response.status_code == 302
    entry = db.session.scalar(select(EarningEntry).where(EarningEntry.learner_id == learner.id))
    assert entry.verified and entry.created_by_id == coordinator.id
    # The learner's own entry waits for a coordinator's check.
    own = log(people["learner2"], amount="7.00")
    page = client.get("/earnings/")
    assert_light_page(client, page)
    assert "Verify" in page.get_data(as_text=True)
    client.post(f"/earnings/{own.id}/verify", data=form())
    db.session.expire_all()
    assert db.session.get(EarningEntry, own.id).verified
    assert_light_page(client, client.get(f"/earnings/learners/{learner.id}"))


def test_nobody_logs_or_opens_entries_outside_their_scope(client, auth, world, log):
    theirs = log(world["other_learner"], amount="9.00")
    auth.login(world["coordinator"].username)
    response = client.post("/earnings/new", data=form(_entry_form(learner=world["other_learner"].id)))
    assert "Choose a learner from the list" in response.get_data(as_text=True)
    assert client.get(f"/earnings/{theirs.id}/edit").status_code == 404
    assert client.post(f"/earnings/{theirs.id}/delete", data=form()).status_code == 404
    assert client.get(f"/earnings/learners/{world['other_learner'].id}").status_code == 404
    auth.logout()
    auth.login(world["learner"].username)
    assert client.get(f"/earnings/{theirs.id}/edit").status_code == 404
    assert _count(world["other_learner"].id) == 1


def test_trainer_sees_but_cannot_change(client, auth, world, log):
    entry = log(world["learner"], amount="11.00")
    auth.login(world["trainer"].username)
    assert client.get(f"/earnings/{entry.id}/edit").status_code == 200
    assert client.post(f"/earnings/{entry.id}/edit", data=form(_entry_form())).status_code == 403
    assert client.post(f"/earnings/{entry.id}/delete", data=form()).status_code == 403


def test_amounts_are_shown_as_money_in_the_readers_language(app):
    from dip.core.money import format_money

    with app.test_request_context():
        assert format_money(Decimal("-110"), "USD", "en") == "\u2212$110.00"
        assert format_money(Decimal("-25000.5"), "MWK", "en") == "\u2212MWK\u00a025,000.50"
        assert format_money(Decimal("1234.5"), "USD", "fr") == "1\u202f234,50\u00a0$US"


def test_typed_amounts_follow_one_rule_in_every_language(app):
    from dip.core.money import AmountError, parse_amount

    assert parse_amount("1 234,56", "fr") == Decimal("1234.56")
    assert parse_amount("12.50", "rw") == Decimal("12.50")  # from a link, whatever the language
    assert parse_amount("\u22124.50", "en") == Decimal("-4.50")
    for text, problem in (("1e5", "number"), ("NaN", "number"), ("0", "zero"),
                          ("10.005", "decimals"), ("1000000000000", "large")):
        with pytest.raises(AmountError) as caught:
            parse_amount(text, "en")
        assert caught.value.problem == problem, text
