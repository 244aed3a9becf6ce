"""Learners send text, files and links; drafts survive; bad files are refused kindly."""
import io

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from dip.extensions import db
from dip.modules.assignments.models import Draft, Submission
from tests.assignments.conftest import docx_bytes, xlsx_bytes
from tests.conftest import form
from tests.helpers import assert_light_page


def _count(**where):
    query = select(func.count()).select_from(Submission)
    for k, v in where.items():
        query = query.where(getattr(Submission, k) == v)
    return db.session.scalar(query)


def _upload(client, assignment, data, name, text="", query=""):
    """POST a multipart form encoded in memory (Werkzeug's test client leaks a temp file
    when it encodes a large body itself)."""
    body = form(text=text, action="submit")
    body["file"] = FileStorage(io.BytesIO(data), filename=name)
    boundary, payload = encode_multipart(body)
    return client.post(f"/assignments/{assignment.id}{query}", data=payload,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_learner_sees_assignments_and_page_is_light(client, auth, course):
    auth.login("learner.a")
    page = client.get("/assignments/")
    assert "Introduce yourself" in page.get_data(as_text=True)
    detail = client.get(f"/assignments/{course['text'].id}")
    html = detail.get_data(as_text=True)
    assert "<strong>this</strong>" in html and "Clear" in html and "Save draft" in html
    assert_light_page(client, detail)


def test_save_draft_without_js_then_it_comes_back(client, auth, course):
    auth.login("learner.a")
    url = f"/assignments/{course['text'].id}"
    response = client.post(url, data=form(text="Hello, I am Amina", action="draft"))
    assert response.status_code == 302
    # The browser was closed (the connection dropped): sign in again from scratch.
    auth.logout()
    auth.login("learner.a")
    assert "Hello, I am Amina" in client.get(url).get_data(as_text=True)
    assert _count() == 0


def test_autosave_endpoint_keeps_the_text(client, auth, course):
    auth.login("learner.a")
    url = f"/assignments/{course['text'].id}/draft"
    assert client.post(url, data=form(text="first words")).status_code == 204
    assert client.post(url, data=form(text="first words and more")).status_code == 204
    drafts = db.session.scalars(select(Draft)).all()
    assert [d.text for d in drafts] == ["first words and more"]


def test_submit_text_clears_draft_and_versions_on_resubmit(client, auth, course):
    auth.login("learner.a")
    url = f"/assignments/{course['text'].id}"
    client.post(url, data=form(text="draft", action="draft"))
    assert client.post(url, data=form(text="Version one", action="submit")).status_code == 302
    assert client.post(url, data=form(text="Version two", action="submit")).status_code == 302
    subs = db.session.scalars(select(Submission).order_by(Submission.version)).all()
    assert [(s.version, s.text, s.status) for s in subs] == [
        (1, "Version one", "superseded"), (2, "Version two", "submitted")]
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
    html = client.get(url).get_data(as_text=True)
    assert "Version one" in html and "Version two" in html


def test_retried_post_does_not_duplicate_a_submission(client, auth, course):
    auth.login("learner.a")
    body = form(text="Only once", action="submit")
    first = client.post(f"/assignments/{course['text'].id}", data=body)
    again = client.post(f"/assignments/{course['text'].id}", data=body)
    assert first.status_code == again.status_code == 302
    assert _count() == 1


def test_empty_text_is_refused_with_a_message(client, auth, course):
    auth.login("learner.a")
    response = client.post(f"/assignments/{course['text'].id}", data=form(text="  ", action="submit"))
    assert response.status_code == 200 and "Write your answer" in response.get_data(as_text=True)


def test_file_upload_is_stored_checked_and_downloadable(client, auth, course):
    auth.login("learner.a")
    response = _upload(client, course["docx"], docx_bytes(), "my cv.docx", text="Here it is")
    assert response.status_code == 302
    sub = db.session.scalar(select(Submission))
    assert sub.file_kind == "docx" and sub.file_name == "my cv.docx"
    assert "my cv" not in sub.file_key  # stored under a random name
    # Without Redis the grading aids ran inline, and the learner sees the checklist.
    assert sub.checks_status == "done"
    html = client.get(f"/assignments/{course['docx'].id}").get_data(as_text=True)
    assert "Headings: 1" in html and "Tables: 1" in html
    with client.get(f"/submissions/{sub.id}/file") as download:
        assert download.status_code == 200
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.get_data()[:2] == b"PK"


def test_resubmitting_a_file_keeps_every_version(client, auth, course):
    auth.login("learner.a")
    _upload(client, course["docx"], docx_bytes(), "v1.docx")
    _upload(client, course["docx"], docx_bytes(headings=3), "v2.docx")
    subs = db.session.scalars(select(Submission).order_by(Submission.version)).all()
    assert [s.file_name for s in subs] == ["v1.docx", "v2.docx"]
    for s in subs:
        with client.get(f"/submissions/{s.id}/file") as download:
            assert download.status_code == 200


def test_oversized_file_refused_and_typed_text_kept(client, auth, course):
    auth.login("learner.a")
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 10)
    course["docx"].accept = ["docx", "pdf"]
    db.session.commit()
    response = _upload(client, course["docx"], big, "big.pdf", text="My careful note to the trainer")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "larger than 5 MB" in html and "My careful note to the trainer" in html
    assert _count() == 0


def test_wrong_type_refused(client, auth, course):
    auth.login("learner.a")
    response = _upload(client, course["docx"], b"\x89PNG\r\n\x1a\n" + b"0" * 100, "photo.png",
                       text="keep me")
    html = response.get_data(as_text=True)
    assert "not a real .docx file" in html and "keep me" in html
    assert _count() == 0


