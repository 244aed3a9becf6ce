"""Staff powers reach only people whose whole scope lies inside the issuer's (issue 11).

Reset codes, deactivation, renaming and placing are for people every site and cohort of whom
the issuer also holds; anyone who spans more goes to an administrator.
"""
import re

import pytest

from dip.core import scope
from dip.core.access import Role
from dip.extensions import db
from dip.modules.accounts.models import User
from tests.conftest import form

CODE_RE = re.compile(r"\b([a-z2-9]{4}-[a-z2-9]{4})\b")


@pytest.fixture
def two_sites(world, make_cohort, make_user):
    """``world`` plus a coordinator granted both sites and a trainer teaching at both."""
    from dip.modules.programs.services import place

    w = dict(world)
    w["coord_ab"] = make_user(Role.COORDINATOR, site=w["site_a"], username="coord.ab")
    place(w["coord_ab"], site=w["site_b"])
    w["trainer_ab"] = make_user(Role.TRAINER, cohort=w["cohort_a"], username="trainer.ab")
    place(w["trainer_ab"], cohort=w["cohort_b"])
    w["cohort_a2"] = make_cohort(w["site_a"], "A2")
    db.session.commit()
    return w


def _issue_code(client, auth, issuer, person):
    auth.login(issuer.username)
    response = client.post(f"/users/{person.id}/reset-code", data=form(), follow_redirects=True)
    found = CODE_RE.search(response.get_data(as_text=True)) if response.status_code == 200 else None
    auth.logout()
    return response, found.group(1) if found else None


def test_one_site_coordinator_cannot_take_over_a_two_site_coordinator(client, auth, two_sites):
    """The attack: a reset code for a wider coordinator, redeemed, then the other site's learners."""
    w = two_sites
    response, code = _issue_code(client, auth, w["coordinator"], w["coord_ab"])
    client.post("/reset", data={"username": "coord.ab", "code": code or "abcd-efgh",
                                "password": "taken over 123", "confirm": "taken over 123"})
    auth.login("coord.ab", "taken over 123")
    other_site_learner = client.get(f"/users/{w['other_learner'].id}")
    assert other_site_learner.status_code != 200, "the other site's learner was read"
    assert code is None and response.status_code == 403


@pytest.mark.parametrize("action,data", [
    ("active", {"active": "0"}),
    ("edit", {"display_name": "Renamed", "language": "en"}),
    ("place", {"cohort": 0, "site": 0}),
])
def test_a_wider_coordinator_is_not_deactivated_renamed_or_placed(client, auth, two_sites, action, data):
    w = two_sites
    target = w["coord_ab"]
    if action == "place":
        data = {"cohort": 0, "site": w["site_a"].id}
    auth.login(w["coordinator"].username)
    response = client.post(f"/users/{target.id}/{action}", data=form(data))
    assert response.status_code == 403
    db.session.refresh(target)
    assert target.active and target.display_name == "Coord.Ab"


def test_a_trainer_teaching_at_two_sites_goes_to_an_admin(client, auth, two_sites):
    w = two_sites
    trainer = w["trainer_ab"]
    auth.login(w["coordinator"].username)
    page = client.get(f"/users/{trainer.id}").get_data(as_text=True)
    assert "Issue a reset code" not in page and "Deactivate" not in page
    assert "Only an administrator" in page
    placed = client.post(f"/users/{trainer.id}/place", data=form(cohort=w["cohort_a2"].id, site=0))
    assert placed.status_code == 403
    assert client.post(f"/users/{trainer.id}/reset-code", data=form()).status_code == 403
    auth.logout()
    response, code = _issue_code(client, auth, w["admin"], trainer)
    assert code is not None  # an admin still can


def test_people_wholly_inside_the_scope_are_still_managed(client, auth, two_sites):
    w = two_sites
    auth.login(w["coordinator"].username)
    trainer = w["trainer"]
    page = client.get(f"/users/{trainer.id}").get_data(as_text=True)
    assert "Issue a reset code" in page and "Only an administrator" not in page
    assert client.post(f"/users/{trainer.id}/place",
                       data=form(cohort=w["cohort_a2"].id, site=0)).status_code == 302
    response = client.post(f"/users/{w['learner'].id}/edit",
                           data=form(display_name="Amani K", language="fr"))
    assert response.status_code == 302
    auth.logout()
    _response, code = _issue_code(client, auth, w["trainer"], w["learner"])
    assert code is not None  # a trainer for a learner of their cohort


@pytest.mark.parametrize("actor,person,expected", [
    ("admin", "coord_ab", True),
    ("coordinator", "coord_ab", False),
    ("coordinator", "trainer_ab", False),
    ("coordinator", "trainer", True),
    ("coordinator", "reviewer", True),
    ("coordinator", "learner", True),
    ("coordinator", "other_learner", False),
    ("coordinator", "admin", False),
    ("coord_ab", "coordinator", True),
    ("coord_ab", "trainer_ab", True),
    ("trainer", "learner", True),
    ("trainer", "other_learner", False),
    ("trainer", "trainer_ab", False),
    ("trainer_ab", "trainer", False),  # trainers manage learners only
    ("reviewer", "learner", False),
    ("learner", "learner", False),
])
def test_may_manage_is_the_one_rule(two_sites, actor, person, expected):
    assert scope.may_manage(two_sites[actor], two_sites[person]) is expected


def test_someone_holding_nothing_is_only_for_an_admin(two_sites):
    from dip.modules.accounts.services import create_user

    stray, _password = create_user("no.cohort", "No Cohort", Role.TRAINER)
    db.session.commit()
    assert not scope.may_manage(two_sites["coordinator"], stray)
    assert scope.may_manage(two_sites["admin"], stray)
    assert db.session.get(User, stray.id) is not None
