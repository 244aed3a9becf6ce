"""The grading queue and page: scoped to the trainer's cohorts, oldest first, done once."""
from datetime import timedelta

from sqlalchemy import func, select

from dip.extensions import db
from dip.modules.assignments import services
from dip.modules.assignments.models import Submission
from tests.conftest import form
from tests.helpers import assert_light_page


def _send(learner, assignment, text="My answer", minutes_ago=0):
    sub = services.submit(assignment, learner.id, text=text)
    sub.submitted_at -= timedelta(minutes=minutes_ago)
    db.session.commit()
    return sub


def test_queue_lists_own_cohorts_oldest_first(client, auth, course, make_user, make_assignment):
    late = _send(course["learner"], course["text"], minutes_ago=1)
    early = _send(course["learner2"], course["text"], minutes_ago=30)
    _send(course["other_learner"], course["text"], text="other cohort")
    auth.login("trainer.a")
    html = client.get("/grading/").get_data(as_text=True)
    assert html.index(f"/grading/{early.id}") < html.index(f"/grading/{late.id}")
    assert "Learner.B" not in html and "2 submissions wait" in html
    # The count reaches the trainer's home page.
    assert "2 submissions to grade" in client.get("/").get_data(as_text=True)


def test_trainer_cannot_open_other_cohorts_work(client, auth, course):
    other = _send(course["other_learner"], course["text"])
    auth.login("trainer.a")
    assert client.get(f"/grading/{other.id}").status_code == 404
    assert client.post(f"/grading/{other.id}", data=form({"points-0": "6", "points-1": "4"})
                       ).status_code == 404


def test_grading_page_and_grade_reaches_the_learner(client, auth, course):
    sub = _send(course["learner"], course["text"], text="Hello, my name is Amina.")
    auth.login("trainer.a")
    page = client.get(f"/grading/{sub.id}")
    html = page.get_data(as_text=True)
    assert "Hello, my name is Amina." in html and "Return for revision" in html
    assert_light_page(client, page)
    body = form({"points-0": "5", "points-1": "3", "feedback": "Good start. Add your skills.",
                 "action": "grade"})
    assert client.post(f"/grading/{sub.id}", data=body).status_code == 302
    assert client.post(f"/grading/{sub.id}", data=body).status_code == 302  # retried
    db.session.refresh(sub)
    assert (sub.status, sub.score, sub.max_score, sub.scores) == ("graded", 8, 10, [5, 3])
    assert "Nothing to grade" in client.get("/grading/").get_data(as_text=True)
    auth.logout()
    auth.login("learner.a")
    home = client.get("/").get_data(as_text=True)
    assert "Good start. Add your skills." in home and "8/10" in home and "80.0%" in home


def test_points_out_of_range_are_refused(client, auth, course):
    sub = _send(course["learner"], course["text"])
    auth.login("trainer.a")
    response = client.post(f"/grading/{sub.id}", data=form({"points-0": "9", "points-1": "1"}))
    assert response.status_code == 200 and "from 0 to 6" in response.get_data(as_text=True)
    response = client.post(f"/grading/{sub.id}", data=form({"points-0": "", "points-1": "1"}))
    assert "every criterion" in response.get_data(as_text=True)
    db.session.refresh(sub)
    assert sub.status == "submitted"


def test_return_for_revision_then_resubmit(client, auth, course):
    sub = _send(course["learner"], course["text"])
    auth.login("trainer.a")
    no_note = client.post(f"/grading/{sub.id}", data=form(
        {"points-0": "2", "points-1": "1", "action": "return"}))
    assert "Say what to change" in no_note.get_data(as_text=True)
    client.post(f"/grading/{sub.id}", data=form(
        {"points-0": "2", "points-1": "1", "action": "return", "feedback": "Add a greeting."}))
    db.session.refresh(sub)
    assert sub.status == "returned"
    auth.logout()
    auth.login("learner.a")
    assert "Returned for revision" in client.get("/").get_data(as_text=True)
    client.post(f"/assignments/{course['text'].id}", data=form(text="Hello! Better.", action="submit"))
    assert db.session.scalar(select(func.count()).select_from(Submission).where(
        Submission.status == "submitted")) == 1


def test_coordinator_sees_queue_of_their_sites(client, auth, course):
    _send(course["learner"], course["text"])
    _send(course["other_learner"], course["text"])
    auth.login("coord.a")
    assert "1 submission waits" in client.get("/grading/").get_data(as_text=True)


def test_portfolio_contract(app, course, make_user):
    passed = _send(course["learner"], course["text"], text="Good work")
    services.grade(passed, course["trainer"].id, [5, 3], "ok", returned=False)
    failed = _send(course["learner"], course["text"], text="Weak")
    services.grade(failed, course["trainer"].id, [1, 1], "no", returned=False)
    items = services.graded_for_portfolio(course["learner"].id)
    assert [i["text"] for i in items] == ["Good work"]
    assert set(items[0]) == {"submission_id", "assignment_title", "text", "file_key", "file_kind",
                             "file_name", "score_percent"}
    assert items[0]["score_percent"] == 80
    assert services.graded_for_portfolio(course["learner2"].id) == []


def test_long_queue_shows_the_oldest_page(client, auth, course, monkeypatch, make_assignment):
    monkeypatch.setattr(services.grading_queue, "__defaults__", (2,))
    subs = [_send(course["learner"], make_assignment("text"), minutes_ago=m) for m in (50, 40, 30)]
    auth.login("trainer.a")
    html = client.get("/grading/").get_data(as_text=True)
    assert "3 submissions wait" in html and "Showing the oldest 2" in html
    assert f"/grading/{subs[2].id}" not in html and f"/grading/{subs[0].id}" in html
