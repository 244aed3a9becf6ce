"""Baseline and endline surveys: learners fill their own, trainers help, one response per kind."""
from datetime import date, timedelta

import pytest

from dip.core.access import Role
from dip.extensions import db
from dip.modules.outcomes.models import SurveyResponse
from tests.conftest import form
from tests.helpers import assert_light_page

ANSWERS = {"daily_use": "daily", "confidence": "4", "integrated": "yes", "self_employed": "no",
           "income_change": "higher"}


def responses():
    return db.session.query(SurveyResponse).all()


def test_learner_is_prompted_and_fills_the_baseline(client, auth, world):
    auth.login("learner.a")
    home = client.get("/").get_data(as_text=True)
    assert "/outcomes/survey/baseline" in home and "/outcomes/survey/endline" not in home
    page = client.get("/outcomes/survey/baseline")
    assert_light_page(client, page)
    assert client.post("/outcomes/survey/baseline", data=form(ANSWERS)).status_code == 302
    (r,) = responses()
    assert (r.learner_id, r.kind, r.daily_use, r.confidence, r.integrated, r.self_employed,
            r.assisted_by_id) == (world["learner"].id, "baseline", "daily", 4, "yes", False, None)
    assert "/outcomes/survey/baseline" not in client.get("/").get_data(as_text=True)


def test_editing_updates_the_one_response(client, auth, world):
    auth.login("learner.a")
    client.post("/outcomes/survey/baseline", data=form(ANSWERS))
    page = client.get("/outcomes/survey/baseline").get_data(as_text=True)
    assert 'value="daily" checked' in page or 'checked value="daily"' in page or "checked" in page
    client.post("/outcomes/survey/baseline", data=form(ANSWERS, integrated="no", confidence="2"))
    (r,) = responses()
    assert (r.integrated, r.confidence) == ("no", 2)


def test_the_same_submit_twice_is_done_once(client, auth, world):
    auth.login("learner.a")
    data = form(ANSWERS)
    client.post("/outcomes/survey/endline", data=data)
    again = client.post("/outcomes/survey/endline", data=data)
    assert again.status_code == 302 and len(responses()) == 1


def test_missing_answers_keep_the_form(client, auth, world):
    auth.login("learner.a")
    page = client.post("/outcomes/survey/baseline", data=form({"daily_use": "daily"}))
    assert page.status_code == 200 and "Choose an answer." in page.get_data(as_text=True)
    assert responses() == []
    assert client.get("/outcomes/survey/midline").status_code == 404


def test_endline_is_due_near_the_end(client, auth, make_cohort, make_user):
    ending = make_cohort(start=date.today() - timedelta(days=175))
    learner = make_user(Role.LEARNER, cohort=ending)
    auth.login(learner.username)
    assert "/outcomes/survey/endline" in client.get("/").get_data(as_text=True)


def test_trainer_fills_on_behalf_recorded_as_assisted(client, auth, world):
    auth.login("trainer.a")
    page = client.get(f"/outcomes/cohorts/{world['cohort_a'].id}/surveys")
    assert_light_page(client, page)
    assert world["learner"].display_name in page.get_data(as_text=True)
    url = f"/outcomes/learners/{world['learner'].id}/survey/endline"
    assert client.post(url, data=form(ANSWERS, self_employed="yes")).status_code == 302
    (r,) = responses()
    assert (r.kind, r.self_employed, r.assisted_by_id) == ("endline", True, world["trainer"].id)
    assert "assisted" in client.get(f"/outcomes/cohorts/{world['cohort_a'].id}/surveys").get_data(as_text=True)
    # Not their learner, not their cohort.
    assert client.get(f"/outcomes/learners/{world['other_learner'].id}/survey/endline").status_code == 404
    assert client.get(f"/outcomes/cohorts/{world['cohort_b'].id}/surveys").status_code == 404


def test_reviewers_cannot_open_or_fill_surveys(client, auth, world):
    auth.login("reviewer.a")
    assert client.get(f"/outcomes/cohorts/{world['cohort_a'].id}/surveys").status_code == 403
    assert client.get(f"/outcomes/learners/{world['learner'].id}/survey/endline").status_code == 403


@pytest.mark.parametrize("lang", ["en", "fr", "sw", "ar"])
def test_survey_in_every_language(client, auth, world, lang):
    auth.login("learner.a")
    page = client.get(f"/outcomes/survey/baseline?lang={lang}")
    assert page.status_code == 200 and f'lang="{lang}"' in page.get_data(as_text=True)
