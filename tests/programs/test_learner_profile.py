"""A learner's profile (gender, age band, country, baseline income) survives a move and staff in
scope can correct it; the learner's code never changes (issue 12)."""
from decimal import Decimal

import pytest

from dip.core.access import Role
from dip.extensions import db
from dip.modules.programs.models import LearnerProfile
from tests.conftest import form


@pytest.fixture
def enrolled(world, make_cohort):
    """Learner A with a full profile, and a second cohort at site A."""
    from dip.modules.programs.services import enrol

    enrol(world["learner"], world["cohort_a"], gender="female", age_band="25-34",
          country_of_origin="CD", baseline_income_usd=Decimal("12.50"))
    db.session.commit()
    return {**world, "cohort_a2": make_cohort(world["site_a"], "A2")}


def _profile(learner) -> LearnerProfile:
    db.session.expire_all()
    return db.session.get(LearnerProfile, learner.id)


def test_moving_a_learner_keeps_their_profile_and_code(client, auth, enrolled):
    learner = enrolled["learner"]
    code = _profile(learner).code
    auth.login(enrolled["coordinator"].username)
    response = client.post(f"/users/{learner.id}/place",
                           data=form(cohort=enrolled["cohort_a2"].id, site=0))
    assert response.status_code == 302
    profile = _profile(learner)
    assert profile.cohort_id == enrolled["cohort_a2"].id
    assert (profile.gender, profile.age_band, profile.country_of_origin) == ("female", "25-34", "CD")
    assert profile.baseline_income_usd == Decimal("12.50")
    assert profile.code == code


def test_enrol_again_without_fields_keeps_them(enrolled):
    from dip.modules.programs.services import enrol

    enrol(enrolled["learner"], enrolled["cohort_a2"])
    db.session.commit()
    profile = _profile(enrolled["learner"])
    assert profile.gender == "female" and profile.baseline_income_usd == Decimal("12.50")


@pytest.mark.parametrize("who", ["trainer", "coordinator", "admin"])
def test_staff_in_scope_correct_the_profile(client, auth, enrolled, who):
    learner = enrolled["learner"]
    code = _profile(learner).code
    auth.login(enrolled[who].username)
    page = client.get(f"/users/{learner.id}/profile")
    assert page.status_code == 200
    assert 'value="CD"' in page.get_data(as_text=True)
    response = client.post(f"/users/{learner.id}/profile", data=form(
        gender="male", age_band="35-44", country_of_origin="bi", baseline_income_usd="20.75"))
    assert response.status_code == 302
    profile = _profile(learner)
    assert (profile.gender, profile.age_band, profile.country_of_origin) == ("male", "35-44", "BI")
    assert profile.baseline_income_usd == Decimal("20.75")
    assert profile.code == code


def test_amounts_are_read_in_the_readers_language(client, auth, enrolled):
    learner = enrolled["learner"]
    auth.login(enrolled["coordinator"].username)
    client.get("/?lang=fr")
    client.post(f"/users/{learner.id}/profile", data=form(
        gender="female", age_band="25-34", country_of_origin="CD", baseline_income_usd="1 250,50"))
    assert _profile(learner).baseline_income_usd == Decimal("1250.50")


def test_bad_values_keep_the_form_with_a_message(client, auth, enrolled):
    learner = enrolled["learner"]
    auth.login(enrolled["coordinator"].username)
    response = client.post(f"/users/{learner.id}/profile", data=form(
        gender="female", age_band="25-34", country_of_origin="XX", baseline_income_usd="-3"))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "two-letter code" in text and 'value="-3"' in text
    assert _profile(learner).country_of_origin == "CD"


@pytest.mark.parametrize("who,status", [("reviewer", 403), ("learner", 403)])
def test_others_cannot_correct(client, auth, enrolled, who, status):
    auth.login(enrolled[who].username)
    assert client.get(f"/users/{enrolled['learner'].id}/profile").status_code == status


def test_staff_of_another_site_cannot_correct(client, auth, enrolled, make_user):
    stranger = make_user(Role.TRAINER, cohort=enrolled["cohort_b"], username="stranger")
    auth.login(stranger.username)
    learner = enrolled["learner"]
    assert client.get(f"/users/{learner.id}/profile").status_code == 404
    assert client.post(f"/users/{learner.id}/profile", data=form(
        gender="male", age_band="18-24", country_of_origin="SO",
        baseline_income_usd="0")).status_code == 404
    assert _profile(learner).gender == "female"


def test_the_learner_page_links_to_the_correction(client, auth, enrolled):
    auth.login(enrolled["trainer"].username)
    page = client.get(f"/users/{enrolled['learner'].id}").get_data(as_text=True)
    assert f"/users/{enrolled['learner'].id}/profile" in page
    assert "25-34" in page
