"""A learner's session ends while they write a proposal: nothing typed is lost, and only they
get it back (issue 8: "a session expires in the middle of writing a proposal")."""
from datetime import timedelta

from sqlalchemy import func, select

from dip.core import clock
from dip.core.parked import ParkedForm
from dip.extensions import db
from dip.modules.portfolio import proposals
from tests.conftest import form

LONG_TEXT = ("Hello Mrs Banda, you need your school website in French by Friday. I have "
             "translated three school websites this year. Could you tell me how many pages?")


def _idle(monkeypatch, app):
    later = clock.utcnow() + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 5)
    monkeypatch.setattr(clock, "utcnow", lambda: later)


def test_text_sent_after_the_session_ended_comes_back_after_signing_in(
        app, client, auth, people, make_proposal, monkeypatch):
    learner = people["learner"]
    proposal = make_proposal(learner, body="First lines")
    auth.login(learner.username)
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    _idle(monkeypatch, app)

    sent = client.post(f"/proposals/{proposal.id}", data=form(body=LONG_TEXT))
    assert sent.status_code == 302 and sent.location == "/login"
    assert "What you were sending is kept" in client.get("/login").get_data(as_text=True)
    assert proposals.versions(db.session.get(type(proposal), proposal.id))[-1].body != LONG_TEXT

    signed_in = auth.login(learner.username)
    assert signed_in.location == "/kept"
    page = client.get("/kept").get_data(as_text=True)
    assert "Mrs Banda" in page
    resend = client.post(f"/kept/{db.session.scalar(select(ParkedForm.id))}",
                         data=form(body=LONG_TEXT))
    assert resend.status_code == 307 and resend.location == f"/proposals/{proposal.id}"
    # The browser follows the 307 with the same form: the proposal is saved at last.
    assert client.post(resend.location, data=form(body=LONG_TEXT)).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(proposal), proposal.id).body == LONG_TEXT
    assert db.session.scalar(select(func.count()).select_from(ParkedForm)) == 0
    assert client.get("/kept").status_code == 302  # nothing waits any more


def test_the_next_person_at_the_computer_sees_none_of_it(
        app, client, auth, people, make_proposal, monkeypatch):
    learner, other = people["learner"], people["learner2"]
    proposal = make_proposal(learner)
    auth.login(learner.username)
    _idle(monkeypatch, app)
    client.post(f"/proposals/{proposal.id}", data=form(body=LONG_TEXT))
    monkeypatch.undo()

    response = auth.login(other.username)
    assert response.location == "/"
    assert "Mrs Banda" not in client.get("/kept", follow_redirects=True).get_data(as_text=True)
    parked_id = db.session.scalar(select(ParkedForm.id))
    assert client.post(f"/kept/{parked_id}", data=form()).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ParkedForm)) == 1


def test_kept_text_can_be_deleted_and_empty_forms_are_not_kept(
        app, client, auth, people, make_proposal, monkeypatch):
    learner = people["learner"]
    proposal = make_proposal(learner)
    auth.login(learner.username)
    _idle(monkeypatch, app)
    client.post(f"/proposals/{proposal.id}", data=form(body="   "))
    assert db.session.scalar(select(func.count()).select_from(ParkedForm)) == 0
    auth.login(learner.username)
    _idle(monkeypatch, app)
    client.post(f"/proposals/{proposal.id}", data=form(body=LONG_TEXT))
    monkeypatch.undo()
    auth.login(learner.username)
    parked_id = db.session.scalar(select(ParkedForm.id))
    gone = client.post(f"/kept/{parked_id}", data=form(discard="1"))
    assert gone.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ParkedForm)) == 0
