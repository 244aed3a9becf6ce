"""A learner who forgot their password gets a one-time code from their trainer."""
from datetime import timedelta

import pytest

from dip.core.access import Role
from tests.conftest import form


@pytest.fixture
def people(make_cohort, make_user):
    cohort = make_cohort()
    return {
        "learner": make_user(Role.LEARNER, cohort=cohort, username="grace"),
        "trainer": make_user(Role.TRAINER, cohort=cohort, username="esther"),
        "stranger": make_user(Role.TRAINER, cohort=make_cohort(), username="stranger"),
    }


def _issue(client, auth, trainer, learner) -> str:
    auth.login(trainer.username)
    response = client.post(f"/users/{learner.id}/reset-code", data=form(), follow_redirects=True)
    text = response.get_data(as_text=True)
    code = text.split("Reset code for grace: ")[1].split(".")[0]
    auth.logout()
    return code


def _redeem(client, code, password="a fresh secret 9"):
    return client.post("/reset", data={"username": "grace", "code": code, "password": password,
                                       "confirm": password})


def test_trainer_issues_code_learner_sets_new_password(client, auth, people):
    code = _issue(client, auth, people["trainer"], people["learner"])
    response = _redeem(client, code)
    assert response.location == "/login"
    # the first sign-in after a reset lands on the notice saying who reset it (issue 11)
    assert auth.login("grace", "a fresh secret 9").location == "/account/notice"
    auth.logout()
    assert auth.login("grace", "a fresh secret 9").location == "/"


def test_code_works_once(client, auth, people):
    code = _issue(client, auth, people["trainer"], people["learner"])
    _redeem(client, code)
    again = _redeem(client, code, "another secret 10")
    assert again.status_code == 200
    assert "This code is not valid" in again.get_data(as_text=True)


def test_code_expires_after_24_hours(client, auth, people, monkeypatch):
    from dip.modules.accounts import services
    code = _issue(client, auth, people["trainer"], people["learner"])
    later = services.utcnow() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    assert "This code is not valid" in _redeem(client, code).get_data(as_text=True)


def test_trainer_of_another_cohort_cannot_issue(client, auth, people):
    auth.login("stranger")
    response = client.post(f"/users/{people['learner'].id}/reset-code", data=form())
    assert response.status_code == 404


def test_guessing_codes_is_throttled(client, auth, people):
    _issue(client, auth, people["trainer"], people["learner"])
    statuses = [_redeem(client, "zzzz-zzzz").status_code for _ in range(6)]
    assert statuses[-1] == 429