def test_renamed_file_pretending_to_be_word_is_refused(client, auth, course):
    auth.login("learner.a")
    fake = xlsx_bytes([["a"]])  # a real Excel file renamed to .docx
    response = _upload(client, course["docx"], fake, "cv.docx")
    assert "not a real .docx file" in response.get_data(as_text=True)
    response = _upload(client, course["docx"], b"just some text", "cv.docx")
    assert "not a real .docx file" in response.get_data(as_text=True)
    assert _count() == 0


def test_translated_upload_message(client, auth, course, app):
    auth.login("learner.a")
    response = _upload(client, course["docx"], b"x", "a.docx", query="?lang=fr")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="fr"' in html and "This file is not a real" not in html


def test_link_submission(client, auth, make_assignment, world):
    link = make_assignment("link")
    auth.login("learner.a")
    bad = client.post(f"/assignments/{link.id}", data=form(link="not a link", action="submit"))
    assert "https://" in bad.get_data(as_text=True)
    ok = client.post(f"/assignments/{link.id}",
                     data=form(link="https://example.org/my-profile", action="submit"))
    assert ok.status_code == 302 and db.session.scalar(select(Submission.link)) == \
        "https://example.org/my-profile"


def test_learner_only_sees_own_work(client, auth, course):
    auth.login("learner.a")
    client.post(f"/assignments/{course['text'].id}", data=form(text="mine", action="submit"))
    _upload(client, course["docx"], docx_bytes(), "cv.docx")
    sub = db.session.scalar(select(Submission).where(Submission.file_key.is_not(None)))
    auth.logout()
    auth.login("learner.a2")
    assert "mine" not in client.get(f"/assignments/{course['text'].id}").get_data(as_text=True)
    assert client.get(f"/submissions/{sub.id}/file").status_code == 404
    assert client.get(f"/grading/{sub.id}").status_code == 403


def test_cohort_assignment_hidden_from_other_cohorts(client, auth, course, make_assignment):
    mine = make_assignment("text", cohort=course["cohort_a"], title="Only for A1")
    auth.login("learner.b")
    assert client.get(f"/assignments/{mine.id}").status_code == 404
    assert "Only for A1" not in client.get("/assignments/").get_data(as_text=True)


def test_reviewer_sees_none_of_it(client, auth, course):
    auth.login("reviewer.a")
    for url in ("/assignments/", f"/assignments/{course['text'].id}", "/grading/",
                f"/cohorts/{course['cohort_a'].id}/gradebook"):
        assert client.get(url).status_code == 403, url


def test_trainer_adds_an_assignment_for_their_cohort(client, auth, course):
    auth.login("trainer.a")
    assert client.get("/assignments/new").status_code == 200
    bad = client.post("/assignments/new", data=form(
        cohort=course["cohort_a"].id, title="Email a client", kind="text", rubric="no points here"))
    assert "Line 1" in bad.get_data(as_text=True)
    ok = client.post("/assignments/new", data=form(
        cohort=course["cohort_a"].id, title="Email a client", kind="file", accept=["docx", "pdf"],
        due_week="9", required="y", instructions="Write it.",
        rubric="Polite greeting | 2\nClear request | 3"))
    assert ok.status_code == 302
    from dip.modules.assignments.models import Assignment
    a = db.session.scalar(select(Assignment).where(Assignment.title == "Email a client"))
    assert (a.cohort_id, a.max_points, a.accept, a.due_week) == (course["cohort_a"].id, 5,
                                                                 ["docx", "pdf"], 9)
    other = client.post("/assignments/new", data=form(
        cohort=course["cohort_b"].id, title="Sneaky", kind="text", rubric="x | 1"))
    assert other.status_code == 200  # not a choice for this trainer
    assert db.session.scalar(select(Assignment).where(Assignment.title == "Sneaky")) is None


def test_one_length_rule_shown_asked_before_sending_and_checked(client, auth, course):
    """The page, the question before sending and the automatic check read the same rule."""
    text = course["text"]
    text.checks, text.min_words, text.max_words = ["word_count"], 120, 200
    db.session.commit()
    auth.login("learner.a")
    url = f"/assignments/{text.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Length: 120–200 words" in page
    assert 'data-label="Words: {count} (needed: 120–200 words)"' in page  # the live count (JS)
    short = "Hello, my name is Amani and I translate."
    asked = client.post(url, data=form(text=short, action="submit"))
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and _count() == 0  # nothing sent yet: asked first
    assert "8 words; 120–200 words needed. Send anyway?" in html
    assert f"{short}</textarea>" in html  # the text stays in the box
    assert db.session.scalar(select(Draft)).text == short  # and on the server
    assert 'form="answer" name="action" value="anyway"' in html
    sent = client.post(url, data=form(text=short, action="anyway"))
    assert sent.status_code == 302 and _count() == 1
    sub = db.session.scalars(select(Submission)).one()
    assert sub.checks == [{"code": "word_count", "ok": False,
                           "values": {"count": 8, "min": 120, "max": 200}}]
    after = client.get(url).get_data(as_text=True)
    assert "Words: 8 (needed: 120–200 words)" in after
    assert f"{short}</textarea>" in after and "This is what you sent on" in after
    long_enough = " ".join(["word"] * 130)
    assert client.post(url, data=form(text=long_enough, action="submit")).status_code == 302
    assert _count() == 2 and db.session.scalars(
        select(Submission).where(Submission.version == 2)).one().checks[0]["ok"] is True


def test_answer_box_keeps_its_text_after_an_error(client, auth, course):
    auth.login("learner.a")
    url = f"/assignments/{course['text'].id}"
    too_long = client.post(url, data=form(text="x" * 50_001, action="submit"))
    assert too_long.status_code == 200 and _count() == 0
    assert "x" * 50_001 in too_long.get_data(as_text=True)