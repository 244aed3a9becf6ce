"""Portfolio items: samples as text or checked files, visibility and scoping, graded work."""
from sqlalchemy import func, select

from dip.extensions import db
from dip.modules.portfolio.models import PortfolioItem
from tests.conftest import form
from tests.helpers import assert_light_page
from tests.portfolio.conftest import PDF, multipart

FIELDS = {"title": "Transcription of an interview", "client_need": "A 10-minute interview typed",
          "what_i_did": "Typed it with timestamps", "skills": "transcription",
          "tags": "English, timestamps", "sample_text": "", "visibility": "cohort"}


def _count():
    return db.session.scalar(select(func.count()).select_from(PortfolioItem))


def test_learner_adds_item_with_text_sample_and_sees_it(client, auth, people):
    auth.login("learner.a")
    assert_light_page(client, client.get("/portfolio/new"))
    response = multipart(client, "/portfolio/new", dict(FIELDS, sample_text="Q: Hello. A: Hi."))
    assert response.status_code == 302
    page = client.get(response.location)
    html = page.get_data(as_text=True)
    assert "Transcription of an interview" in html and "Q: Hello. A: Hi." in html
    assert "Transcription" in html and "timestamps" in html and "My trainers" in html
    assert_light_page(client, page)
    index = client.get("/portfolio/")
    assert "Transcription of an interview" in index.get_data(as_text=True)
    assert_light_page(client, index)


def test_file_sample_is_checked_stored_and_downloaded(client, auth, people):
    auth.login("learner.a")
    response = multipart(client, "/portfolio/new", FIELDS, (PDF, "my sample.pdf"))
    assert response.status_code == 302
    item = db.session.scalar(select(PortfolioItem))
    assert item.file_kind == "pdf" and "my sample" not in item.file_key
    with client.get(f"/portfolio/{item.id}/file") as download:
        assert download.status_code == 200
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.get_data() == PDF


