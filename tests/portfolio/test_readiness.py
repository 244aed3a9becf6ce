"""The freelance profile checklist: learners tick, trainers confirm, coordinators see the cohort."""
from dip.core.access import Role
from tests.conftest import form
from tests.helpers import assert_light_page


def test_learner_ticks_trainer_confirms_coordinator_sees(client, auth, people):
    auth.login("learner.a")
    page = client.get("/portfolio/readiness")
    assert "Identity verified" in page.get_data(as_text=True)
    assert_light_page(client, page)
    response = client.post("/portfolio/readiness",
                           data=form(steps=["account", "photo", "overview"]))
    assert response.status_code == 302
    assert "3 of 8" in client.get("/").get_data(as_text=True)
    auth.logout()

    auth.login("trainer.a")
    learner_id = people["learner"].id
    page = client.get(f"/portfolio/learners/{learner_id}")
    assert_light_page(client, page)
    response = client.post(f"/portfolio/learners/{learner_id}",
                           data=form(confirm=["account", "photo"]), follow_redirects=True)
    assert "2 steps confirmed" in response.get_data(as_text=True)
    auth.logout()

    auth.login("learner.a")
    assert client.get("/portfolio/readiness").get_data(as_text=True).count(
        "confirmed by your trainer") == 2
    auth.logout()

    auth.login("coord.a")
    cohort = people["cohort_a"]
    page = client.get(f"/cohorts/{cohort.id}/readiness")
    html = page.get_data(as_text=True)
    assert "Learner.A" in html and html.count("✓") >= 2 and "•" in html
    assert_light_page(client, page)
    # The cohort page links to it.
    assert f"/cohorts/{cohort.id}/readiness" in client.get(f"/cohorts/{cohort.id}/").get_data(
        as_text=True)


def test_unticking_drops_the_confirmation(client, auth, people):
    from dip.modules.portfolio import services

    services.tick(people["learner"].id, ["rate"])
    services.confirm(people["trainer"].id, people["learner"].id, ["rate"])
    services.tick(people["learner"].id, [])
    services.tick(people["learner"].id, ["rate"])
    mark = services.marks_of([people["learner"].id])[people["learner"].id]["rate"]
    assert mark.confirmed_at is None


def test_readiness_is_scoped(client, auth, people, make_user):
    make_user(Role.TRAINER, cohort=people["cohort_b"], username="trainer.b")
    auth.login("trainer.b")
    assert client.get(f"/cohorts/{people['cohort_a'].id}/readiness").status_code == 404
    assert client.post(f"/portfolio/learners/{people['learner'].id}",
                       data=form(confirm=["account"])).status_code == 404
    auth.logout()
    auth.login("reviewer.a")
    assert client.get(f"/cohorts/{people['cohort_a'].id}/readiness").status_code == 403
    auth.logout()
    auth.login("learner.a")
    assert client.get(f"/cohorts/{people['cohort_a'].id}/readiness").status_code == 403
    assert client.get(f"/portfolio/learners/{people['learner2'].id}").status_code == 403
