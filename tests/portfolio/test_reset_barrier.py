"""A trainer who resets a learner's password cannot then read the learner's private portfolio
items (issue 11): after a reset with a staff-issued code, private items stay hidden, for every
session of that account, until the hold ends or the owner proves who they are with the
password the reset replaced. The owner is told who reset it and when."""
import re
from datetime import timedelta

import pytest

from dip.extensions import db
from dip.modules.accounts.models import AccountEvent
from tests.conftest import PASSWORD, form

CODE_RE = re.compile(r"Reset code for [\w.]+: ([a-z2-9]{4}-[a-z2-9]{4})")
NEW = "chosen by trainer 9"


def _reset_as(client, auth, staff, learner, new=NEW):
    """``staff`` issues a reset code for ``learner``, redeems it and signs in as the learner."""
    auth.login(staff.username)
    page = client.post(f"/users/{learner.id}/reset-code", data=form(), follow_redirects=True)
    code = CODE_RE.search(page.get_data(as_text=True)).group(1)
    auth.logout()
    redeemed = client.post("/reset", data={"username": learner.username, "code": code,
                                           "password": new, "confirm": new})
    assert redeemed.status_code == 302
    return auth.login(learner.username, new)


@pytest.fixture
def secret(people, make_item):
    return make_item(people["learner"], title="My private diary of clients", visibility="private")


def test_trainer_who_resets_a_password_does_not_read_private_items(client, auth, people, secret):
    signed_in = _reset_as(client, auth, people["trainer"], people["learner"])
    assert signed_in.status_code == 302
    listing = client.get("/portfolio/").get_data(as_text=True)
    assert "My private diary of clients" not in listing
    assert client.get(f"/portfolio/{secret.id}").status_code == 404
    assert client.get(f"/portfolio/{secret.id}/edit").status_code == 404
    # nor can the item be made visible to trainers from inside the account
    client.post(f"/portfolio/{secret.id}/edit", data=form(
        title="x", visibility="cohort", sample_text="y"))
    db.session.refresh(secret)
    assert secret.visibility == "private"


def test_the_learner_is_told_at_sign_in_who_reset_the_password_and_when(client, auth, people):
    response = _reset_as(client, auth, people["trainer"], people["learner"])
    page = client.get(response.location).get_data(as_text=True)
    assert "Your password was reset" in page
    assert people["trainer"].display_name in page
    home = client.get("/").get_data(as_text=True)
    assert "Your password was reset" in home and people["trainer"].display_name in home


def test_the_notice_cannot_be_dismissed_at_once_but_later(client, auth, people, monkeypatch):
    from dip.modules.accounts import holds

    _reset_as(client, auth, people["trainer"], people["learner"])
    client.post("/account/notice", data=form())
    assert "Your password was reset" in client.get("/").get_data(as_text=True)
    later = holds.utcnow() + timedelta(hours=holds.HOLD_HOURS + 1)
    monkeypatch.setattr(holds, "utcnow", lambda: later)
    assert "I have read this" in client.get("/").get_data(as_text=True)
    client.post("/account/notice", data=form())
    assert "Your password was reset" not in client.get("/").get_data(as_text=True)


def test_the_notice_goes_by_itself_after_some_days(client, auth, people, monkeypatch):
    from dip.modules.accounts import holds

    _reset_as(client, auth, people["trainer"], people["learner"])
    later = holds.utcnow() + timedelta(days=holds.NOTICE_DAYS + 1)
    monkeypatch.setattr(holds, "utcnow", lambda: later)
    assert "Your password was reset" not in client.get("/").get_data(as_text=True)


def test_the_owner_shows_private_items_again_with_the_old_password(client, auth, people, secret):
    _reset_as(client, auth, people["trainer"], people["learner"])
    wrong = client.post("/account/notice/prove", data=form(password="not the old one"))
    assert wrong.status_code == 200
    assert client.get(f"/portfolio/{secret.id}").status_code == 404
    client.post("/account/notice/prove", data=form(password=PASSWORD))
    assert client.get(f"/portfolio/{secret.id}").status_code == 200


def test_private_items_come_back_when_the_hold_ends(client, auth, people, secret, monkeypatch):
    from dip.core import scope
    from dip.modules.accounts import holds

    _reset_as(client, auth, people["trainer"], people["learner"])
    later = holds.utcnow() + timedelta(hours=holds.HOLD_HOURS + 1)
    monkeypatch.setattr(holds, "utcnow", lambda: later)
    monkeypatch.setattr(scope, "utcnow", lambda: later)
    assert client.get(f"/portfolio/{secret.id}").status_code == 200


def test_the_old_password_during_the_hold_tells_the_owner(client, auth, people):
    _reset_as(client, auth, people["trainer"], people["learner"])
    auth.logout()
    response = auth.login(people["learner"].username, PASSWORD)
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert "was changed" in text and people["trainer"].display_name in text


def test_issuing_and_redeeming_are_in_the_audit_trail(client, auth, people):
    learner, trainer = people["learner"], people["trainer"]
    _reset_as(client, auth, trainer, learner)
    events = db.session.scalars(db.select(AccountEvent).where(
        AccountEvent.subject_id == learner.id).order_by(AccountEvent.id)).all()
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["reset_code_issued", "reset_code_redeemed"]
    assert events[0].actor_id == trainer.id
    assert events[1].detail["issued_by"] == trainer.id
    auth.logout()
    auth.login(people["coordinator"].username)
    page = client.get(f"/users/{learner.id}").get_data(as_text=True)
    assert "Reset code issued" in page and "Reset code used" in page