def test_bad_upload_is_refused_and_typed_text_kept(client, auth, people):
    auth.login("learner.a")
    fake = b"MZ this is a program, not a document"
    response = multipart(client, "/portfolio/new", dict(FIELDS, what_i_did="My careful words"),
                         (fake, "cv.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "not a real" in html and "My careful words" in html
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 10)
    response = multipart(client, "/portfolio/new", FIELDS, (big, "big.pdf"))
    assert "larger than 5 MB" in response.get_data(as_text=True)
    assert _count() == 0


def test_item_needs_a_sample(client, auth, people):
    auth.login("learner.a")
    response = multipart(client, "/portfolio/new", FIELDS)
    assert "Add a sample" in response.get_data(as_text=True)
    assert _count() == 0


def test_retried_post_adds_the_item_once(client, auth, people):
    auth.login("learner.a")
    body = form(dict(FIELDS, sample_text="text"))
    assert client.post("/portfolio/new", data=body).status_code == 302
    assert client.post("/portfolio/new", data=body).status_code == 302
    assert _count() == 1


def test_edit_changes_visibility_and_keeps_the_file(client, auth, people):
    auth.login("learner.a")
    multipart(client, "/portfolio/new", FIELDS, (PDF, "s.pdf"))
    item = db.session.scalar(select(PortfolioItem))
    assert "s.pdf" in client.get(f"/portfolio/{item.id}/edit").get_data(as_text=True)
    response = multipart(client, f"/portfolio/{item.id}/edit",
                         dict(FIELDS, visibility="public", title="New title"))
    assert response.status_code == 302
    db.session.refresh(item)
    assert (item.title, item.visibility, item.file_kind) == ("New title", "public", "pdf")


def test_another_learners_item_is_404(client, auth, people, make_item):
    item = make_item(people["learner2"], visibility="public")
    auth.login("learner.a")
    assert client.get(f"/portfolio/{item.id}").status_code == 404
    assert client.get(f"/portfolio/{item.id}/edit").status_code == 404
    assert client.get(f"/portfolio/{item.id}/file").status_code == 404
    assert client.post(f"/portfolio/{item.id}/delete", data=form()).status_code == 404
    assert client.post(f"/portfolio/{item.id}/edit", data=form(FIELDS)).status_code == 404
    assert _count() == 1


def test_owner_removes_an_item_and_its_file(client, auth, people):
    from dip.core import uploads

    auth.login("learner.a")
    multipart(client, "/portfolio/new", FIELDS, (PDF, "s.pdf"))
    item = db.session.scalar(select(PortfolioItem))
    stored = uploads.path_of(item.file_key)
    assert stored.exists()
    assert client.post(f"/portfolio/{item.id}/delete", data=form()).status_code == 302
    assert _count() == 0 and not stored.exists()
    assert client.get(f"/portfolio/{item.id}").status_code == 404


def test_replacing_or_removing_the_file(client, auth, people):
    from dip.core import uploads

    auth.login("learner.a")
    multipart(client, "/portfolio/new", dict(FIELDS, sample_text="text too"), (PDF, "one.pdf"))
    item = db.session.scalar(select(PortfolioItem))
    first = uploads.path_of(item.file_key)
    multipart(client, f"/portfolio/{item.id}/edit", dict(FIELDS, sample_text="text too"),
              (PDF, "two.pdf"))
    db.session.refresh(item)
    assert item.file_name == "two.pdf" and not first.exists()
    multipart(client, f"/portfolio/{item.id}/edit",
              dict(FIELDS, sample_text="text too", remove_file="y"))
    db.session.refresh(item)
    assert item.file_key is None and item.sample_text == "text too"


def test_trainer_sees_shared_items_not_private_ones(client, auth, people, make_item):
    private = make_item(people["learner"], title="Secret draft", visibility="private")
    shared = make_item(people["learner"], title="Shared work", visibility="cohort")
    public = make_item(people["learner"], title="Public work", visibility="public")
    auth.login("trainer.a")
    assert client.get(f"/portfolio/{private.id}").status_code == 404
    assert client.get(f"/portfolio/{shared.id}").status_code == 200
    assert client.get(f"/portfolio/{public.id}").status_code == 200
    page = client.get(f"/portfolio/learners/{people['learner'].id}")
    html = page.get_data(as_text=True)
    assert "Shared work" in html and "Public work" in html and "Secret draft" not in html
    assert_light_page(client, page)


def test_other_cohort_staff_and_reviewers_see_nothing(client, auth, people, make_item,
                                                      make_user):
    from dip.core.access import Role

    item = make_item(people["learner"], visibility="public")
    make_user(Role.TRAINER, cohort=people["cohort_b"], username="trainer.b")
    make_user(Role.COORDINATOR, site=people["site_b"], username="coord.b")
    for username in ("trainer.b", "coord.b"):
        auth.login(username)
        assert client.get(f"/portfolio/{item.id}").status_code == 404
        assert client.get(f"/portfolio/learners/{people['learner'].id}").status_code == 404
        auth.logout()
    auth.login("coord.a")
    assert client.get(f"/portfolio/{item.id}").status_code == 200
    auth.logout()
    auth.login("reviewer.a")
    assert client.get(f"/portfolio/{item.id}").status_code == 403
    assert client.get("/portfolio/").status_code == 403


def test_learner_text_is_shown_inert(client, auth, people, make_item):
    attack = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    item = make_item(people["learner"], title=attack, sample_text=attack, what_i_did=attack)
    auth.login("learner.a")
    html = client.get(f"/portfolio/{item.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_graded_assignment_becomes_an_item_in_one_step(client, auth, people):
    from dip.modules.assignments import services as assignments
    from dip.modules.assignments.models import Assignment

    task = Assignment(key="t-1", module_key="english", title="Translate a notice", titles={},
                      instructions="", kind="text", accept=[], required=True, checks=[],
                      rubric=[{"criterion": "Accurate", "points": 10}])
    failed_task = Assignment(key="t-2", module_key="english", title="Failed work", titles={},
                             instructions="", kind="text", accept=[], required=True, checks=[],
                             rubric=[{"criterion": "Accurate", "points": 10}])
    db.session.add_all([task, failed_task])
    db.session.commit()
    good = assignments.submit(task, people["learner"].id, text="Avis: la réunion est lundi.")
    assignments.grade(good, people["trainer"].id, [9], "Very good", returned=False)
    bad = assignments.submit(failed_task, people["learner"].id, text="weak")
    assignments.grade(bad, people["trainer"].id, [2], "Try again", returned=False)
    auth.login("learner.a")
    page = client.get("/portfolio/from-assignments")
    html = page.get_data(as_text=True)
    assert "Translate a notice" in html and "Failed work" not in html
    assert_light_page(client, page)
    body = form(submission_id=str(good.id))
    response = client.post("/portfolio/from-assignments", data=body)
    assert response.status_code == 302 and "/edit" in response.location
    item = db.session.scalar(select(PortfolioItem))
    assert (item.title, item.sample_text, item.visibility) == (
        "Translate a notice", "Avis: la réunion est lundi.", "private")
    # Again (a retry, or the same button twice): still one item.
    client.post("/portfolio/from-assignments", data=form(submission_id=str(good.id)))
    assert _count() == 1
    # Work that did not pass, or someone else's, is refused.
    response = client.post("/portfolio/from-assignments", data=form(submission_id=str(bad.id)),
                           follow_redirects=True)
    assert "not graded and passed" in response.get_data(as_text=True)
    assert _count() == 1
    assert "Translate a notice" not in client.get("/portfolio/from-assignments").get_data(
        as_text=True)


def test_graded_file_becomes_an_item_with_its_own_copy(client, auth, people):
    from dip.modules.assignments import services as assignments
    from dip.modules.assignments.models import Assignment

    task = Assignment(key="t-3", module_key="english", title="Design a flyer", titles={},
                      instructions="", kind="file", accept=["pdf"], required=True, checks=[],
                      rubric=[{"criterion": "Clear", "points": 10}])
    db.session.add(task)
    db.session.commit()
    sub = assignments.submit(task, people["learner"].id, file=(PDF, "flyer.pdf"))
    assignments.grade(sub, people["trainer"].id, [8], "Nice", returned=False)
    auth.login("learner.a")
    client.post("/portfolio/from-assignments", data=form(submission_id=str(sub.id)))
    item = db.session.scalar(select(PortfolioItem))
    assert item.file_name == "flyer.pdf" and item.file_key != sub.file_key
    with client.get(f"/portfolio/{item.id}/file") as download:
        assert download.get_data() == PDF


def test_tags_typed_on_an_arabic_keyboard_are_split():
    from dip.modules.portfolio.services import parse_tags

    assert parse_tags("ترجمة، تفريغ صوتي؛ Excel, excel") == ["ترجمة", "تفريغ صوتي", "Excel"]
