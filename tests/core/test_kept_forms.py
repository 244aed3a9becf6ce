"""A form kept after its session ended (dip/core/parked.py) shows, before it is sent again,
where it goes and every field it carries in plain words; what it cannot show is dropped;
passwords are never kept; it is sent only by its owner and only to the page it came from
(issue 11)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dip.core import clock
from dip.core.access import Role
from dip.core.parked import ParkedForm
from dip.extensions import db
from tests.conftest import PASSWORD, form

BRIEF = "We need our school website translated from French to English, about 2000 words."


@pytest.fixture
def learner(make_cohort, make_user):
    return make_user(Role.LEARNER, cohort=make_cohort(), username="amani")


def _expire_and_post(app, client, monkeypatch, url, data):
    """Sign-in is over (idle): the next POST is kept, not done."""
    later = clock.utcnow() + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 5)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    response = client.post(url, data=form(data))
    monkeypatch.undo()
    assert response.status_code == 302 and response.location == "/login"
    return response


def _kept():
    return db.session.scalars(select(ParkedForm)).all()


def test_the_kept_page_says_where_it_goes_and_every_field_in_words(
        app, client, auth, learner, monkeypatch):
    auth.login("amani")
    _expire_and_post(app, client, monkeypatch, "/proposals/new", {
        "job_title": "School website", "client_description": BRIEF, "budget_amount": "50",
        "budget_currency": "USD", "deadline": ""})
    assert auth.login("amani").location == "/kept"
    page = client.get("/kept").get_data(as_text=True)
    for label in ("Job title", "What the client wrote", "Budget", "Currency"):
        assert label in page, label
    assert "School website" in page and BRIEF in page
    assert "Proposals" in page  # where it goes, in words
    assert 'type="hidden" name="job_title"' not in page  # nothing sent unseen


def test_fields_it_cannot_show_are_dropped(app, client, auth, learner, monkeypatch):
    auth.login("amani")
    _expire_and_post(app, client, monkeypatch, "/proposals/new", {
        "job_title": "School website", "client_description": BRIEF,
        "learner_id": "7", "status": "won"})
    auth.login("amani")
    page = client.get("/kept").get_data(as_text=True)
    assert 'name="learner_id"' not in page and 'name="status"' not in page
    names = {name for name, _value in _kept()[0].fields}
    assert names <= {"job_title", "client_description", "budget_amount", "budget_currency",
                     "deadline"}


def test_a_one_button_action_is_not_kept(app, client, auth, world, monkeypatch):
    auth.login(world["coordinator"].username)
    _expire_and_post(app, client, monkeypatch, f"/users/{world['learner'].id}/active",
                     {"active": "0"})
    assert _kept() == []


def test_passwords_are_never_kept(app, client, auth, learner, monkeypatch):
    auth.login("amani")
    _expire_and_post(app, client, monkeypatch, "/password", {
        "current": PASSWORD, "password": "my new secret 77", "confirm": "my new secret 77"})
    stored = " ".join(value for row in _kept() for _name, value in row.fields)
    assert PASSWORD not in stored and "my new secret 77" not in stored


def test_a_kept_form_is_never_sent_by_someone_else(app, client, auth, learner, make_user,
                                                   make_cohort, monkeypatch):
    other = make_user(Role.LEARNER, cohort=make_cohort(), username="grace")
    auth.login("amani")
    _expire_and_post(app, client, monkeypatch, "/proposals/new", {
        "job_title": "School website", "client_description": BRIEF})
    kept_id = _kept()[0].id
    auth.login(other.username)
    assert "School website" not in client.get("/kept", follow_redirects=True).get_data(as_text=True)
    assert client.post(f"/kept/{kept_id}", data=form(job_title="x")).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ParkedForm)) == 1


@pytest.mark.parametrize("path", [
    "//evil.example/proposals/new", "/\t/evil.example", "/learn/", "/no/such/page",
])
def test_a_kept_form_goes_only_to_a_page_of_this_site_that_takes_it(client, auth, learner, path):
    kept = ParkedForm(user_id=learner.id, path=path, fields=[["job_title", "School website"]])
    db.session.add(kept)
    db.session.commit()
    auth.login("amani")
    response = client.post(f"/kept/{kept.id}", data=form(job_title="School website"))
    assert response.status_code != 307
    assert "evil.example" not in (response.location or "")


def test_such_a_path_is_not_even_kept(app, client, auth, learner):
    from dip.core import parked
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        assert parked.park(learner.id, "//evil.example/proposals/new",
                           MultiDict({"job_title": "School website"})) is None
    assert _kept() == []


def test_the_resent_form_goes_back_to_where_it_came_from(app, client, auth, learner, monkeypatch):
    auth.login("amani")
    _expire_and_post(app, client, monkeypatch, "/proposals/new", {
        "job_title": "School website", "client_description": BRIEF, "budget_amount": "50",
        "budget_currency": "USD"})
    auth.login("amani")
    kept = _kept()[0]
    response = client.post(f"/kept/{kept.id}", data=form(
        job_title="School website", client_description=BRIEF, budget_amount="50",
        budget_currency="USD"))
    assert response.status_code == 307 and response.location == "/proposals/new"
